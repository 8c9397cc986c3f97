"""Pushing input events to a guest that uses ``reactorframe/guest``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..errors import InteropError
from .guestabi import PUSH_EVENT

if TYPE_CHECKING:
    from ..host.reactor import Reactor


class GuestEvents:
    """The guest's input queue (``Reactor.events``): each push is one guest
    call that does a non-blocking send into the channel ``guest.Events()``
    returns, and wakes the guest for the next step."""

    def __init__(self, reactor: "Reactor") -> None:
        if PUSH_EVENT not in reactor.exports:
            raise InteropError(
                f"{reactor.name} does not use the reactorframe/guest package (it has no "
                f"{PUSH_EVENT} export): import \"reactorframe/guest\" in the Go program, "
                "receive from guest.Events(), and build it with reactor-frame build"
            )
        self._push = reactor.exports[PUSH_EVENT]
        self.dropped = 0
        """Pushes that found the queue full (``guest.EventQueueSize``, 256,
        events waiting)."""

    def push(self, kind: int, a: int = 0, b: int = 0, x: float = 0.0, y: float = 0.0) -> bool:
        """Queue ``Event{Kind: kind, A: a, B: b, X: x, Y: y}`` (int32 and
        float32 fields). Returns False, dropping the event, when the queue is
        full."""
        if self._push(kind, a, b, x, y):
            return True
        self.dropped += 1
        return False
