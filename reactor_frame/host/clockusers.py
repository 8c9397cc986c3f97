"""Which open reactors run on which clock (a VirtualClock may be shared:
restoring one reactor's snapshot would then move the others' time too)."""

from __future__ import annotations

import weakref
from typing import Any

_users: "weakref.WeakSet[Any]" = weakref.WeakSet()


def register(reactor: Any) -> None:
    """Count ``reactor`` among its clock's users while it is open."""
    _users.add(reactor)


def reactors_on_clock(clock: object) -> int:
    """How many open reactors run on ``clock``."""
    return sum(1 for r in list(_users) if r.clock is clock and not r.closed)
