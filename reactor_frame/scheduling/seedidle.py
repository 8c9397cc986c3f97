"""Seed-ABI binaries: never trust a lone -1.

``go_tick`` of binaries from the seed's forked toolchain runs one pass of the
scheduler and then reports -1 whatever remains (runnable goroutines, timers).
Binaries without the control block are therefore ticked on after -1: a step
calls ``go_tick`` on every frame until the program exits, and ``run()`` keeps
ticking, pausing between ticks that report -1 with a pause that grows from
``FIRST_PAUSE_NS`` to ``MAX_PAUSE_NS`` (so a hidden timer fires at most that
late) and restarts after a tick that worked.

A main that blocks forever never exits, and on the seed ABI nothing tells
it apart from one still working. ``run()`` ends (returning 0, ``exit_code``
None) once the ticks have reported -1 for ``idle_timeout_s`` on the reactor's
clock with none of them working. A tick "worked" when it took at least
``WORK_NS`` of wall time or the guest wrote output during it; a pass with
nothing to run takes a few microseconds.
"""

from __future__ import annotations

import math
from time import perf_counter_ns
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..host.reactor import Reactor

#: Default for ``Reactor.run(idle_timeout_s=...)`` on seed-ABI binaries.
DEFAULT_IDLE_TIMEOUT_S = 1.0
FIRST_PAUSE_NS = 100_000
MAX_PAUSE_NS = 10_000_000
#: A tick at least this long (wall) ran goroutines.
WORK_NS = 200_000


def check_idle_timeout(idle_timeout_s: float) -> float:
    """``idle_timeout_s`` if it is a positive number of seconds, else ValueError."""
    if isinstance(idle_timeout_s, bool) or not isinstance(idle_timeout_s, (int, float)) \
            or not 0 < idle_timeout_s <= math.inf:
        raise ValueError(f"idle_timeout_s must be a positive number of seconds (math.inf: "
                         f"never give up), not {idle_timeout_s!r}")
    return idle_timeout_s


class SeedIdle:
    """Tracks a seed binary's run of -1 results: ``tick()`` makes one timed
    ``go_tick``; ``given_up()`` says when the idle timeout has passed;
    ``pause()`` waits (on the reactor's clock) before the next tick."""

    def __init__(self, r: "Reactor", idle_timeout_s: float) -> None:
        self._r = r
        timeout = check_idle_timeout(idle_timeout_s)
        self._timeout_ns = None if timeout == math.inf else int(timeout * 1e9)
        self._since_ns: int | None = None
        self._pause_ns = FIRST_PAUSE_NS

    def tick(self) -> int:
        """One ``loop_once``, noting whether it worked."""
        written = self._r.output_written_bytes
        started = perf_counter_ns()
        result = self._r.loop_once()
        self.note(result, self.worked(perf_counter_ns() - started, written))
        return result

    def worked(self, elapsed_ns: int, written_before: int) -> bool:
        """Whether a tick (or step) that took ``elapsed_ns`` ran goroutines:
        it took at least ``WORK_NS`` or the guest wrote output since
        ``output_written_bytes`` was ``written_before``."""
        return elapsed_ns >= WORK_NS or self._r.output_written_bytes != written_before

    def note(self, result: int, worked: bool) -> None:
        """Record a tick's (or step's) result and whether it ran goroutines."""
        if result != -1 or worked:
            self._since_ns = None
            self._pause_ns = FIRST_PAUSE_NS
        elif self._since_ns is None:
            self._since_ns = self._r.clock.now_ns()

    def given_up(self) -> bool:
        """Whether the -1s have lasted ``idle_timeout_s`` without work."""
        since, limit = self._since_ns, self._timeout_ns
        return since is not None and limit is not None and self._r.clock.now_ns() - since >= limit

    def pause(self) -> None:
        """Wait before ticking again after a -1, longer each time."""
        self._r.clock.wait_ns(self.pause_ns())

    def pause_ns(self) -> int:
        """The pause to make now before ticking again (each one longer)."""
        pause = self._pause_ns
        self._pause_ns = min(MAX_PAUSE_NS, pause * 2)
        return pause
