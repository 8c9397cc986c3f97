"""Benchmark: what the engine settings cost guest compute and compile time.

Guest CPU time of two compute-heavy programs run to completion by
``Reactor.run`` on ``ReactorEngine`` variants (watchdog on/off, Cranelift
``opt_level`` speed/none), against a naive host on a *default* wasmtime engine
(``wasmtime.Engine()``: no epoch checks, memory may move) measured in the same
run; and the cold compile time of each setting (full runs only).

* ``busywork 48 20``: 48 goroutines of a tight xorshift loop, yielding
  between chunks: the worst case for epoch checks (one per loop back-edge).
* ``mixedwork 10``: sort, map, sha256, float and string code in one goroutine.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Sequence

import wasmtime

from reactor_frame import Reactor, ReactorEngine

from .bench_peers import COMPUTE_RATIO, default_engine_module, thread_cpu_ms
from .context import Context, Output
from .naive import NaiveGuest
from .result import BenchResult, Target
from .runner import standalone
from .stats import median
from .testdata import program

NAME = "engine"
TITLE = "Engine settings: epoch checks and Cranelift opt level against a default wasmtime engine"

#: (label, watchdog, opt_level)
SETTINGS = (("default (watchdog, speed)", True, "speed"), ("watchdog, opt none", True, "none"),
            ("watchdog=False, speed", False, "speed"), ("watchdog=False, opt none", False, "none"))
PROGRAMS = {"busywork": ("48", "20"), "mixedwork": ("10",)}

def reactor_cpu_ms(engine: ReactorEngine, module: wasmtime.Module, name: str,
                   args: Sequence[str]) -> float:
    sink = Output()
    reactor = Reactor(module, engine=engine, args=[name, *args], stdout=sink, stderr=sink,
                      tick_timeout=10.0 if engine.watchdog else None)
    try:
        return thread_cpu_ms(reactor.run)[0]
    finally:
        reactor.close()


def run(ctx: Context) -> BenchResult:
    res = BenchResult(NAME, TITLE)
    settings = ctx.pick(SETTINGS[::2], SETTINGS)  # quick: opt level speed only
    engines = {label: ReactorEngine(watchdog=wd, opt_level=opt)  # type: ignore[arg-type]
               for label, wd, opt in settings}
    runs = ctx.pick(1, 3)
    programs = ctx.pick({"busywork": ("16", "10")}, PROGRAMS)
    for name, args in programs.items():
        wasm = program(name).read_bytes()
        modules = {label: engine.compile(wasm, name) for label, engine in engines.items()}
        plain_engine, plain_module = default_engine_module(wasm)
        cpu: dict[str, list[float]] = {label: [] for label in engines}
        plain: list[float] = []
        for _ in range(runs):  # interleaved, so load hits all settings alike
            for label, engine in engines.items():
                cpu[label].append(reactor_cpu_ms(engine, modules[label], name, args))
            naive = NaiveGuest(plain_engine, plain_module, [name, *args])
            plain.append(thread_cpu_ms(lambda: naive.settle(limit=10**9))[0])
            naive.close()
        base = median(plain)
        for label, series in cpu.items():
            target = Target("ratio", "<=", COMPUTE_RATIO) if label.startswith("default") else None
            res.add(f"{name} {' '.join(args)}: {label}", median(series), "ms", base,
                    "naive, default wasmtime engine", target, note="thread CPU, Reactor.run")
            res.samples[f"{name}.{label}_ms"] = series
    if not ctx.quick:
        wasm = program("mixedwork").read_bytes()
        for label, wd, opt in SETTINGS:
            engine = ReactorEngine(cache=False, watchdog=wd, opt_level=opt)  # type: ignore[arg-type]
            started = time.perf_counter()
            engine.compile(wasm)
            res.add(f"cold compile of mixedwork (2.9 MB): {label}", time.perf_counter() - started,
                    "s", None, "", note="wall, parallel compilation on all cores")
    res.notes.append("naive host: a plain wasmtime.Store on wasmtime.Engine() (defaults), driven "
                     "with Func.__call__; the reactors' own tick overhead is part of their figure")
    return res


def main(argv: Sequence[str] | None = None) -> int:
    return standalone(sys.modules[__name__], argv)


if __name__ == "__main__":
    sys.exit(main())
