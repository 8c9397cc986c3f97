"""Benchmark 8: snapshots.

``snapshot()``, ``restore()`` and a fork (``Reactor.from_snapshot``) of the
``snapshot`` program (timers, channels, a map, GC churn) on a VirtualClock,
each next to a plain copy of the same number of bytes measured in the same
run (``bytes`` of a ``bytearray`` for a snapshot, a ``memmove`` into an
existing buffer for a restore; a fresh ``Reactor`` from the compiled-module
cache for a fork). Wall and thread CPU time are both reported. Sizes: guest
memory, its share of zero bytes, and ``to_bytes`` with each compression.
"""

from __future__ import annotations

import ctypes
import importlib.util
import sys
from collections.abc import Callable, Sequence
from time import perf_counter_ns, thread_time_ns

from reactor_frame import Reactor, VirtualClock
from reactor_frame.snapshot import ReactorSnapshot

from .context import Context
from .result import BenchResult, Target
from .runner import standalone
from .stats import median
from .timing import gc_paused

NAME = "snapshot"
TITLE = "Snapshots: snapshot/restore/fork times and sizes vs a plain memory copy"
FRAME_MS = 16.667
#: A restore may cost at most this many plain copies of the memory (it also
#: zeroes the rest, sets globals and makes one guest call).
RESTORE_RATIO_TARGET = 4.0


def timed(fn: Callable[[], object], repeats: int) -> tuple[list[float], list[float]]:
    """Wall and thread-CPU milliseconds of ``repeats`` calls of ``fn``."""
    wall, cpu = [], []
    with gc_paused():
        for _ in range(repeats):
            w, c = perf_counter_ns(), thread_time_ns()
            fn()
            cpu.append((thread_time_ns() - c) / 1e6)
            wall.append((perf_counter_ns() - w) / 1e6)
    return wall, cpu


def warmed_reactor(ctx: Context, frames: int) -> Reactor:
    reactor = ctx.reactor("snapshot", clock=VirtualClock(), seed=1)
    for _ in range(frames):
        reactor.step(4.0, advance_ms=FRAME_MS)
    return reactor


def run(ctx: Context) -> BenchResult:
    res = BenchResult(NAME, TITLE)
    repeats = ctx.pick(10, 40)
    reactor = warmed_reactor(ctx, ctx.pick(30, 120))
    forks: list[Reactor] = []
    try:
        snap = reactor.snapshot()
        size = snap.memory_size
        source = bytearray(snap.memory)
        target = (ctypes.c_char * size)()

        snap_wall, snap_cpu = timed(reactor.snapshot, repeats)
        copy_wall, copy_cpu = timed(lambda: bytes(source), repeats)
        res.add("snapshot()", median(snap_wall), "ms", median(copy_wall), "bytes() copy, same size")
        res.add("snapshot() CPU", median(snap_cpu), "ms", median(copy_cpu), "bytes() copy CPU")

        restore_wall, restore_cpu = timed(lambda: reactor.restore(snap), repeats)
        move_wall, move_cpu = timed(lambda: ctypes.memmove(target, snap.memory, size), repeats)
        res.add("restore()", median(restore_wall), "ms", median(move_wall), "memmove, same size",
                Target("ratio", "<=", RESTORE_RATIO_TARGET))
        res.add("restore() CPU", median(restore_cpu), "ms", median(move_cpu), "memmove CPU")

        def fork() -> None:
            forks.append(Reactor.from_snapshot(snap, ctx.module("snapshot"), engine=ctx.engine,
                                               stdout=lambda _t: None, stderr=lambda _t: None))

        def fresh() -> None:
            forks.append(ctx.reactor("snapshot", clock=VirtualClock(), seed=1))

        fork_wall, fork_cpu = timed(fork, ctx.pick(5, 15))
        fresh_wall, fresh_cpu = timed(fresh, ctx.pick(5, 15))
        res.add("fork (from_snapshot)", median(fork_wall), "ms", median(fresh_wall),
                "new Reactor, cached module")
        res.add("fork CPU", median(fork_cpu), "ms", median(fresh_cpu), "new Reactor CPU")

        res.add("guest memory", size / 2**20, "MiB")
        res.add("zero bytes", 100.0 * snap.memory.count(0) / size, "%")
        for compression in ("zlib", "zstd", None):
            if compression == "zstd" and importlib.util.find_spec("zstandard") is None:
                res.notes.append("zstd not measured: pip install 'reactor-frame[zstd]'")
                continue
            data = snap.to_bytes(compression=compression)
            enc_wall, _ = timed(lambda c=compression: snap.to_bytes(compression=c), ctx.pick(3, 10))
            dec_wall, _ = timed(lambda d=data: ReactorSnapshot.from_bytes(d), ctx.pick(3, 10))
            label = compression or "none"
            res.add(f"to_bytes({label}) size", len(data) / 2**10, "KiB", size / 2**10, "guest memory")
            res.add(f"to_bytes({label}) time", median(enc_wall), "ms", median(copy_wall),
                    "bytes() copy, same size")
            res.add(f"from_bytes({label}) time", median(dec_wall), "ms", median(copy_wall),
                    "bytes() copy, same size")
        res.samples.update(snapshot_ms=snap_wall, restore_ms=restore_wall, fork_ms=fork_wall)
        res.notes.append(
            f"snapshot program after {ctx.pick(30, 120)} frames of {FRAME_MS} ms on a VirtualClock; "
            "medians; restore includes zeroing, globals and the go_reactor_restored call")
    finally:
        reactor.close()
        for r in forks:
            r.close()
    return res


def main(argv: Sequence[str] | None = None) -> int:
    return standalone(sys.modules[__name__], argv)


if __name__ == "__main__":
    sys.exit(main())
