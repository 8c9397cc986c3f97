"""The frame step: run a reactor's goroutines inside a wall-time budget.

How a step spends its budget:

* It calls into the guest only when the guest may have work: after a host
  event (``start_main``, an export call), when the last tick reported a
  runnable goroutine, or once the recorded timer deadline has passed. A step
  before the deadline with nothing runnable costs no guest call.
* On binaries built by reactor-frame, one ``go_tick_for(budget)`` call runs
  the scheduler until the budget is spent, checking the clock whenever a
  goroutine yields or blocks, so a step overruns by at most one goroutine's
  run between yields. On seed-ABI binaries the step calls ``go_tick``
  repeatedly while time remains; a single ``go_tick`` there runs until
  nothing is runnable and cannot be cut short (best effort).
* A goroutine that does not yield is preempted by the host at the budget
  on extended binaries (``host/preempt.py``; function calls and, with
  preemptible loops, loop back edges are preemption points), so the step
  ends within about a millisecond of it; ``StepReport.preemptions``,
  ``overrun_ms`` and the ``overrun`` hook say when and where. Code with no
  preemption point (a loop built without preemptible loops) is stopped by
  the watchdog (``tick_timeout``), which closes the reactor.
* On seed-ABI binaries ``-1`` means "no deadline known": the step calls
  ``go_tick`` again on the next frame (``scheduling/seedidle.py``).
* On a virtual clock a step is deterministic instead: guest work takes no
  simulated time, so at each simulated instant the step runs scheduling
  rounds (``go_tick``) until nothing is runnable, whatever the wall time;
  cutting it by wall time would make a run depend on the machine's speed.
  ``max_rounds_per_step`` (a count, hence deterministic) bounds a step whose
  goroutines never stop yielding. With ``advance_ms``, time moves to each
  timer deadline inside the frame in turn, so every timer fires at exactly
  its deadline, then to the end of the frame. Same binary, inputs, seed and
  calls: same output and same step reports.
* One bound on a virtual-clock step is not deterministic, for safety:
  after ``max_step_wall_s`` of wall time (default 5 s) the step stops
  between rounds and says so in ``StepReport.wall_capped``, leaving the
  clock where it got to (distinct from the watchdog, which stops one call
  and closes the reactor).
"""

from __future__ import annotations

import math
from time import perf_counter_ns, thread_time_ns
from typing import TYPE_CHECKING

from ..abi import LoopResult
from ..clock import check_ms
from ..errors import ReactorError
from .report import StepReport

if TYPE_CHECKING:
    from ..host.reactor import Reactor

_IDLE = LoopResult.IDLE
#: Default wall-time bound, in seconds, on one step on a virtual clock.
DEFAULT_MAX_STEP_WALL_S = 5.0
#: A real-clock step this much (ms) past its budget fires the ``overrun`` hook.
OVERRUN_REPORT_MS = 0.5


def checked_wall_cap(max_step_wall_s: float | None) -> float | None:
    """``max_step_wall_s`` if valid (positive seconds, or None), else ValueError."""
    if max_step_wall_s is not None and not 0 < max_step_wall_s < math.inf:
        raise ValueError(f"max_step_wall_s must be a positive number of seconds or None, "
                         f"not {max_step_wall_s!r}")
    return max_step_wall_s


def step_reactor(r: "Reactor", budget_ms: float, advance_ms: float | None = None) -> StepReport:
    """``Reactor.step``: see the module docstring."""
    started = perf_counter_ns()
    check_ms("budget_ms", budget_ms)
    r.check_open()
    report = StepReport(budget_ms=budget_ms)
    clock = r.clock
    target_ns = None
    if advance_ms is not None:
        if not r.virtual_time:
            raise ReactorError("advance_ms needs a reactor on a VirtualClock (Reactor(..., clock=VirtualClock()))")
        check_ms("advance_ms", advance_ms)
        target_ns = clock.now_ns() + round(advance_ms * 1_000_000)
    end_ns = started + int(budget_ms * 1_000_000)
    cap_s = r.max_step_wall_s
    wall_end_ns = started + int(cap_s * 1e9) if cap_s is not None else None

    cpu_started = None  # read only by a step that calls the guest: a read costs
    if not r.done:      # more than a whole skipped step
        if not r.main_started:
            cpu_started = thread_time_ns()
            r.start_main()
        first_call = run_until(r, report, end_ns, target_ns, wall_end_ns)
        cpu_started = first_call if cpu_started is None else cpu_started
    if target_ns is not None and not report.wall_capped:
        clock.advance_to_ns(target_ns)  # type: ignore[attr-defined]
    finish_report(r, report, started, cpu_started)
    return report


