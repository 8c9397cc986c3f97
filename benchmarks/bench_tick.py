"""Benchmark 1: the host cost of one tick.

``Reactor.loop_once`` (one ``go_tick`` through a prepared C-API call plus the
reactor's bookkeeping) against a naive wasmtime-py ``go_tick`` call
(``Func.__call__`` on a plain store) on the same compiled binary, and the raw
``UncheckedCall`` underneath. Two guests: an idle one (``blockforever main``:
all goroutines blocked, the tick finds nothing to run) and a busy one
(``yieldforever``: three goroutines calling ``runtime.Gosched`` forever, so
every tick runs a round of three turns).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from .context import Context
from .naive import NaiveGuest
from .result import BenchResult, Target
from .runner import standalone
from .stats import median
from .timing import interleaved_us

NAME = "tick"
TITLE = "Per-tick host overhead: loop_once vs naive Func.__call__ go_tick"
TARGET_RATIO = 0.35

#: label -> (program, guest args, description)
CASES = {
    "idle": ("blockforever", ("main",), "all goroutines blocked"),
    "runnable": ("yieldforever", (), "3 goroutines yielding"),
}


def measure_case(ctx: Context, program: str, args: Sequence[str]) -> dict[str, list[float]]:
    """Per-call us samples of loop_once, the raw unchecked call and naive go_tick."""
    reactor = ctx.reactor(program, args)
    naive = NaiveGuest(ctx.engine.wasmtime, ctx.module(program), [program, *args])
    try:
        reactor.start_main()
        for _ in range(1000):  # run main to where it blocks (or forever yields)
            if reactor.loop_once() != 0:
                break
        naive.settle(limit=1000)
        fns = {
            "loop_once": reactor.loop_once,
            "fastcall": reactor._tick_call.call,
            "naive": naive.tick,
        }
        return interleaved_us(fns, calls=ctx.pick(1000, 4000), samples=ctx.pick(7, 25))
    finally:
        reactor.close()
        naive.close()


def run(ctx: Context) -> BenchResult:
    res = BenchResult(NAME, TITLE)
    for label, (program, args, what) in CASES.items():
        samples = measure_case(ctx, program, args)
        loop, fast, naive = (median(samples[k]) for k in ("loop_once", "fastcall", "naive"))
        base = "naive Func.__call__"
        res.add(f"{label}: loop_once", loop, "us", naive, base, Target("ratio", "<=", TARGET_RATIO),
                note=f"{program}: {what}")
        res.add(f"{label}: raw UncheckedCall", fast, "us", naive, base)
        res.add(f"{label}: loop_once bookkeeping", loop - fast, "us", loop, "loop_once",
                note="loop_once minus the raw call: lock, state checks, result recording")
        for key, values in samples.items():
            res.samples[f"{label}.{key}_us"] = values
    res.notes.append(
        "medians of interleaved batches (GC paused); the naive host is a plain wasmtime.Store "
        "on the same engine and module, so guest code is identical")
    return res


def main(argv: Sequence[str] | None = None) -> int:
    return standalone(sys.modules[__name__], argv)


if __name__ == "__main__":
    sys.exit(main())
