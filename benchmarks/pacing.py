"""A fixed-rate frame loop with a precise sleep until each frame deadline."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

#: Sleep until this long before a deadline, then spin: OS sleeps overshoot.
SPIN_NS = 1_500_000


def sleep_until(deadline_ns: int) -> None:
    """Return as close after ``deadline_ns`` (perf_counter) as possible."""
    remaining = deadline_ns - time.perf_counter_ns()
    if remaining > SPIN_NS:
        time.sleep((remaining - SPIN_NS) / 1e9)
    while time.perf_counter_ns() < deadline_ns:
        pass


@dataclass
class PacedRun:
    """What a paced loop achieved."""

    frames: int
    seconds: float
    work_ms: list[float] = field(default_factory=list)
    """Wall time of each frame's work."""
    late_ms: list[float] = field(default_factory=list)
    """How late each frame started after its deadline."""

    @property
    def fps(self) -> float:
        return self.frames / self.seconds if self.seconds else 0.0


def paced_loop(frame: Callable[[], object], fps: float, frames: int) -> PacedRun:
    """Call ``frame`` ``frames`` times, one frame every ``1/fps`` s."""
    period = round(1e9 / fps)
    run = PacedRun(frames, 0.0)
    start = deadline = time.perf_counter_ns()
    for _ in range(frames):
        now = time.perf_counter_ns()
        run.late_ms.append((now - deadline) / 1e6)
        frame()
        run.work_ms.append((time.perf_counter_ns() - now) / 1e6)
        deadline += period
        sleep_until(deadline)
    run.seconds = (time.perf_counter_ns() - start) / 1e9
    return run
