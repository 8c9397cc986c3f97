"""``FrameReport``: what one ``FrameScheduler.step`` did, reactor by reactor
and as a whole."""

from __future__ import annotations

from collections.abc import Iterable

from .report import StepReport


class FrameReport(list[StepReport]):
    """The reports of one frame, one per reactor in the scheduler's order (a
    ``list``, so code that indexes or iterates the reports is unchanged), and
    the frame's totals once.

    Each reactor's :class:`StepReport` carries only its own share of the
    frame: the wall and CPU time spent stepping that reactor. The frame's
    whole time, scheduling overhead included, is :attr:`elapsed_ms` here.
    """

    def __init__(self, reports: Iterable[StepReport], *, budget_ms: float,
                 elapsed_ms: float = 0.0, cpu_ms: float = 0.0) -> None:
        super().__init__(reports)
        self.budget_ms = budget_ms
        """The frame's budget."""
        self.elapsed_ms = elapsed_ms
        """Wall time of the whole frame step."""
        self.cpu_ms = cpu_ms
        """CPU time of the stepping thread while it stepped the reactors
        (the shares' ``cpu_ms`` together; the scheduler's own bookkeeping,
        a few microseconds, is in ``elapsed_ms`` only)."""

    @property
    def os_ms(self) -> float:
        """Wall time the frame was not on the CPU: the operating system's share."""
        return max(0.0, self.elapsed_ms - self.cpu_ms)

    @property
    def utilisation(self) -> float:
        """Fraction of the budget the frame used (may exceed 1.0)."""
        return self.elapsed_ms / self.budget_ms if self.budget_ms > 0 else 0.0

    def __repr__(self) -> str:
        return (f"FrameReport({list.__repr__(self)}, budget_ms={self.budget_ms}, "
                f"elapsed_ms={self.elapsed_ms:.3f}, cpu_ms={self.cpu_ms:.3f})")
