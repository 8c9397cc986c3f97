"""``Frame``: what one pass of a game loop did, for rendering and overlays."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..scheduling.report import StepReport

if TYPE_CHECKING:
    from ..host.reactor import Reactor

__all__ = ["Frame", "guest_state"]


def guest_state(reactor: Reactor, report: StepReport) -> str:
    """``"running"``, ``"idle"``, ``"exited (N)"`` or ``"closed"``."""
    if report.exit_code is not None:
        return f"exited ({report.exit_code})"
    if reactor.closed:
        return "closed"
    return "idle" if report.idle else "running"


@dataclass(frozen=True)
class Frame:
    """One frame of a :class:`~reactor_frame.integrations.pygame.GameLoop`:
    the step reports of its reactors (in order) and the events it handled."""

    index: int
    """Frames before this one."""
    dt_ms: float
    """Wall time since the previous frame began; 0 for the first."""
    budget_ms: float
    reports: tuple[StepReport, ...]
    names: tuple[str, ...]
    """The reactors' names, in the order of ``reports``."""
    states: tuple[str, ...]
    """Each reactor's :func:`guest_state` after the step."""
    cpu_ms: float = 0.0
    """CPU time this thread spent in the step. Far below ``elapsed_ms``, it
    means the operating system paused the process during the step (a loaded
    machine), not that the guest overran its budget."""
    events: tuple[Any, ...] = ()
    """The pygame events collected this frame."""

    @property
    def ticks(self) -> int:
        """Scheduling rounds run this frame, all reactors together."""
        return sum(r.ticks for r in self.reports)

    @property
    def calls(self) -> int:
        return sum(r.calls for r in self.reports)

    @property
    def turns(self) -> int:
        return sum(r.turns for r in self.reports)

    @property
    def elapsed_ms(self) -> float:
        """Wall time the step took: the reactors' shares together."""
        return sum(r.elapsed_ms for r in self.reports)

    @property
    def os_ms(self) -> float:
        """Wall time of the step not spent on the CPU: the operating system's
        share (a busy machine), as opposed to Go overrunning its budget."""
        return max(0.0, self.elapsed_ms - self.cpu_ms)

    @property
    def next_timer_ms(self) -> float | None:
        """Time to the earliest pending guest timer, or None."""
        timers = [r.next_timer_ms for r in self.reports if r.next_timer_ms is not None]
        return min(timers) if timers else None

    @property
    def preemptions(self) -> int:
        """Goroutines the host preempted this frame to hold the budget."""
        return sum(r.preemptions for r in self.reports)

    @property
    def overrun_ms(self) -> float:
        """How far the longest step ran past its budget (0 within it)."""
        return max((r.overrun_ms for r in self.reports), default=0.0)

    @property
    def preempted_at(self) -> str | None:
        """The function the last preemption of this frame stopped, if known."""
        for r in reversed(self.reports):
            if r.preempted_func:
                return r.preempted_func
        return None

    @property
    def utilisation(self) -> float:
        """Fraction of the budget the step used (above 1.0 on overrun)."""
        return self.elapsed_ms / self.budget_ms if self.budget_ms > 0 else 0.0
