"""Snapshots: save, restore in place, fork into fresh reactors, through bytes."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
import textwrap

import pytest
import wasmtime

from reactor_frame import (
    GoPanicError,
    GuestError,
    Reactor,
    ReactorClosedError,
    ReentrancyError,
    VirtualClock,
    abi,
)
from reactor_frame.errors import (
    SnapshotError,
    SnapshotFormatError,
    SnapshotLimitError,
    SnapshotMismatchError,
    SnapshotStateError,
    SnapshotVersionError,
)
from reactor_frame.interop import f64, i32, i64
from reactor_frame.snapshot import ReactorSnapshot
from reactor_frame.wasmfile import export_globals, read_wasm

from .conftest import ROOT, TESTDATA

SNAP = TESTDATA / "snapshot.wasm"
FRAME_MS = 16.667


def report_key(rep):
    """A step report without its wall-time fields."""
    return (rep.ticks, rep.calls, rep.turns, rep.result, rep.next_timer_ms, rep.deadline_ns,
            rep.idle, rep.exit_code)


class Run:
    """A snapshot-program reactor on virtual time with its output collected."""

    def __init__(self, reactor: Reactor, out: list[str]) -> None:
        self.r = reactor
        self.out = out

    def frames(self, n: int, inputs: dict[int, int] | None = None) -> tuple[str, list]:
        """Step ``n`` frames, feeding ``inputs[i]`` before frame i; returns
        the output written and the reports."""
        start = len(self.out)
        reports = []
        for i in range(n):
            if inputs and i in inputs:
                self.r.exports.snap_input(inputs[i])
            reports.append(report_key(self.r.step(4.0, advance_ms=FRAME_MS)))
        return "".join(self.out[start:]), reports


@pytest.fixture
def snaprun(rf_engine):
    made: list[Reactor] = []

    def make(source=SNAP, snapshot=None, **kwargs) -> Run:
        out: list[str] = []
        kwargs.setdefault("engine", rf_engine)
        kwargs.setdefault("stderr", lambda _t: None)
        if snapshot is None:
            kwargs.setdefault("clock", VirtualClock())
            kwargs.setdefault("seed", 7)
            r = Reactor(source, stdout=out.append, **kwargs)
        else:
            r = Reactor.from_snapshot(snapshot, source, stdout=out.append, **kwargs)
        made.append(r)
        return Run(r, out)

    yield make
    for r in made:
        r.close()


# --- the same future ------------------------------------------------------------

def test_restore_in_place_reproduces_the_same_future(snaprun):
    run = snaprun()
    run.frames(12)
    snap = run.r.snapshot()
    text1, reps1 = run.frames(40, {3: 5, 20: 11})
    assert "input 5 total=5" in text1 and "crypto=" in text1 and "gc=" in text1
    run.r.restore(snap)
    assert run.r.clock.now_ns() == snap.clock_ns
    text2, reps2 = run.frames(40, {3: 5, 20: 11})
    assert text2 == text1
    assert reps2 == reps1


def test_restore_in_place_sets_the_globals_back(snaprun):
    # SP at a call boundary is the same on most ticks once main runs (the
    # tick goroutine parks at one depth), but differs before main starts.
    run = snaprun()
    snap = run.r.snapshot()
    text1, reps1 = run.frames(30)
    live = run.r.read_guest()[1]
    assert live[0] != snap.globals[0]
    run.r.restore(snap)
    assert run.r.read_guest()[1] == snap.globals
    assert run.frames(30) == (text1, reps1)
    assert text1.startswith("main started")
    # The same memory with the globals left as they were does not run.
    run.frames(30)
    wrong = dataclasses.replace(snap, globals=run.r.read_guest()[1])
    with pytest.raises(GuestError, match="newstack"):
        run.r.restore(wrong)
        run.frames(5)


def test_from_snapshot_reproduces_the_future_without_running_init(snaprun):
    run = snaprun()
    run.frames(12)
    assert "init ran" in "".join(run.out)
    snap = run.r.snapshot()
    text1, reps1 = run.frames(40, {5: 3})
    fork = snaprun(snapshot=snap)
    assert fork.r.clock is not run.r.clock and fork.r.clock.now_ns() == snap.clock_ns
    text2, reps2 = fork.frames(40, {5: 3})
    assert (text2, reps2) == (text1, reps1)
    assert "init ran" not in "".join(fork.out) and "main started" not in "".join(fork.out)


def test_from_snapshot_sets_a_given_clock(snaprun):
    run = snaprun()
    run.frames(5)
    snap = run.r.snapshot()
    clock = VirtualClock(start_ns=123)
    fork = snaprun(snapshot=snap, clock=clock)
    assert fork.r.clock is clock and clock.now_ns() == snap.clock_ns
    assert clock.wall_ns() == run.r.clock.wall_ns()


def test_globals_must_be_restored(snaprun, rf_engine):
    run = snaprun()
    snaps = []
    for _ in range(8):
        run.frames(3)
        snaps.append(run.r.snapshot())
    # The stack pointer (global 0) of a fresh instance, before _initialize,
    # is the linker's initial one; a restored guest needs the snapshot's.
    linker = wasmtime.Linker(rf_engine.wasmtime)
    linker.define_wasi()
    store = wasmtime.Store(rf_engine.wasmtime)
    store.set_wasi(wasmtime.WasiConfig())
    instance = linker.instantiate(store, rf_engine.compile(SNAP.read_bytes()))
    exports = instance.exports(store)
    fresh = tuple(exports[f"{abi.GLOBAL_EXPORT_PREFIX}{i}"].value(store)
                  for i in range(len(snaps[0].globals)))
    assert all(s.globals[0] != fresh[0] for s in snaps)
    assert any(s.globals != fresh for s in snaps)
    # Memory alone, with the fresh instance's globals, does not run.
    expected, _ = snaprun(snapshot=snaps[-1]).frames(10)
    assert "t=" in expected
    broken = dataclasses.replace(snaps[-1], globals=fresh)
    with pytest.raises(GuestError):
        snaprun(snapshot=broken).frames(10)


def test_forks_are_independent(snaprun):
    run = snaprun()
    run.frames(10)
    snap = run.r.snapshot()
    a, b, c = (snaprun(snapshot=snap) for _ in range(3))
    text_a, reps_a = a.frames(30, {2: 100})
    text_b, _ = b.frames(30, {2: 200})
    text_c, reps_c = c.frames(30, {2: 100})
    assert "total=100" in text_a and "total=200" in text_b
    assert text_a != text_b
    assert (text_a, reps_a) == (text_c, reps_c)
    own, _ = run.frames(30)
    assert "total=0" in own and "total=100" not in own


# --- other states ---------------------------------------------------------------

def test_exit_state_restores(snaprun):
    run = snaprun()
    run.frames(5)
    before = run.r.snapshot()
    run.frames(3, {0: 1003})
    assert run.r.exit_code == 3
    after = run.r.snapshot()
    assert after.exit_code == 3
    fork = snaprun(snapshot=after)
    assert fork.r.done and fork.r.exit_code == 3
    assert fork.r.step(4.0, advance_ms=FRAME_MS).exit_code == 3
    run.r.restore(before)  # an exited reactor goes back to running
    assert run.r.exit_code is None
    text, _ = run.frames(5, {0: 9})
    assert "input 9 total=9" in text and not run.r.done


def test_main_returned_state_restores(snaprun):
    run = snaprun()
    run.frames(5, {1: -1})
    assert run.r.exit_code == 0 and "main returns" in "".join(run.out)
    fork = snaprun(snapshot=run.r.snapshot())
    assert fork.r.done and fork.r.exit_code == 0
    assert fork.r.step(4.0).exit_code == 0


def test_panic_replays_from_a_snapshot(snaprun):
    run = snaprun()
    run.frames(5, {1: 42})
    snap = run.r.snapshot()
    run.r.exports.snap_input(-2)
    with pytest.raises(GoPanicError, match="asked to panic at total=42") as first:
        run.frames(3)
    assert run.r.closed
    with pytest.raises(ReactorClosedError):
        run.r.restore(snap)
    with pytest.raises(ReactorClosedError):
        run.r.snapshot()
    fork = snaprun(snapshot=snap)
    fork.r.exports.snap_input(-2)
    with pytest.raises(GoPanicError) as second:
        fork.frames(3)
    assert str(second.value).splitlines()[1] == str(first.value).splitlines()[1]


def test_memory_stays_flat_over_50_rollbacks(snaprun):
    run = snaprun()
    run.frames(3)
    snap = run.r.snapshot()
    sizes = []
    for _ in range(50):
        text, _ = run.frames(4, {1: -3})  # the guest takes 4 MiB more, then is rolled back
        assert "kept 4 MiB" in text
        sizes.append(run.r.mem.size)
        run.r.restore(snap)
    assert sizes[0] > snap.memory_size
    assert sizes[-1] == sizes[0]


def test_interop_state_travels(make_reactor, host):
    r = make_reactor("interopcheck", imports=host.imports(), clock=VirtualClock())
    for _ in range(5):
        r.step(4.0, advance_ms=FRAME_MS)
    names = [n for n in ("records", "boids") if _has_shared(r, n)]
    assert names, "interopcheck shares records after main starts"
    snap = r.snapshot()
    fork = Reactor.from_snapshot(snap, TESTDATA / "interopcheck.wasm", imports=host.imports(),
                                 stdout=lambda _t: None, stderr=lambda _t: None)
    try:
        for name in names:
            assert bytes(fork.shared(name).memoryview()) == bytes(r.shared(name).memoryview())
    finally:
        fork.close()


def _has_shared(r: Reactor, name: str) -> bool:
    try:
        r.shared(name)
    except Exception:  # noqa: BLE001 - not shared under that name
        return False
    return True


# --- bytes ----------------------------------------------------------------------

CHILD = textwrap.dedent("""
    import json, sys
    from reactor_frame import Reactor
    from reactor_frame.snapshot import ReactorSnapshot
    snap = ReactorSnapshot.from_bytes(open(sys.argv[1], "rb").read())
    out = []
    r = Reactor.from_snapshot(snap, sys.argv[2], stdout=out.append)
    reports = []
    for i in range(30):
        if i == 4:
            r.exports.snap_input(77)
        rep = r.step(4.0, advance_ms=16.667)
        reports.append([rep.ticks, rep.calls, rep.turns, rep.result, rep.next_timer_ms,
                        rep.deadline_ns, rep.idle, rep.exit_code])
    print(json.dumps({"text": "".join(out), "reports": reports}))
