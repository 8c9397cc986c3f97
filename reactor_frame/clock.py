"""Clocks a reactor can live in: the real monotonic clock, or a virtual one
that only the host moves.

A guest on a :class:`VirtualClock` sees its time in ``time.Now``,
``time.Since``, timers and tickers; its timers fire when the host advances the
clock past them, and ``run()`` jumps straight to each next timer instead of
sleeping, so a simulation can fast-forward and replay exactly. All values are
integer nanoseconds (``*_ns``) unless a name says ``_ms``.
"""

from __future__ import annotations

import asyncio
import math
import numbers
import time

__all__ = ["Clock", "RealClock", "VirtualClock"]

_INT64_MAX = (1 << 63) - 1


class Clock:
    """What a reactor asks of its clock. Subclasses: RealClock, VirtualClock."""

    def now_ns(self) -> int:
        """Monotonic time in ns on this clock."""
        raise NotImplementedError

    def wait_ns(self, ns: int) -> None:
        """Let ``ns`` nanoseconds pass on this clock (sleep, or jump)."""
        raise NotImplementedError

    async def wait_ns_async(self, ns: int) -> None:
        """``wait_ns`` for asyncio: never blocks the event loop."""
        raise NotImplementedError


class RealClock(Clock):
    """The host's monotonic clock (``time.monotonic_ns``); the default."""

    def now_ns(self) -> int:
        return time.monotonic_ns()

    def wait_ns(self, ns: int) -> None:
        time.sleep(max(0, ns) / 1e9)

    async def wait_ns_async(self, ns: int) -> None:
        await asyncio.sleep(max(0, ns) / 1e9)


class VirtualClock(Clock):
    """A clock that stands still until the host advances it.

    It starts at a fixed, non-zero instant (the Go runtime refuses a monotonic
    clock that reads zero), so two runs from a fresh clock see the same times.
    One virtual clock can be shared by several reactors; they then live in
    one simulated time.

    Time stops at :meth:`limit_ns` (around the year 2262): advancing further
    saturates there, so both clocks always fit Go's int64 nanoseconds.
    """

    #: Monotonic start: 1 s (any non-zero constant would do).
    DEFAULT_START_NS = 1_000_000_000
    #: Wall-clock start: 2026-01-01T00:00:00Z.
    DEFAULT_WALL_START_NS = 1_767_225_600 * 1_000_000_000

    def __init__(self, start_ns: int = DEFAULT_START_NS,
                 wall_start_ns: int = DEFAULT_WALL_START_NS) -> None:
        if start_ns <= 0:
            raise ValueError("start_ns must be > 0: the Go runtime rejects a clock that reads 0")
        self._now_ns = int(start_ns)
        self._wall_offset_ns = int(wall_start_ns) - int(start_ns)
        self.generation = 0
        """Incremented on every change, so reactors know when to publish the time."""

    def now_ns(self) -> int:
        return self._now_ns

    def wall_ns(self) -> int:
        """Virtual wall-clock time, ns since the Unix epoch."""
        return self._now_ns + self._wall_offset_ns

    def limit_ns(self) -> int:
        """The latest instant this clock can reach: the one at which its
        monotonic or its wall-clock reading hits the int64 maximum."""
        return _INT64_MAX - max(0, self._wall_offset_ns)
    def wait_ns(self, ns: int) -> None:
        """Jump ``ns`` forward: on virtual time waiting takes no time."""
        self.advance_ns(ns)

    async def wait_ns_async(self, ns: int) -> None:
        self.advance_ns(ns)
        await asyncio.sleep(0)

    def advance(self, ms: float) -> None:
        """Move time forward by ``ms`` milliseconds (rounded to whole ns)."""
        self.advance_ns(round(check_ms("ms", ms) * 1_000_000))

    def advance_ns(self, ns: int) -> None:
        """Move time forward by ``ns`` nanoseconds."""
        if not isinstance(ns, numbers.Integral) or isinstance(ns, bool):
            raise ValueError(f"advance_ns takes whole nanoseconds (an int), not {ns!r}")
        if ns < 0:
            raise ValueError(f"a clock cannot go back (advance_ns({ns}))")
        if ns:
            self.advance_to_ns(self._now_ns + int(ns))

    def set_time_ns(self, now_ns: int, wall_ns: int | None = None) -> None:
        """Put the clock at ``now_ns`` (and wall time at ``wall_ns``; without
        it, wall time keeps its offset), backwards too: for restoring
        snapshots. Every reactor on this clock sees the change."""
        if now_ns <= 0:
            raise ValueError("now_ns must be > 0: the Go runtime rejects a clock that reads 0")
        if wall_ns is not None:
            self._wall_offset_ns = int(wall_ns) - int(now_ns)
        self._now_ns = int(now_ns)
        self.generation += 1

    def advance_to_ns(self, t_ns: int) -> None:
        """Move time forward to ``t_ns`` (at most :meth:`limit_ns`); no effect
        if already past it."""
        t_ns = min(t_ns, self.limit_ns())
        if t_ns > self._now_ns:
            self._now_ns = t_ns
            self.generation += 1


def check_ms(name: str, value: float) -> float:
    """``value`` if it is a finite number of milliseconds >= 0, else a
    ``ValueError`` naming ``name``."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) \
            or not math.isfinite(value) or value < 0:
        raise ValueError(f"{name} must be >= 0 and finite (milliseconds), not {value!r}")
    return value