def run_until(r: "Reactor", report: StepReport, end_ns: int, target_ns: int | None,
              wall_end_ns: int | None = None) -> int | None:
    """Tick ``r`` while it has work: on real time until ``end_ns`` (wall,
    perf_counter); on virtual time deterministically, moving the clock to
    each deadline up to ``target_ns``, unless the wall clock passes
    ``wall_end_ns`` (then ``report.wall_capped`` is set). Returns the thread
    CPU time (ns) read just before the first guest call, None without one."""
    if r.virtual_time:
        return _run_virtual(r, report, target_ns, wall_end_ns)
    return _run_real(r, report, end_ns)


def _run_real(r: "Reactor", report: StepReport, end_ns: int) -> int | None:
    clock = r.clock
    tick_for = r.has_tick_for
    cpu_started = None
    while r.wants_call(clock.now_ns()):
        remaining = end_ns - perf_counter_ns()
        if remaining <= 0 and report.calls:
            return cpu_started
        if cpu_started is None:
            cpu_started = thread_time_ns()
        result = r.tick_for(max(remaining, 50_000)) if tick_for else r.loop_once()
        _count(r, report)
        if result != 0 or r.done or r.closed:
            return cpu_started
    return cpu_started


def _run_virtual(r: "Reactor", report: StepReport, target_ns: int | None,
                 wall_end_ns: int | None) -> int | None:
    clock = r.clock
    rounds = 0
    cpu_started = None
    while True:
        now = clock.now_ns()
        if target_ns is not None and not r.woken:
            deadline = r.deadline_ns
            step_to = deadline if deadline is not None and deadline <= target_ns else target_ns
            if step_to > now:
                clock.advance_to_ns(step_to)  # type: ignore[attr-defined]
                now = step_to
        if not r.wants_call(now) or rounds >= r.max_rounds_per_step:
            return cpu_started
        if wall_end_ns is not None and rounds and perf_counter_ns() >= wall_end_ns:
            report.wall_capped = True
            return cpu_started
        if cpu_started is None:
            cpu_started = thread_time_ns()
        result = r.loop_once()
        rounds += 1
        _count(r, report)
        if r.done or r.closed:
            return cpu_started
        if result != 0 and (target_ns is None or result == _IDLE):
            return cpu_started


def _count(r: "Reactor", report: StepReport) -> None:
    report.calls += 1
    rounds, turns = r.last_tick_counts()
    report.ticks += rounds
    report.turns += turns
    count, goid, func = r.last_tick_preemption()
    if count:
        report.preemptions += count
        report.preempted_goid = goid
        report.preempted_func = func or None


def finish_report(r: "Reactor", report: StepReport, started_ns: int,
                  cpu_started_ns: int | None = None, *, spent: tuple[int, int] | None = None) -> None:
    """Fill in ``report`` after a step begun at ``started_ns`` (perf_counter)
    and ``cpu_started_ns`` (thread CPU time); ``spent`` gives (wall ns, CPU
    ns) instead when the step's time was not one stretch (FrameScheduler)."""
    done = r.done or r.closed
    last = r.last_result
    report.result = -1 if done else last if type(last) is int else int(last)
    report.exit_code = r.exit_code
    deadline = r.deadline_ns
    if deadline is not None and not r.closed:
        report.deadline_ns = deadline
        report.next_timer_ms = max(0, deadline - r.clock.now_ns()) / 1e6
    report.idle = done or (last == _IDLE and not r.woken)
    if spent is not None:
        report.elapsed_ms, report.cpu_ms = spent[0] / 1e6, spent[1] / 1e6
    else:
        report.elapsed_ms = (perf_counter_ns() - started_ns) / 1e6
        if cpu_started_ns is not None:
            report.cpu_ms = (thread_time_ns() - cpu_started_ns) / 1e6
    if not r.virtual_time:
        report.overrun_ms = max(0.0, report.elapsed_ms - report.budget_ms)
    if r.hooks:
        r.hooks.emit_step(report)
        if report.overrun_ms >= OVERRUN_REPORT_MS:
            r.hooks.emit_overrun(report)
