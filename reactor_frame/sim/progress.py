"""Progress lines for long sweeps."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable

#: ``progress=`` of :func:`~reactor_frame.sim.sweep`: None (automatic), a
#: bool, or a callable receiving (runs done, runs in all, runs failed).
ProgressSpec = bool | None | Callable[[int, int, int], None]

#: Seconds a sweep runs before the automatic progress line appears.
_QUIET_S = 2.0


class Progress:
    """Reports runs done. Automatic mode writes one updating line to stderr,
    only on a terminal and only once the sweep has run for a while."""

    def __init__(self, spec: ProgressSpec, total: int) -> None:
        self.total = total
        self.done = 0
        self.failed = 0
        self._started = time.monotonic()
        self._callback = spec if callable(spec) else None
        if spec is None:
            self._line = sys.stderr.isatty()
        else:
            self._line = spec is True
        self._quiet_until = self._started + (_QUIET_S if spec is None else 0.0)
        self._shown = False

    def add(self, runs: int, failed: int) -> None:
        self.done += runs
        self.failed += failed
        if self._callback is not None:
            self._callback(self.done, self.total, self.failed)
        if self._line and time.monotonic() >= self._quiet_until:
            elapsed = time.monotonic() - self._started
            sys.stderr.write(f"\rsweep: {self.done}/{self.total} runs, {self.failed} failed, "
                             f"{elapsed:.1f} s")
            sys.stderr.flush()
            self._shown = True

    def close(self) -> None:
        if self._shown:
            sys.stderr.write("\n")
            sys.stderr.flush()
