"""Benchmark 2: start-up, from ``Reactor(path)`` to the first ``loop_once``.

For a ~2.5 MB Go module (``hello``), with an empty module cache (the first
start: compile and write the cache entry; the baseline) and with the entry
cached (every later start: read, verify, deserialize). Each uncached sample
uses a new temporary cache directory; cached samples reuse one engine and
also a new engine per start (as a new process would).
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Sequence
from time import perf_counter_ns

from reactor_frame import Reactor, ReactorEngine

from .context import Context, Output
from .result import BenchResult, Target
from .runner import standalone
from .stats import median
from .testdata import program

NAME = "startup"
TITLE = "Start-up: Reactor(path) to first loop_once, cached vs uncached module"
PROGRAM = "hello"
TARGET_MS = 60.0


def start_ms(path: str, engine: ReactorEngine) -> float:
    """Wall ms of ``Reactor(path)`` plus its first ``loop_once``."""
    sink = Output()
    started = perf_counter_ns()
    reactor = Reactor(path, engine=engine, stdout=sink, stderr=sink)
    reactor.loop_once()
    elapsed = (perf_counter_ns() - started) / 1e6
    reactor.close()
    return elapsed


def phases_ms(path: str, engine: ReactorEngine) -> dict[str, float]:
    """One start split into its parts (ms); ``load_or_compile`` is the
    cache lookup plus, on a miss, compiling and writing the entry."""
    sink = Output()
    t0 = perf_counter_ns()
    with open(path, "rb") as f:
        data = f.read()
    t1 = perf_counter_ns()
    module = engine.compile(data)
    t2 = perf_counter_ns()
    reactor = Reactor(module, engine=engine, stdout=sink, stderr=sink)
    t3 = perf_counter_ns()
    reactor.loop_once()
    t4 = perf_counter_ns()
    reactor.close()
    return {"read_file": (t1 - t0) / 1e6, "load_or_compile": (t2 - t1) / 1e6,
            "instantiate_and_initialize": (t3 - t2) / 1e6, "first_loop_once": (t4 - t3) / 1e6}


def run(ctx: Context) -> BenchResult:
    res = BenchResult(NAME, TITLE)
    path = str(program(PROGRAM))
    uncached: list[float] = []
    cached: list[float] = []
    cached_new_engine: list[float] = []
    with tempfile.TemporaryDirectory(prefix="rf-bench-cache-") as tmp:
        for i in range(ctx.pick(1, 3)):
            uncached.append(start_ms(path, ReactorEngine(cache_dir=f"{tmp}/cold{i}")))
        engine = ReactorEngine(cache_dir=f"{tmp}/cold0")
        start_ms(path, engine)  # warm the OS file cache
        for _ in range(ctx.pick(5, 15)):
            cached.append(start_ms(path, engine))
            cached_new_engine.append(start_ms(path, ReactorEngine(cache_dir=f"{tmp}/cold0")))
        res.details["cached_phases_ms"] = phases_ms(path, engine)
        if not ctx.quick:
            res.details["uncached_phases_ms"] = phases_ms(path, ReactorEngine(cache_dir=f"{tmp}/x"))
        res.details["module_bytes"] = os.path.getsize(path)
    base = median(uncached)
    res.add("cached module", median(cached), "ms", base, "uncached compile",
            Target("figure", "<=", TARGET_MS))
    res.add("cached, new engine each start", median(cached_new_engine), "ms", base, "uncached compile")
    res.add("uncached (compile + cache write)", base, "ms")
    res.samples.update(cached_ms=cached, cached_new_engine_ms=cached_new_engine, uncached_ms=uncached)
    res.notes.append(f"{PROGRAM}.wasm is {res.details['module_bytes'] / 1e6:.2f} MB")
    for kind in ("cached", "uncached"):
        split = res.details.get(f"{kind}_phases_ms")
        if split:
            res.notes.append(f"one {kind} start: "
                             + ", ".join(f"{k} {v:.1f} ms" for k, v in split.items()))
    return res


def main(argv: Sequence[str] | None = None) -> int:
    return standalone(sys.modules[__name__], argv)


if __name__ == "__main__":
    sys.exit(main())
