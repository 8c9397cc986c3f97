"""Benchmark 4: a goroutine that never yields.

``spin`` starts a goroutine that loops forever without yielding or blocking.
Nothing in the guest gives control back, so ``step(4.0)`` cannot end at its
budget: the step runs until the watchdog (``tick_timeout=0.5``) interrupts the
guest call, which raises ``ReactorTimeoutError`` and closes the reactor. The
figure is how long that step took, against ``tick_timeout``.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from time import perf_counter_ns

from reactor_frame import ReactorTimeoutError

from .context import Context
from .result import BenchResult, Target
from .runner import standalone
from .stats import median

NAME = "spin"
TITLE = "Non-yielding goroutine: step(4.0) stopped by the watchdog (tick_timeout=0.5)"
TICK_TIMEOUT_S = 0.5
BUDGET_MS = 4.0
#: The watchdog checks every 10 ms epoch; allow for that and a loaded machine.
TARGET_RATIO = 1.2


def spin_step_s(ctx: Context) -> tuple[float, bool, bool]:
    """Seconds one ``step(BUDGET_MS)`` of ``spin`` took; whether it raised
    ReactorTimeoutError; whether the reactor is closed afterwards."""
    reactor = ctx.reactor("spin", tick_timeout=TICK_TIMEOUT_S)
    timed_out = False
    started = perf_counter_ns()
    try:
        reactor.step(BUDGET_MS)
    except ReactorTimeoutError:
        timed_out = True
    finally:
        elapsed = (perf_counter_ns() - started) / 1e9
        closed = reactor.closed
        reactor.close()
    return elapsed, timed_out, closed


def run(ctx: Context) -> BenchResult:
    res = BenchResult(NAME, TITLE)
    samples = [spin_step_s(ctx) for _ in range(ctx.pick(1, 3))]
    durations = [s for s, _, _ in samples]
    step_s = median(durations)
    res.add("step duration", step_s, "s", TICK_TIMEOUT_S, "tick_timeout",
            Target("ratio", "<=", TARGET_RATIO))
    res.add("overrun of the step budget", step_s * 1e3 / BUDGET_MS, "x budget",
            note="a step cannot interrupt a goroutine that never yields")
    stopped = sum(1 for _, t, c in samples if t and c)
    res.add("stopped by watchdog, reactor closed", stopped, "runs", len(samples), "runs",
            Target("ratio", ">=", 1.0))
    res.samples["spin_step_s"] = durations
    res.notes.append(
        "the step is not interrupted at its 4 ms budget (the guest never reaches a yield); "
        f"the watchdog stops the call after tick_timeout={TICK_TIMEOUT_S} s "
        "(checked every 10 ms epoch) and closes the reactor")
    return res


def main(argv: Sequence[str] | None = None) -> int:
    return standalone(sys.modules[__name__], argv)


if __name__ == "__main__":
    sys.exit(main())
