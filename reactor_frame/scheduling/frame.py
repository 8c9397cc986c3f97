"""``FrameScheduler``: several reactors sharing one frame budget."""

from __future__ import annotations

from collections.abc import Iterable
from time import perf_counter_ns, thread_time_ns
from typing import TYPE_CHECKING, cast

from ..clock import VirtualClock, check_ms
from .framereport import FrameReport
from .report import StepReport
from .step import finish_report, run_until

if TYPE_CHECKING:
    from ..host.reactor import Reactor


class FrameScheduler:
    """Step several reactors inside one frame budget.

    Each frame, the reactors that have work share the time left, in turn:
    each gets an equal part of what remains, so time one of them leaves
    unused goes to those after it, and passes repeat while time and work
    remain. The order rotates every frame so none is always last. Reactors
    with nothing to do cost nothing.

    A reactor that fails (panic, trap, timeout) is closed; the others still
    get their frame, then the first error is raised with the frame's reports
    attached as ``exc.frame_reports``. Closed reactors report ``idle``.
    """

    def __init__(self, reactors: Iterable["Reactor"] = ()) -> None:
        self.reactors: list[Reactor] = list(reactors)
        self._rotation = 0

    def add(self, reactor: "Reactor") -> None:
        self.reactors.append(reactor)

    def remove(self, reactor: "Reactor") -> None:
        self.reactors.remove(reactor)

    @property
    def all_done(self) -> bool:
        """True when every reactor is done (exited or main returned) or closed."""
        return all(r.done or r.closed for r in self.reactors)

    def step(self, budget_ms: float, advance_ms: float | None = None) -> FrameReport:
        """Run one frame of at most about ``budget_ms``; returns one report per
        reactor, in the order of ``reactors``, each with that reactor's own
        share of the time, in a :class:`FrameReport` holding the frame's
        totals. ``advance_ms`` moves every
        virtual clock of these reactors forward, stopping at each timer
        deadline on the way; reactors on real time just step."""
        started = perf_counter_ns()
        check_ms("budget_ms", budget_ms)
        end_ns = started + int(budget_ms * 1_000_000)
        reports = [StepReport(budget_ms=budget_ms) for _ in self.reactors]
        count = len(self.reactors)
        rotation = self._rotation % count if count else 0
        self._rotation += 1
        order = [(i, self.reactors[i]) for i in [*range(rotation, count), *range(rotation)]]
        live = [(i, r) for i, r in order if not r.closed]
        targets = self._targets(live, advance_ms)
        errors: list[BaseException] = []
        spent = [[0, 0] for _ in self.reactors]  # wall ns, CPU ns per reactor

        def guarded(i: int, r: "Reactor", share_end: int) -> None:
            wall, cpu = perf_counter_ns(), thread_time_ns()
            try:
                if not r.main_started:
                    r.start_main()
                run_until(r, reports[i], share_end, None)
            except Exception as exc:  # noqa: BLE001 - keep the frame going, raise after
                errors.append(exc)
            spent[i][0] += perf_counter_ns() - wall
            spent[i][1] += thread_time_ns() - cpu

        capped: set[int] = set()  # virtual reactors that used max_rounds_per_step
        while True:
            for clock, target in targets:
                members = [(i, r) for i, r in live
                           if r.clock is clock and not r.done and not r.closed]
                if any(r.woken and i not in capped for i, r in members):
                    continue
                due = [r.deadline_ns for _, r in members
                       if r.deadline_ns is not None and r.deadline_ns <= target]
                clock.advance_to_ns(min(due) if due else target)
            workers = [(i, r) for i, r in live
                       if i not in capped and not r.done and not r.closed
                       and (not r.main_started or r.wants_call(r.clock.now_ns()))]
            if perf_counter_ns() >= end_ns and any(rep.calls for rep in reports):
                # Out of time: real-time reactors wait for the next frame;
                # virtual ones finish their simulated instant (determinism).
                workers = [(i, r) for i, r in workers if r.virtual_time]
                if not workers and not targets:
                    break
            if not workers:
                if all(clock.now_ns() >= target for clock, target in targets):
                    break
                continue
            for n, (i, r) in enumerate(workers):
                now = perf_counter_ns()
                share_end = now + max(0, end_ns - now) // (len(workers) - n)
                guarded(i, r, share_end)
                if r.virtual_time and r.woken:
                    capped.add(i)
        for clock, target in targets:
            clock.advance_to_ns(target)
        for i, r in order:
            finish_report(r, reports[i], started, spent=(spent[i][0], spent[i][1]))
        frame = FrameReport(reports, budget_ms=budget_ms,
                            elapsed_ms=(perf_counter_ns() - started) / 1e6,
                            cpu_ms=sum(cpu for _, cpu in spent) / 1e6)
        if errors:
            error = errors[0]
            error.frame_reports = frame  # type: ignore[attr-defined]
            raise error
        return frame

    @staticmethod
    def _targets(live: list[tuple[int, "Reactor"]],
                 advance_ms: float | None) -> list[tuple[VirtualClock, int]]:
        if advance_ms is None:
            return []
        check_ms("advance_ms", advance_ms)
        clocks = {id(r.clock): cast(VirtualClock, r.clock) for _, r in live if r.virtual_time}
        advance_ns = round(advance_ms * 1_000_000)
        return [(c, c.now_ns() + advance_ns) for c in clocks.values()]
