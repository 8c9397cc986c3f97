"""The watchdog's message on a virtual clock: time stands still inside a
guest call there, so a loop that waits for time to pass never ends. Say so."""

from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import Protocol

from ..errors import ReactorTimeoutError

VIRTUAL_TIME_HINT = (
    " This reactor runs on a VirtualClock, where time does not pass during a guest call: a "
    "loop that waits for time.Now or time.Since to advance never ends there. Wait with "
    "time.Sleep, a timer or a ticker instead; virtual time moves between steps "
    "(step(..., advance_ms=...)) or when the guest sleeps.")


class _OnClock(Protocol):
    @property
    def virtual_time(self) -> bool: ...


def with_virtual_time_hint(emit: Callable[[BaseException], object],
                           reactor: _OnClock) -> Callable[[BaseException], object]:
    """``emit``, after adding :data:`VIRTUAL_TIME_HINT` to the message of a
    watchdog timeout on a reactor running on virtual time. Holds the reactor
    weakly: the callback lives in the reactor's own guest instance, and a
    cycle would keep a dropped reactor's store alive until a GC pass."""
    owner = weakref.ref(reactor)

    def on_error(exc: BaseException) -> object:
        current = owner()
        if (isinstance(exc, ReactorTimeoutError) and current is not None
                and current.virtual_time and exc.args):
            exc.args = (str(exc.args[0]) + VIRTUAL_TIME_HINT, *exc.args[1:])
        return emit(exc)
    return on_error