""")


@pytest.mark.parametrize("compression", [None, "zlib", "zstd"])
def test_bytes_round_trip_in_another_process(snaprun, tmp_path, compression):
    run = snaprun()
    run.frames(10)
    snap = run.r.snapshot()
    data = snap.to_bytes(compression=compression)
    again = ReactorSnapshot.from_bytes(data)
    assert again.memory == snap.memory and again.globals == snap.globals and again.host == snap.host
    if compression:
        assert len(data) < snap.memory_size / 4
    text, reps = run.frames(30, {4: 77})
    path = tmp_path / "snap.bin"
    path.write_bytes(data)
    child = subprocess.run([sys.executable, "-c", CHILD, str(path), str(SNAP)], cwd=ROOT,
                           capture_output=True, text=True, timeout=120, check=False)
    assert child.returncode == 0, child.stderr
    got = json.loads(child.stdout)
    assert got["text"] == text and "input 77" in text
    assert [tuple(x) for x in got["reports"]] == reps


def test_bad_bytes_are_refused(snaprun):
    run = snaprun()
    run.frames(3)
    data = run.r.snapshot().to_bytes()
    with pytest.raises(SnapshotFormatError, match="not a reactor-frame snapshot"):
        ReactorSnapshot.from_bytes(b"hello world, not a snapshot")
    for cut in (10, 30, len(data) // 2, len(data) - 1):
        with pytest.raises(SnapshotFormatError, match="truncated"):
            ReactorSnapshot.from_bytes(data[:cut])
    damaged = bytearray(data)
    damaged[len(data) // 2] ^= 0x40
    with pytest.raises(SnapshotFormatError, match="checksum"):
        ReactorSnapshot.from_bytes(bytes(damaged))
    future = bytearray(data)
    future[8:12] = (99).to_bytes(4, "little")
    with pytest.raises(SnapshotVersionError, match="version 99"):
        ReactorSnapshot.from_bytes(bytes(future))
    with pytest.raises(ValueError, match="compression"):
        run.r.snapshot().to_bytes(compression="lzma")


# --- refusals -------------------------------------------------------------------

FAKE_REACTOR = """
(module
  (memory (export "memory") 1)
  {globals}
  (func (export "_initialize"))
  (func (export "go_start_main"))
  (func (export "go_tick") (result i32)
    (global.set 0 (i32.add (global.get 0) (i32.const 1)))
    (i32.const -1)))
