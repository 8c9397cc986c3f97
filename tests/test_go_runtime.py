"""The Go side of the reactor ABI, driven with raw wasmtime-py.

These tests run the programs in testdata/ through ``_initialize``,
``go_start_main``, ``go_tick`` and ``go_tick_for`` and read the control block
at ``go_reactor_control`` themselves, without reactor_frame's host, so that a
failure points at the Go runtime extension (reactor_frame/goruntime) or at a
test program. The layout of the control block is the ``reactorControl``
struct in reactor_frame/goruntime/reactor_frame_wasip1.go.
"""

from __future__ import annotations

import itertools
import re
import struct
import threading
import time
from pathlib import Path

import pytest
import wasmtime

CONTROL = struct.Struct("<IIIIqqqQQq")
FIELDS = (
    "magic", "version", "state", "clock_mode", "virt_mono", "virt_wall",
    "delay_ns", "turns", "rounds", "budget_spent",
)
OFFSETS = dict(zip(FIELDS, (0, 4, 8, 12, 16, 24, 32, 40, 48, 56)))
MAGIC = 0x42434652  # "RFCB"
MAIN_STARTED, MAIN_RETURNED = 1, 2
MS = 1_000_000

# wasmtime's WASI monotonic clock starts near 0 for each store, so a virtual
# clock starting at 1000 s never runs backwards from what the guest has seen.
VIRT_MONO = 1000 * 10**9
VIRT_WALL = 10**18  # 2001-09-09T01:46:40Z


