"""Benchmark: reactor-frame against its peers on the same ``.wasm`` files.

Three hosts, measured in the same run: reactor-frame, a naive wasmtime-py host
(``Func.__call__`` on a plain store, :mod:`benchmarks.naive`) and a small
Node/V8 host of our own (``benchmarks/node_host.mjs``: a plain loop calling
``go_tick`` with a minimal WASI). Figures are CPU time per call (thread CPU
for the Python hosts, process CPU for Node), wall time next to them.

* idle ``go_tick`` (``blockforever main``) and a tick of three always-yielding
  goroutines (``yieldforever``), reactor-frame's ``loop_once`` against V8;
* the floor under ``loop_once``: a ctypes call into wasmtime of the trivial
  export ``go_reactor_control`` (returns a constant);
* a CPU-heavy guest (``busywork 48``) run to completion by ``Reactor.run``
  against the naive host on a *default* wasmtime engine (no epoch
  interruption) and V8.

Node is optional: without ``node`` on PATH its rows are left out and a note
says so.
"""

from __future__ import annotations

import ctypes
import functools
import json
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import wasmtime

from reactor_frame.host.module_cache import ModuleCache, default_cache_dir

from .context import Context
from .naive import NaiveGuest
from .result import BenchResult, Target
from .runner import standalone
from .stats import median
from .testdata import program
from .timing import gc_paused

NAME = "peers"
TITLE = "Against the peers: V8 (Node) and naive wasmtime-py on the same .wasm"
NODE_HOST = Path(__file__).resolve().parent / "node_host.mjs"

#: Goals of issue #16: loop_once within these ratios of V8's CPU per call.
IDLE_RATIO = 1.3
RUNNABLE_RATIO = 1.5
#: Guest compute within this ratio of a default wasmtime engine.
COMPUTE_RATIO = 1.10

TICK_CASES = {
    "idle": ("blockforever", ("main",)),
    "runnable": ("yieldforever", ()),
}
COMPUTE_ARGS = ("48", "20")


def batch_cpu_wall_us(fn: Callable[[], object], calls: int) -> tuple[float, float]:
    """Thread-CPU and wall microseconds per call of ``fn`` over one batch."""
    cpu0, wall0 = time.thread_time_ns(), time.perf_counter_ns()
    for _ in range(calls):
        fn()
    return ((time.thread_time_ns() - cpu0) / calls / 1e3,
            (time.perf_counter_ns() - wall0) / calls / 1e3)


def interleaved(fns: dict[str, Callable[[], object]], calls: int,
                samples: int) -> dict[str, dict[str, list[float]]]:
    """name -> {"cpu": [...], "wall": [...]} per-call us, batches taken in turn."""
    out = {name: {"cpu": [], "wall": []} for name in fns}
    with gc_paused():
        for fn in fns.values():
            batch_cpu_wall_us(fn, calls)
        for _ in range(samples):
            for name, fn in fns.items():
                cpu, wall = batch_cpu_wall_us(fn, calls)
                out[name]["cpu"].append(cpu)
                out[name]["wall"].append(wall)
    return out


def c_noop() -> Callable[[], object]:
    """A ctypes call of libc's memmove with length 0, arguments prepared."""
    libc = ctypes.CDLL(None)
    fn = ctypes.CFUNCTYPE(ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_size_t)(
        ctypes.cast(libc.memmove, ctypes.c_void_p).value)
    buf = ctypes.create_string_buffer(8)
    address = ctypes.addressof(buf)
    return functools.partial(fn, address, address, 0)


def node_binary() -> str | None:
    return shutil.which("node")


def node(mode: str, wasm: Path, args: Sequence[str], calls: int = 0, samples: int = 0) -> dict:
    """Run the Node host; its JSON answer."""
    exe = node_binary()
    assert exe is not None
    done = subprocess.run([exe, str(NODE_HOST), mode, str(wasm), str(calls), str(samples), *args],
                          capture_output=True, text=True, timeout=300, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"node host failed ({done.returncode}): {done.stderr.strip()[-500:]}")
    answer: dict = json.loads(done.stdout.strip().splitlines()[-1])
    return answer