"""
GO_GLOBALS = "(global (mut i32) (i32.const 1024))" + "(global (mut i64) (i64.const 0))" * 6 + \
    "(global (mut i32) (i32.const 0))"


def fake_reactor(rf_engine, globals_: str, **kwargs) -> Reactor:
    wasm = wasmtime.wat2wasm(FAKE_REACTOR.format(globals=globals_))
    return Reactor(bytes(wasm), engine=rf_engine, clock=VirtualClock(), snapshots=True, **kwargs)


def test_other_binaries_get_their_globals_exported_at_load(rf_engine):
    r = fake_reactor(rf_engine, "(global (mut i32) (i32.const 5)) (global (mut i64) (i64.const 0))")
    r.loop_once()
    snap = r.snapshot()
    assert snap.globals == (6, 0)
    r.loop_once()
    r.loop_once()
    assert r.read_guest()[1] == (8, 0)
    r.restore(snap)
    assert r.read_guest()[1] == (6, 0)
    r.close()
    wasm = bytes(wasmtime.wat2wasm(FAKE_REACTOR.format(globals=GO_GLOBALS)))
    plain = Reactor(wasm, engine=rf_engine, clock=VirtualClock())
    with pytest.raises(SnapshotStateError, match="snapshots=True"):
        plain.snapshot()
    plain.close()


def test_export_globals_is_valid_reproducible_and_idempotent(rf_engine):
    built = SNAP.read_bytes()
    assert export_globals(built, abi.GLOBAL_EXPORT_PREFIX) == built  # the build tool did it
    info = read_wasm(built)
    assert [g.valtype for g in info.globals] == ["i32"] + ["i64"] * 6 + ["i32"]
    wasm = bytes(wasmtime.wat2wasm(FAKE_REACTOR.format(globals=GO_GLOBALS)))
    once = export_globals(wasm, abi.GLOBAL_EXPORT_PREFIX)
    assert once == export_globals(wasm, abi.GLOBAL_EXPORT_PREFIX)
    assert export_globals(once, abi.GLOBAL_EXPORT_PREFIX) == once
    wasmtime.Module.validate(rf_engine.wasmtime, once)
    assert sum(n.startswith(abi.GLOBAL_EXPORT_PREFIX) for n in read_wasm(once).exports) == 8


def test_snapshot_of_another_module_is_refused(snaprun, make_reactor, rf_engine):
    run = snaprun()
    run.frames(3)
    hello = make_reactor("hello", clock=VirtualClock(), seed=1)
    with pytest.raises(SnapshotMismatchError, match="another module"):
        hello.restore(run.r.snapshot())
    with pytest.raises(SnapshotMismatchError, match="another module"):
        Reactor.from_snapshot(run.r.snapshot(), TESTDATA / "hello.wasm", engine=rf_engine)
    other_abi = fake_reactor(rf_engine, GO_GLOBALS)
    with pytest.raises(SnapshotMismatchError, match="ABI features"):
        run.r.restore(other_abi.snapshot())
    other_layout = fake_reactor(rf_engine, "(global (mut i32) (i32.const 5))")
    with pytest.raises(SnapshotMismatchError, match="globals"):
        run.r.restore(other_layout.snapshot())
    other_abi.close()
    other_layout.close()


def test_a_failed_restore_changes_nothing(snaprun, make_reactor):
    run = snaprun()
    run.frames(5)
    mine = run.r.snapshot()
    hello = make_reactor("hello", clock=VirtualClock(), seed=1)
    with pytest.raises(SnapshotMismatchError):
        run.r.restore(hello.snapshot())
    assert run.r.snapshot().memory == mine.memory
    assert run.r.read_guest()[1] == mine.globals


def test_memory_limit(snaprun):
    run = snaprun()
    run.frames(10)
    snap = run.r.snapshot()
    limit = snap.memory_size // (1 << 20) - 1
    with pytest.raises(SnapshotLimitError, match="max_memory_mb"):
        snaprun(snapshot=snap, max_memory_mb=limit)


def test_real_time_and_host_files_need_consent(make_reactor, tmp_path):
    real = make_reactor("snapshot")
    with pytest.raises(SnapshotStateError, match="real clock"):
        real.snapshot()
    snap = real.snapshot(allow_real_time=True)
    assert snap.real_time
    real.restore(snap)
    files = make_reactor("snapshot", clock=VirtualClock(), preopens={"/data": str(tmp_path)})
    with pytest.raises(SnapshotStateError, match="preopened"):
        files.snapshot()
    assert files.snapshot(allow_host_files=True).host_files
    on_stdin = make_reactor("snapshot", clock=VirtualClock(), stdin=b"x")
    with pytest.raises(SnapshotStateError, match="stdin"):
        on_stdin.snapshot()


def test_shared_virtual_clock_needs_consent(make_reactor):
    clock = VirtualClock()
    a = make_reactor("snapshot", clock=clock, seed=1)
    b = make_reactor("snapshot", clock=clock, seed=2)
    a.step(4.0, advance_ms=FRAME_MS)
    snap = a.snapshot()
    a.restore(snap)  # time has not moved: nothing to refuse
    clock.advance(50)
    with pytest.raises(SnapshotStateError, match="shared"):
        a.restore(snap)
    assert clock.now_ns() == snap.clock_ns + 50_000_000
    a.restore(snap, move_shared_clock=True)
    assert clock.now_ns() == snap.clock_ns
    clock.advance(50)
    with pytest.raises(SnapshotStateError, match="other open reactors"):
        Reactor.from_snapshot(snap, SNAP, clock=clock)
    b.close()
    a.restore(snap)  # no longer shared


def test_restore_from_inside_a_guest_call_is_refused(make_reactor):
    errors: list[BaseException] = []
    holder: dict[str, object] = {}

    def add(a: i32, b: i32) -> i32:
        r = holder["r"]
        for attempt in (r.snapshot, lambda: r.restore(holder["snap"])):
            try:
                attempt()
            except ReentrancyError as exc:
                errors.append(exc)
        return a + b

    def log_i64(v: i64) -> None:
        pass

    def mul_f64(a: f64, b: f64) -> f64:
        return a * b

    imports = {"host": {"add": add, "log_i64": log_i64, "mul_f64": mul_f64}}
    r = holder["r"] = make_reactor("interop", imports=imports, clock=VirtualClock())
    holder["snap"] = r.snapshot()
    r.step(4.0)
    assert len(errors) == 2
    assert all("guest call" in str(e) for e in errors)


def test_docs_rollback_netcode_example_runs(monkeypatch):
    text = (ROOT / "docs" / "snapshots.md").read_text()
    block = text.split("<!-- example: rollback netcode -->", 1)[1]
    code = block.split("```python\n", 1)[1].split("```", 1)[0]
    monkeypatch.chdir(ROOT)
    namespace: dict[str, object] = {"__name__": "netcode_example"}
    exec(compile(code, "docs/snapshots.md", "exec"), namespace)  # noqa: S102 - the doc's own example
    assert namespace["late"] == namespace["on_time"]


def test_compiled_module_sources_match_by_shape(snaprun, rf_engine):
    run = snaprun()
    run.frames(6)
    snap = run.r.snapshot()
    assert snap.module.sha256 is not None
    module = rf_engine.compile(SNAP.read_bytes())
    fork = snaprun(source=module, snapshot=snap)
    assert fork.r.module_identity.sha256 is None
    assert fork.r.module_identity.globals == snap.module.globals
    text, reps = run.frames(20, {2: 4})
    assert fork.frames(20, {2: 4}) == (text, reps)


def test_clock_kind_and_seed_must_match(snaprun, make_reactor):
    run = snaprun()
    run.frames(3)
    snap = run.r.snapshot()
    unseeded = make_reactor("snapshot", clock=VirtualClock())
    with pytest.raises(SnapshotMismatchError, match="seed="):
        unseeded.restore(snap)
    real = make_reactor("snapshot", seed=1)
    with pytest.raises(SnapshotMismatchError, match="VirtualClock"):
        real.restore(snap)
    with pytest.raises(SnapshotMismatchError, match="real time"):
        run.r.restore(real.snapshot(allow_real_time=True))
    with pytest.raises(TypeError, match="ReactorSnapshot"):
        run.r.restore(snap.to_bytes())


def test_zstd_without_zstandard_says_what_to_install(snaprun, monkeypatch):
    run = snaprun()
    run.frames(2)
    snap = run.r.snapshot()
    data = snap.to_bytes(compression="zstd")
    monkeypatch.setitem(sys.modules, "zstandard", None)  # import zstandard now fails
    with pytest.raises(SnapshotError, match=r"reactor-frame\[zstd\]"):
        snap.to_bytes(compression="zstd")
    with pytest.raises(SnapshotError, match=r"reactor-frame\[zstd\]"):
        ReactorSnapshot.from_bytes(data)
    assert ReactorSnapshot.from_bytes(snap.to_bytes()).memory == snap.memory


def test_restore_from_output_callbacks_and_mid_call_hooks_is_refused(rf_engine):
    errors: list[BaseException] = []
    holder: dict[str, Reactor] = {}

    def attempt(*_args) -> None:
        if "snap" not in holder:  # "init ran" is written while the reactor is made
            return
        r = holder["r"]
        for call in (r.snapshot, lambda: r.restore(holder["snap"])):
            try:
                call()
            except ReentrancyError as exc:
                errors.append(exc)

    r = holder["r"] = Reactor(SNAP, engine=rf_engine, clock=VirtualClock(), seed=1,
                              stdout=attempt, stderr=lambda _t: None)
    holder["snap"] = r.snapshot()
    r.step(4.0, advance_ms=FRAME_MS)  # prints "main started": the callback tries
    assert len(errors) == 2 and all("output callback" in str(e) for e in errors)
    errors.clear()
    r.hooks.on("timer", attempt)
    r.step(4.0, advance_ms=FRAME_MS)
    assert errors and all("hook" in str(e) for e in errors)
    r.hooks.off("timer", attempt)
    # Between steps, a step hook included, both work.
    rewound: list[int] = []

    def on_step(reactor: Reactor, report) -> None:
        if not rewound:
            rewound.append(reactor.clock.now_ns())
            reactor.restore(holder["snap"])

    r.hooks.on("step", on_step)
    r.step(4.0, advance_ms=FRAME_MS)
    assert rewound and r.clock.now_ns() == holder["snap"].clock_ns
    r.close()