class Guest:
    """One instance of a test program, driven by hand."""

    def __init__(
        self,
        engine: wasmtime.Engine,
        module: wasmtime.Module,
        workdir: Path,
        argv: list[str],
        *,
        env: dict[str, str] | None = None,
        stdin: bytes = b"",
        preopen: Path | None = None,
        host: dict[str, tuple[wasmtime.FuncType, object]] | None = None,
        memory_limit: int | None = None,
        epoch_deadline: int | None = None,
    ) -> None:
        self.store = wasmtime.Store(engine)
        if epoch_deadline is not None:
            self.store.set_epoch_deadline(epoch_deadline)
        if memory_limit is not None:
            self.store.set_limits(memory_size=memory_limit)
        wasi = wasmtime.WasiConfig()
        wasi.argv = argv
        wasi.env = sorted((env or {}).items())
        self._out, self._err = workdir / "stdout", workdir / "stderr"
        wasi.stdout_file, wasi.stderr_file = str(self._out), str(self._err)
        (workdir / "stdin").write_bytes(stdin)
        wasi.stdin_file = str(workdir / "stdin")
        if preopen is not None:
            wasi.preopen_dir(str(preopen), "/data")
        self.store.set_wasi(wasi)
        linker = wasmtime.Linker(engine)
        linker.define_wasi()
        for name, (ftype, fn) in (host or {}).items():
            linker.define_func("host", name, ftype, fn)
        self.exports = linker.instantiate(self.store, module).exports(self.store)
        self.memory = self.exports["memory"]
        self("_initialize")
        self.control_addr = self("go_reactor_control")

    def __call__(self, export: str, *args: object) -> object:
        return self.exports[export](self.store, *args)

    def start(self) -> None:
        self("go_start_main")

    def tick(self) -> int:
        return self("go_tick")

    def tick_for(self, budget_ns: int) -> int:
        return self("go_tick_for", budget_ns)

    def control(self) -> dict[str, int]:
        raw = self.memory.read(self.store, self.control_addr, self.control_addr + CONTROL.size)
        return dict(zip(FIELDS, CONTROL.unpack(raw)))

    def set_control(self, **values: int) -> None:
        for name, value in values.items():
            fmt = "<I" if OFFSETS[name] < 16 else "<q"
            at = self.control_addr + OFFSETS[name]
            self.memory.write(self.store, struct.pack(fmt, value), at)

    def use_virtual_clock(self) -> None:
        self.set_control(virt_mono=VIRT_MONO, virt_wall=VIRT_WALL, clock_mode=1)

    def advance(self, ns: int) -> None:
        c = self.control()
        self.set_control(virt_mono=c["virt_mono"] + ns, virt_wall=c["virt_wall"] + ns)

    def run_virtual(self, max_ticks: int = 10_000) -> list[int]:
        """Tick until idle, jumping the virtual clock to each timer."""
        results = []
        for _ in range(max_ticks):
            r = self.tick()
            results.append(r)
            if r == -1:
                return results
            if r > 0:
                delay = self.control()["delay_ns"]
                assert r == -(-delay // MS), (r, delay)
                self.advance(delay)
        raise AssertionError(f"not idle after {max_ticks} ticks")

    def run_real(self, max_ticks: int = 100_000) -> list[int]:
        """Tick until idle, sleeping for timers on the real clock. Bounded by
        ticks, not seconds: a loaded machine only makes it slower."""
        results = []
        for _ in range(max_ticks):
            r = self.tick()
            results.append(r)
            if r == -1:
                return results
            if r > 0:
                time.sleep(r / 1000)
        raise AssertionError(f"not idle after {max_ticks} ticks")

    def stdout(self) -> str:
        return self._out.read_text()

    def stderr(self) -> str:
        return self._err.read_text()


@pytest.fixture
def guest(engine, compile_testdata, tmp_path):
    """``guest(name, *args, **options)``: a Guest of testdata/NAME.wasm, initialized."""
    count = itertools.count()

    def make(name: str, *args: str, engine=engine, tag: str = "", **kw) -> Guest:
        workdir = tmp_path / f"{name}-{next(count)}"
        workdir.mkdir()
        module = compile_testdata(name, engine, tag)
        return Guest(engine, module, workdir, [name, *args], **kw)

    return make


# --- control block and main ---------------------------------------------------


def test_control_block_header_and_main_started(guest):
    g = guest("hello")
    c = g.control()
    assert (c["magic"], c["version"], c["state"], c["clock_mode"]) == (MAGIC, 2, 0, 0)
    g.start()
    assert g.control()["state"] == MAIN_STARTED
    assert g.stdout() == ""  # go_start_main only queues main


def test_hello_runs_to_idle_and_sets_main_returned(guest):
    g = guest("hello")
    g.start()
    assert g.tick() == -1
    c = g.control()
    assert c["state"] == MAIN_STARTED | MAIN_RETURNED
    assert c["delay_ns"] == -1
    assert g.stdout() == "hello from go\n"
    assert g.stderr() == "hello on stderr\n"
    g.start()  # a no-op after the first call: main does not run again
    assert g.tick() == -1
    assert g.stdout() == "hello from go\n"


def test_main_returned_is_not_set_while_main_sleeps(guest):
    g = guest("timers")
    g.use_virtual_clock()
    g.start()
    while (r := g.tick()) == 0:
        pass
    assert r > 0  # main waits for the sleepers
    assert g.control()["state"] == MAIN_STARTED
    g.run_virtual()
    assert g.control()["state"] == MAIN_STARTED | MAIN_RETURNED
    assert g.stdout() == (
        "slept 1ms\nslept 10ms\nslept 50ms\nslept 120ms\n"
        "tick 1\ntick 2\ntick 3\nafter 30ms\ntimers done\n"
    )


def test_timers_fire_in_order_on_the_real_clock(guest):
    g = guest("timers")
    g.start()
    started = time.monotonic()
    g.run_real()
    assert time.monotonic() - started >= 0.12 + 0.06 + 0.03
    assert g.stdout() == (
        "slept 1ms\nslept 10ms\nslept 50ms\nslept 120ms\n"
        "tick 1\ntick 2\ntick 3\nafter 30ms\ntimers done\n"
    )


# --- go_tick results -------------------------------------------------------------


def test_tick_reports_pending_timer_in_whole_ms_never_early(guest):
    g = guest("vclock")  # main sleeps 250 ms first
    g.start()
    t0 = time.monotonic()
    first = g.tick()
    assert 200 <= first <= 250  # (the sleep began during this tick)
    delays = [first]
    while "slept" not in g.stdout():
        # Until the timer is due every tick reports it, rounded up: never 0
        # (nothing is runnable) and never -1 (a timer is pending).
        c = g.control()
        assert 1 <= delays[-1] == -(-c["delay_ns"] // MS) <= 250, (delays, c["delay_ns"])
        assert len(delays) < 2 or delays[-1] <= delays[-2]
        time.sleep(min(delays[-1], 20) / 2000)
        delays.append(g.tick())
    # The tick that ran main again did so only after the 250 ms had passed.
    assert time.monotonic() - t0 >= 0.25
    assert len(delays) > 5
    assert re.search(r"^slept 25\d\.?\d*ms$", g.stdout(), re.M), g.stdout()


def test_tick_delay_is_exact_and_rounded_up_under_virtual_clock(guest):
    g = guest("vclock")
    g.use_virtual_clock()
    g.start()
    assert g.tick() == 250
    assert g.control()["delay_ns"] == 250 * MS
    g.advance(249 * MS)
    assert (g.tick(), g.control()["delay_ns"]) == (1, MS)
    g.advance(MS - 1)
    assert (g.tick(), g.control()["delay_ns"]) == (1, 1)  # 1 ns left: still 1, not 0
    assert "slept" not in g.stdout()
    g.advance(1)
    # Due now: this tick runs the timer, main prints and waits for the ticker.
    assert (g.tick(), g.control()["delay_ns"]) == (16, 16 * MS)
    assert g.stdout().endswith("slept 250ms\n")


def test_virtual_clock_is_the_guests_time(guest):
    g = guest("vclock")
    g.use_virtual_clock()
    g.start()
    started = time.monotonic()
    g.run_virtual()
    # 10.41 s of guest time: waiting for real could not take less, however
    # loaded the machine; jumping takes milliseconds.
    assert time.monotonic() - started < 10.41
    assert g.stdout() == (
        "start 2001-09-09T01:46:40Z\n"
        "slept 250ms\n"
        "ticked 10 times in 160ms\n"
        "slept 40 steps in 10s\n"
        "total 10.41s\n"
        "end 2001-09-09T01:46:50.41Z\n"
    )


def test_ready_only_when_a_goroutine_can_run(guest):
    g = guest("channels")
    g.start()
    results = []
    progress = []
    for _ in range(1000):
        before = (len(g.stdout()), g.control()["state"])
        r = g.tick()
        c = g.control()
        results.append(r)
        progress.append(c["turns"] > 0 or (len(g.stdout()), c["state"]) != before)
        if r == -1:
            break
    assert results[-1] == -1 and all(r == 0 for r in results[:-1]), results
    # every tick after a 0 had something to run
    assert all(progress), progress
    assert g.stdout().endswith("pipeline 338350\nchannels done\n")


@pytest.mark.parametrize("mode", ["", "main"])
def test_goroutines_blocked_forever_leave_tick_idle(guest, mode):
    g = guest("blockforever", *([mode] if mode else []))
    g.start()
    results = g.run_real()
    assert len(results) <= 5
    assert all(r <= 0 for r in results), "no timer is pending, so nothing to wait for"
    assert g.tick() == -1  # and stays idle
    assert g.control()["delay_ns"] == -1
    lines = g.stdout().splitlines()
    assert sorted(lines[:4]) == [f"blocked: {b}" for b in ("nil", "recv", "select", "send")]
    if mode == "main":
        assert lines[4:] == ["main blocking"]
        assert g.control()["state"] == MAIN_STARTED
    else:
        assert lines[4:] == ["main done"]
        assert g.control()["state"] == MAIN_STARTED | MAIN_RETURNED


def test_tick_returns_while_goroutines_yield_forever(guest):
    g = guest("yieldforever")
    g.start()
    cpu = time.thread_time()
    results = [g.tick() for _ in range(1000)]
    assert time.thread_time() - cpu < 5  # each tick returned after one round
    assert set(results) == {0}
    c = g.control()
    assert c["delay_ns"] == 0
    assert c["turns"] == 3 and c["rounds"] == 1  # each yielder once per tick
    assert g.stdout() == "yielding\n"


# --- rounds and budgets ----------------------------------------------------------


def test_go_tick_runs_one_round(guest):
    workers, chunks = 20, 5
    g = guest("busywork", str(workers), str(chunks))
    g.start()
    assert g.tick() == 0  # main starts the workers and waits
    rounds = []
    while (r := g.tick()) == 0:
        c = g.control()
        rounds.append((c["turns"], c["rounds"]))
    assert r == -1
    # One chunk per worker per tick, so the workers need `chunks` ticks, then
    # one more in which they return and main prints. (When rfWakeTick used
    # goready, the tick goroutine was queued behind every runnable worker,
    # which all got a second, uncounted turn: 3 ticks, not 5.)
    assert rounds == [(workers, 1)] * chunks
    assert re.fullmatch(r"busywork 20 goroutines 5 chunks checksum [0-9a-f]{16}\n", g.stdout())


def test_go_tick_for_spends_its_budget(guest):
    g = guest("busywork")  # 50 goroutines, chunks of about 0.2 ms
    g.start()
    assert g.tick() == 0
    budget = 4 * MS
    on_cpu = []  # turns of ticks that had the whole budget on the CPU
    for _ in range(20):
        started, cpu = time.perf_counter_ns(), time.thread_time_ns()
        assert g.tick_for(budget) == 0
        elapsed, cpu = time.perf_counter_ns() - started, time.thread_time_ns() - cpu
        c = g.control()
        assert budget <= c["budget_spent"] <= elapsed
        # It ends at the first yield after the deadline: about 0.2 ms of
        # work past it (wall time past it also counts others' use of the CPU).
        assert cpu < budget + 20 * MS
        assert 1 <= c["turns"] < 50  # part of a round: the budget ended the tick
        assert c["delay_ns"] == 0
        if cpu >= budget:
            on_cpu.append(c["turns"])
        if len(on_cpu) == 5:
            break
    # A budget spent on the CPU holds many 0.2 ms chunks; a tick the OS
    # paused may hold one, so only ticks that had the CPU are judged.
    assert on_cpu, "no tick had its budget on the CPU"
    assert max(on_cpu) > 1, on_cpu


def test_go_tick_for_returns_early_when_idle(guest):
    g = guest("busywork", "4", "2")
    g.start()
    results = [g.tick_for(10**9) for _ in range(3)]
    assert results[-1] == -1
    assert g.control()["budget_spent"] < 10**9 // 2
    assert "busywork 4 goroutines 2 chunks" in g.stdout()


# --- interop ------------------------------------------------------------------------


def test_wasmexports_work_between_ticks(guest):
    i32, i64, f64 = wasmtime.ValType.i32(), wasmtime.ValType.i64(), wasmtime.ValType.f64()
    calls = []

    def add(a, b):
        calls.append(("add", a, b))
        return a + b

    def log_i64(v):
        calls.append(("log_i64", v))

    def mul_f64(a, b):
        calls.append(("mul_f64", a, b))
        return a * b

    g = guest("interop", host={
        "add": (wasmtime.FuncType([i32, i32], [i32]), add),
        "log_i64": (wasmtime.FuncType([i64], []), log_i64),
        "mul_f64": (wasmtime.FuncType([f64, f64], [f64]), mul_f64),
    })
    assert g("double", 21) == 42  # before main: exports work after _initialize
    g.start()
    g.run_real()  # main ends up waiting for pokes
    assert calls == [("add", 2, 3), ("log_i64", -(1 << 40)), ("mul_f64", 1.5, 4.0)]
    assert g.stdout() == "add 5\nmul 6\ncounter 100\n"
    assert g("double", -7) == -14
    assert g("counter") == 100
    assert g.control()["state"] == MAIN_STARTED

    g("poke")
    assert g.stdout().count("poked") == 0  # the receiver runs in the next tick
    assert g.tick() == -1
    assert g.stdout().endswith("counter 100\npoked 1\n")
    for _ in range(3):
        g("poke")
    assert g.tick() == -1
    assert g.stdout().endswith("poked 1\npoked 2\npoked 3\npoked 4\n")


# --- exit, panic, traps -----------------------------------------------------------


@pytest.mark.parametrize("code", [0, 3, 125])
def test_os_exit_is_an_exit_trap(guest, code):
    g = guest("exitcode", str(code))
    g.start()
    with pytest.raises(wasmtime.ExitTrap) as exc:
        g.tick()
    assert exc.value.code == code
    assert g.stdout() == f"exiting with {code}\n"


def test_exit_codes_from_126_are_rejected_by_wasmtime(guest):
    # wasmtime's proc_exit accepts only 0..125; a larger code is a plain error.
    g = guest("exitcode", "126")
    g.start()
    with pytest.raises(wasmtime.WasmtimeError, match=r"invalid exit status") as exc:
        g.tick()
    assert not isinstance(exc.value, wasmtime.ExitTrap)


@pytest.mark.parametrize("mode, message", [
    ("", "panic: boom: nested failure\n\n"),
    ("nil", "panic: runtime error: invalid memory address or nil pointer dereference\n"
            "[signal 0xb code=0x0 addr=0x0 pc=0x0]\n\n"),
    ("index", "panic: runtime error: index out of range [7] with length 3\n\n"),
    ("goroutine", "panic: boom: nested failure\n\n"),
])
def test_panic_prints_trace_then_traps_unreachable(guest, mode, message):
    g = guest("panic", *([mode] if mode else []))
    g.start()
    with pytest.raises(wasmtime.Trap) as exc:
        g.run_real()
    # not an exit: no proc_exit(2) as a Go command would do
    assert exc.value.trap_code == wasmtime.TrapCode.UNREACHABLE
    assert "runtime.fatalpanic" in str(exc.value)
    assert g.stdout() == f"about to fail: {mode}\n"
    err = g.stderr()
    assert err.startswith(message + "goroutine "), err
    assert re.search(r"^goroutine \d+ \[running\]:\nmain\.inner\(", err, re.M), err
    assert "\treactorframe.test/testdata/panic/main.go:" in err
    if mode == "goroutine":
        assert "main.main.func1()" in err and "created by main.main in goroutine" in err
    else:
        assert "\nmain.main()\n" in err


def test_spinning_goroutine_holds_the_tick_until_interrupted(guest):
    config = wasmtime.Config()
    config.epoch_interruption = True
    engine = wasmtime.Engine(config)
    g = guest("spin", engine=engine, tag="-epoch", epoch_deadline=1)
    g.start()
    assert g.tick() == 0  # main printed, started the spinner and blocked
    assert g.stdout() == "spinning\n"
    timer = threading.Timer(0.2, engine.increment_epoch)
    started = time.monotonic()
    timer.start()
    try:
        with pytest.raises(wasmtime.Trap) as exc:
            g.tick()  # no preemption on wasm: only the host can end this
    finally:
        timer.cancel()
    assert exc.value.trap_code == wasmtime.TrapCode.INTERRUPT
    assert time.monotonic() - started >= 0.2


def test_memory_cap_is_a_go_fatal_error(guest):
    g = guest("memhog", memory_limit=64 << 20)
    g.start()
    with pytest.raises(wasmtime.Trap) as exc:
        g.run_real()
    assert exc.value.trap_code == wasmtime.TrapCode.UNREACHABLE
    assert "allocated 32 MiB\n" in g.stdout()
    assert "fatal error: out of memory\n" in g.stderr()


# --- the other programs ---------------------------------------------------------------


def test_manygoroutines_checksum(guest):
    g = guest("manygoroutines")
    g.start()
    g.run_real()
    total = 0
    for i in range(2000):
        x = i + 1
        for _ in range(100):
            x = (x * 6364136223846793005 + 1442695040888963407) % 2**64
        total = (total + x) % 2**64
    assert g.stdout() == f"goroutines 2000 checksum {total:016x}\n"


def test_argsenv(guest):
    g = guest("argsenv", "one", "two words", env={"GREETING": "hi", "EMPTY": "", "Z": "last"})
    g.start()
    assert g.run_real() == [-1]
    assert g.stdout() == (
        'argc 3\narg[0]="argsenv"\narg[1]="one"\narg[2]="two words"\n'
        'env HOME="" set=false\nenv GREETING="hi" set=true\nenv EMPTY="" set=true\n'
        "environ 3\nEMPTY=\nGREETING=hi\nZ=last\n"
    )


def test_fileio(guest, tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    (data / "input.txt").write_text("from the host\n")
    g = guest("fileio", preopen=data, stdin=b"line 1\nline 2\n")
    g.start()
    g.run_real()
    assert (data / "out.txt").read_text() == "written by go\n"
    assert g.stdout() == (
        'read back "written by go\\n"\n'
        'input "from the host\\n"\n'
        "entry input.txt 14\n"
        "entry out.txt 14\n"
        'stdin 14 "line 1\\nline 2\\n"\n'
    )


def test_random_values_come_from_the_host(guest):
    outs = []
    for _ in range(2):
        g = guest("random")
        g.start()
        g.run_real()
        outs.append(g.stdout())
    pattern = (
        r"math/rand \d+ \d+ [\d.e-]+\n"
        r"math/rand/v2 \d+ \d+ [\d.e-]+\n"
        r"crypto/rand [0-9a-f]{16}\n"
    )
    assert all(re.fullmatch(pattern, out) for out in outs), outs
    assert outs[0] != outs[1]
