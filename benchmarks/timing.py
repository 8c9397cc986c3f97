"""Timing helpers: batches of calls with the garbage collector paused."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from time import perf_counter_ns


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic GC (as ``timeit`` does) for micro-benchmarks."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def batch_us(fn: Callable[[], object], calls: int) -> float:
    """Mean microseconds per call of ``fn`` over one batch of ``calls``."""
    start = perf_counter_ns()
    for _ in range(calls):
        fn()
    return (perf_counter_ns() - start) / calls / 1e3


def interleaved_us(fns: Mapping[str, Callable[[], object]], calls: int,
                   samples: int, warmup: int = 1) -> dict[str, list[float]]:
    """Per-call microseconds of each function: ``samples`` batches each,
    taken in turn (A B C A B C ...) so machine noise hits all alike."""
    out: dict[str, list[float]] = {name: [] for name in fns}
    with gc_paused():
        for fn in fns.values():
            for _ in range(warmup):
                batch_us(fn, calls)
        for _ in range(samples):
            for name, fn in fns.items():
                out[name].append(batch_us(fn, calls))
    return out


def wall_ms(fn: Callable[[], object]) -> tuple[float, object]:
    """Wall milliseconds of one call of ``fn``, and its result."""
    start = perf_counter_ns()
    value = fn()
    return (perf_counter_ns() - start) / 1e6, value