def tick_case(ctx: Context, res: BenchResult, label: str, name: str, args: Sequence[str]) -> None:
    reactor = ctx.reactor(name, args)
    naive = NaiveGuest(ctx.engine.wasmtime, ctx.module(name), [name, *args])
    try:
        reactor.start_main()
        for _ in range(1000):
            if reactor.loop_once() != 0:
                break
        naive.settle(limit=1000)
        floor = reactor.prepare_export("go_reactor_control", 1)
        calls, samples = ctx.pick(2000, 20000), ctx.pick(5, 11)
        fns: dict[str, Callable[[], object]] = {"loop_once": reactor.loop_once, "naive": naive.tick}
        if label == "idle":
            fns["ctypes floor"] = floor.call
            fns["ctypes noop"] = c_noop()
        got = interleaved(fns, calls, samples)
    finally:
        reactor.close()
        naive.close()
    v8 = node("tick", program(name), args, calls, samples) if node_binary() else None
    loop_cpu, loop_wall = median(got["loop_once"]["cpu"]), median(got["loop_once"]["wall"])
    note = f"{name}: wall {loop_wall:.3g} us"
    if v8 is not None:
        res.add(f"{label} go_tick: loop_once CPU", loop_cpu, "us", median(v8["cpu_us"]), "V8 node",
                Target("ratio", "<=", IDLE_RATIO if label == "idle" else RUNNABLE_RATIO), note=note)
        res.samples[f"{label}.v8_us"] = v8["cpu_us"]
    res.add(f"{label} go_tick: naive wasmtime-py CPU", median(got["naive"]["cpu"]), "us",
            loop_cpu, "loop_once")
    if "ctypes floor" in got:
        res.add(f"{label}: bare ctypes call of a trivial export", median(got["ctypes floor"]["cpu"]),
                "us", loop_cpu, "loop_once",
                note="go_reactor_control through the prepared unchecked call: the floor of any call")
    if "ctypes noop" in got:
        res.add(f"{label}: ctypes call of a C no-op", median(got["ctypes noop"]["cpu"]), "us",
                loop_cpu, "loop_once", note="libc memmove of 0 bytes, 3 pointer-sized arguments: "
                "what CPython + ctypes cost before wasmtime is entered")
    for key, series in got.items():
        res.samples[f"{label}.{key.replace(' ', '_')}_us"] = series["cpu"]


def default_engine_module(wasm: bytes) -> tuple[wasmtime.Engine, wasmtime.Module]:
    """A default wasmtime engine (no epoch interruption) and ``wasm`` on it,
    through the module cache (salted apart from reactor engines)."""
    engine = wasmtime.Engine()
    cache = ModuleCache(default_cache_dir(), salt=b"benchmarks: default wasmtime.Config")
    return engine, cache.load_or_compile(engine, wasm)


def thread_cpu_ms(fn: Callable[[], object]) -> tuple[float, float]:
    cpu0, wall0 = time.thread_time(), time.perf_counter()
    fn()
    return (time.thread_time() - cpu0) * 1e3, (time.perf_counter() - wall0) * 1e3


def compute_case(ctx: Context, res: BenchResult) -> None:
    name = "busywork"
    wasm = program(name)
    engine, module = default_engine_module(wasm.read_bytes())
    runs = ctx.pick(1, 3)
    args = ctx.pick(("16", "10"), COMPUTE_ARGS)
    ours, plain = [], []
    for _ in range(runs):
        reactor = ctx.reactor(name, args)
        ours.append(thread_cpu_ms(reactor.run))
        reactor.close()
        naive = NaiveGuest(engine, module, [name, *args])
        plain.append(thread_cpu_ms(lambda: naive.settle(limit=10**9)))
        naive.close()
    ours_cpu, plain_cpu = median([c for c, _ in ours]), median([c for c, _ in plain])
    res.add(f"busywork {' '.join(args)}: Reactor.run CPU", ours_cpu, "ms", plain_cpu,
            "naive, default engine", Target("ratio", "<=", COMPUTE_RATIO),
            note=f"watchdog on (epoch interruption); wall {median([w for _, w in ours]):.4g} ms")
    if node_binary():
        v8 = [node("run", wasm, args) for _ in range(runs)]
        res.add(f"busywork {' '.join(args)}: V8 CPU", median([v["cpu_ms"] for v in v8]), "ms",
                plain_cpu, "naive, default engine")


def run(ctx: Context) -> BenchResult:
    res = BenchResult(NAME, TITLE)
    for label, (name, args) in TICK_CASES.items():
        tick_case(ctx, res, label, name, args)
    compute_case(ctx, res)
    if node_binary() is None:
        res.notes.append("node not found on PATH: the V8 rows are left out")
    res.notes.append("CPU per call: medians of interleaved batches (GC paused); V8's is process "
                     "CPU in the Node host's own loop, measured in the same run")
    return res


def main(argv: Sequence[str] | None = None) -> int:
    return standalone(sys.modules[__name__], argv)


if __name__ == "__main__":
    sys.exit(main())
