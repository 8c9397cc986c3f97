"""Benchmark 5: what an idle reactor costs a 60 FPS frame loop.

An idle reactor (``blockforever main``: every goroutine blocked, no timer) is
stepped once per frame. Unthrottled, the per-frame cost of a loop that only
reads the clock is compared with one that also calls ``step``: the
difference is what an idle step costs, against the 16.7 ms of a 60 FPS
frame. Paced, a loop with a precise sleep to each 1/60 s deadline runs with
and without the step: the frame rate it sustains must not change.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from time import perf_counter_ns

from .context import Context
from .pacing import paced_loop
from .result import BenchResult, Target
from .runner import standalone
from .stats import median, percentile
from .timing import interleaved_us

NAME = "fps"
TITLE = "Frame loop: per-frame cost of stepping an idle reactor; 60 FPS sustained"
FPS = 60.0
FRAME_US = 1e6 / FPS
STEP_BUDGET_MS = 4.0
#: An idle step may cost at most this fraction of a 60 FPS frame.
IDLE_STEP_FRACTION = 0.001


def run(ctx: Context) -> BenchResult:
    res = BenchResult(NAME, TITLE)
    reactor = ctx.reactor("blockforever", ["main"])
    try:
        for _ in range(100):
            if reactor.step(STEP_BUDGET_MS).idle:
                break
        if not reactor.step(STEP_BUDGET_MS).idle:
            raise RuntimeError("blockforever did not become idle")
        settled_ticks = reactor.stats_ticks

        def bare() -> None:
            perf_counter_ns()

        def stepped() -> None:
            perf_counter_ns()
            reactor.step(STEP_BUDGET_MS)

        us = interleaved_us({"bare": bare, "stepped": stepped},
                            calls=ctx.pick(2000, 10000), samples=ctx.pick(7, 25))
        frames = ctx.pick(30, 180)
        paced_bare = paced_loop(bare, FPS, frames)
        paced_step = paced_loop(stepped, FPS, frames)
        calls = reactor.stats_ticks - settled_ticks
    finally:
        reactor.close()

    bare_us, step_us = median(us["bare"]), median(us["stepped"])
    idle_us = step_us - bare_us
    res.add("unthrottled frame, no reactor", bare_us, "us")
    res.add("unthrottled frame + idle step", step_us, "us", bare_us, "no reactor")
    res.add("idle step cost", idle_us, "us", FRAME_US, "60 FPS frame",
            Target("ratio", "<=", IDLE_STEP_FRACTION))
    res.add("unthrottled fps + idle step", 1e6 / step_us, "fps", 1e6 / bare_us, "no reactor")
    res.add("paced 60 FPS + idle step", paced_step.fps, "fps", paced_bare.fps, "no reactor",
            Target("ratio", ">=", 0.99))
    res.add("paced frame start lateness p99", percentile(paced_step.late_ms, 99), "ms",
            percentile(paced_bare.late_ms, 99), "no reactor")
    res.samples.update(unthrottled_bare_us=us["bare"], unthrottled_step_us=us["stepped"],
                       paced_step_work_ms=paced_step.work_ms, paced_late_ms=paced_step.late_ms)
    res.details["guest_calls_while_idle"] = calls
    res.notes.append(
        f"idle reactor = blockforever main; an idle step makes no guest call (guest calls "
        f"while measuring: {calls}); paced loops ran {frames} frames each")
    return res


def main(argv: Sequence[str] | None = None) -> int:
    return standalone(sys.modules[__name__], argv)


if __name__ == "__main__":
    sys.exit(main())
