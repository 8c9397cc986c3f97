"""Benchmark: virtual-time fast-forward on a timer-dense program.

``timerstorm`` (N goroutines sleeping a random 1-10 ms again and again, 10 s
of program time) on a ``VirtualClock``: ``Reactor.run`` (one ``go_tick`` per
simulated instant, the host jumping the clock in between) against
``run_fast`` (``go_tick_until``: the guest jumps its own clock). Figures:
simulated seconds per second of thread CPU and of wall time, and the guest
calls made; the outputs must be identical.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Sequence

from reactor_frame import VirtualClock
from reactor_frame.scheduling.fastforward import run_fast

from .context import Context, Output
from .result import BenchResult, Target
from .runner import standalone
from .stats import median

NAME = "fastforward"
TITLE = "Virtual-time fast-forward: simulated seconds per second, run() vs run_fast()"


def one(ctx: Context, goroutines: int, duration_ms: int, fast: bool) -> tuple[float, float, int, str, int]:
    """(CPU s, wall s, guest ticks, output, final clock ns) of one run."""
    out = Output()
    r = ctx.reactor("timerstorm", (str(goroutines), str(duration_ms)), output=out, clock=VirtualClock())
    try:
        cpu0, wall0 = time.thread_time(), time.perf_counter()
        (run_fast if fast else type(r).run)(r)
        cpu, wall = time.thread_time() - cpu0, time.perf_counter() - wall0
        return cpu, wall, r.stats_ticks, out.text, r.clock.now_ns()
    finally:
        r.close()


def run(ctx: Context) -> BenchResult:
    res = BenchResult(NAME, TITLE)
    duration_ms = ctx.pick(2000, 10000)
    sim_s = duration_ms / 1000
    for goroutines in (10, 1000):
        runs: dict[bool, list[tuple[float, float, int, str, int]]] = {False: [], True: []}
        for _ in range(ctx.pick(1, 3)):
            for fast in (False, True):
                runs[fast].append(one(ctx, goroutines, duration_ms, fast))
        outputs = {(o, t) for series in runs.values() for (_, _, _, o, t) in series}
        if len(outputs) != 1:
            raise AssertionError(f"fast-forward changed the result: {sorted(outputs)}")
        (before, after) = ([sim_s / median([c for c, *_ in runs[f]]) for f in (False, True)])
        wall_before, wall_after = (sim_s / median([w for _, w, *_ in runs[f]]) for f in (False, True))
        ticks_before, ticks_after = runs[False][0][2], runs[True][0][2]
        what = f"timerstorm {goroutines} goroutines, {sim_s:g} s"
        res.add(f"{what}: simulated s per CPU s, run_fast", after, "x", before, "run()",
                Target("ratio", ">=", 0.95), note=f"guest calls {ticks_after} vs {ticks_before}")
        res.add(f"{what}: simulated s per wall s, run_fast", wall_after, "x", wall_before, "run()")
    res.notes.append("identical output and final clock in every run (checked); the figure is "
                     "simulated time over thread CPU (wall next to it)")
    return res


def main(argv: Sequence[str] | None = None) -> int:
    return standalone(sys.modules[__name__], argv)


if __name__ == "__main__":
    sys.exit(main())
