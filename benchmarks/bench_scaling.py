"""Benchmark 6: many reactors in one FrameScheduler.

1, 10 and 100 reactors share a frame. Idle ones (``blockforever main``,
real clock) need no guest call, so a frame costs only the scheduler's
bookkeeping. Lightly busy ones (``vclock``: sleeps, a 16 ms ticker, more
sleeps) share one ``VirtualClock`` advanced by 1/60 s per frame, so their
timers fire as in a 60 FPS game, deterministically, without waiting. The
figures are the median wall time of a frame and its share per reactor. The
resident memory 100 reactors of a 2.5 MB Go module take is measured too.
"""

from __future__ import annotations

import gc
import sys
from collections.abc import Sequence
from time import perf_counter_ns

from reactor_frame import FrameScheduler, Reactor, VirtualClock

from .context import Context
from .memory import rss_mb
from .result import BenchResult, Target
from .runner import standalone
from .stats import median, percentile

NAME = "scaling"
TITLE = "Scaling: frame cost with 1, 10, 100 reactors in one FrameScheduler; memory"
COUNTS = (1, 10, 100)
FRAME_MS = 16.0
ADVANCE_MS = 1000.0 / 60.0
#: RSS allowed for 100 reactors (the reference machine has 24 GB).
MEMORY_TARGET_MB = 2048.0


def frame_ms(sched: FrameScheduler, frames: int, advance_ms: float | None = None) -> list[float]:
    """Wall ms of each of ``frames`` scheduler frames."""
    out = []
    for _ in range(frames):
        started = perf_counter_ns()
        sched.step(FRAME_MS, advance_ms)
        out.append((perf_counter_ns() - started) / 1e6)
    return out


def settle(reactors: Sequence[Reactor]) -> None:
    """Step each reactor until it is idle (main blocked)."""
    for r in reactors:
        for _ in range(100):
            if r.step(FRAME_MS).idle:
                break


def idle_case(ctx: Context, res: BenchResult, frames: int) -> None:
    ctx.module("blockforever")
    gc.collect()
    rss_before = rss_mb()
    reactors: list[Reactor] = []
    create_ms: list[float] = []
    try:
        for n in COUNTS:
            while len(reactors) < n:
                started = perf_counter_ns()
                reactors.append(ctx.reactor("blockforever", ["main"]))
                create_ms.append((perf_counter_ns() - started) / 1e6)
            settle(reactors)
            times = frame_ms(FrameScheduler(reactors), frames)
            add_frame_rows(res, f"idle x{n}", times, n)
            res.samples[f"idle_x{n}_frame_ms"] = times
        rss_100 = rss_mb() - rss_before
    finally:
        for r in reactors:
            r.close()
    gc.collect()
    res.add("RSS of 100 reactors", rss_100, "MB", target=Target("figure", "<=", MEMORY_TARGET_MB),
            note="blockforever, one shared compiled module")
    res.add("RSS per reactor", rss_100 / COUNTS[-1], "MB")
    res.add("create one reactor (shared module)", median(create_ms), "ms")
    res.details["rss_mb"] = {"before": rss_before, "with_100": rss_before + rss_100,
                             "after_close": rss_mb()}


def timers_case(ctx: Context, res: BenchResult, frames: int) -> None:
    for n in COUNTS:
        clock = VirtualClock()
        reactors = [ctx.reactor("vclock", clock=clock) for _ in range(n)]
        try:
            sched = FrameScheduler(reactors)
            times = frame_ms(sched, frames, ADVANCE_MS)
            ticks = sum(r.stats_ticks for r in reactors)
        finally:
            for r in reactors:
                r.close()
        add_frame_rows(res, f"timers x{n}", times, n)
        res.samples[f"timers_x{n}_frame_ms"] = times
        res.details[f"timers_x{n}"] = {"guest_ticks": ticks, "frames": frames,
                                       "mean_ms": sum(times) / len(times),
                                       "p99_ms": percentile(times, 99)}


def add_frame_rows(res: BenchResult, label: str, times: list[float], n: int) -> None:
    frame = median(times)
    res.add(f"{label}: frame", frame * 1e3, "us",
            note=f"mean {sum(times) / len(times) * 1e3:.0f} us, p99 {percentile(times, 99) * 1e3:.0f} us")
    one = res.details.setdefault("per_reactor_us", {})
    one[label] = frame * 1e3 / n
    base = None if n == COUNTS[0] else one.get(label.split(" x")[0] + f" x{COUNTS[0]}")
    res.add(f"{label}: per reactor", frame * 1e3 / n, "us", base,
            f"per reactor, x{COUNTS[0]}" if base is not None else "")


def run(ctx: Context) -> BenchResult:
    res = BenchResult(NAME, TITLE)
    idle_case(ctx, res, ctx.pick(50, 300))
    timers_case(ctx, res, ctx.pick(60, 300))
    res.notes.append(
        "idle = blockforever main (no guest call per frame); timers = vclock on one shared "
        f"VirtualClock advanced {ADVANCE_MS:.2f} ms per frame; per-reactor ratio is against "
        "the per-reactor cost with one reactor")
    return res


def main(argv: Sequence[str] | None = None) -> int:
    return standalone(sys.modules[__name__], argv)


if __name__ == "__main__":
    sys.exit(main())
