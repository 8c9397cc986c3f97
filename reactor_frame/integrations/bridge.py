"""``InputBridge``: forward pygame input events into guests."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Union

from .pgimport import pygame

from ..host.reactor import Reactor
from ..scheduling.frame import FrameScheduler
from .events import EventKind

__all__ = ["InputBridge", "PointMap", "Pushed", "Target"]

#: Where a bridge pushes: one reactor, a FrameScheduler's reactors, or any
#: collection of reactors.
Target = Union[Reactor, FrameScheduler, Iterable[Reactor]]
#: Maps window coordinates to guest coordinates.
PointMap = Callable[[float, float], "tuple[float, float]"]
#: One event as pushed: (kind, a, b, x, y).
Pushed = tuple[EventKind, int, int, float, float]

_WHEEL_BUTTONS = (4, 5)  # pygame 2 reports the wheel as these buttons too
_BUTTON_BITS = (1, 2, 4)  # left, middle, right in MOUSE_MOVE's A


class InputBridge:
    """Forward pygame keyboard, mouse and window events into guests.

    Each event is translated (see :mod:`reactor_frame.integrations.events`)
    and pushed with ``reactor.events.push(kind, a, b, x, y)`` into every
    reactor of ``target`` that is still running. ``to_guest`` maps window
    coordinates to the guest's; by default they pass unchanged.

    With ``coalesce_motion`` (the default) pointer motion is not pushed at
    once: only the last motion before :meth:`flush` is, so a guest gets at
    most one MOUSE_MOVE per frame. :class:`GameLoop` flushes before each step.
    """

    def __init__(self, target: Target, *, to_guest: PointMap | None = None,
                 coalesce_motion: bool = True) -> None:
        if not isinstance(target, (Reactor, FrameScheduler)):
            target = list(target)
            if not all(isinstance(r, Reactor) for r in target):
                raise TypeError("InputBridge target must be a Reactor, a FrameScheduler "
                                "or an iterable of reactors")
        self.target = target
        self.to_guest = to_guest
        self.coalesce_motion = coalesce_motion
        self.pushed = 0
        """Events the guests accepted (counted once per reactor)."""
        self.dropped = 0
        """Events a guest refused because its event queue was full."""
        self._pointer = (0.0, 0.0)
        self._motion: Pushed | None = None

    def reactors(self) -> list[Reactor]:
        """The reactors events go to now: those not closed and not exited."""
        target = self.target
        if isinstance(target, Reactor):
            every = [target]
        elif isinstance(target, FrameScheduler):
            every = target.reactors
        else:
            every = target
        return [r for r in every if not r.closed and not r.done]

    def translate(self, event: pygame.event.Event) -> Pushed | None:
        """The push for ``event``, or None when it is not input to forward."""
        kind = event.type
        if kind in (pygame.KEYDOWN, pygame.KEYUP):
            code = EventKind.KEY_DOWN if kind == pygame.KEYDOWN else EventKind.KEY_UP
            return (code, int(event.key), int(getattr(event, "mod", 0)), 0.0, 0.0)
        if kind == pygame.MOUSEMOTION:
            x, y = self._point(event.pos)
            held = getattr(event, "buttons", (0, 0, 0))
            mask = sum(bit for bit, down in zip(_BUTTON_BITS, held) if down)
            return (EventKind.MOUSE_MOVE, mask, 0, x, y)
        if kind in (pygame.MOUSEBUTTONDOWN, pygame.MOUSEBUTTONUP):
            if event.button in _WHEEL_BUTTONS:
                return None
            x, y = self._point(event.pos)
            code = EventKind.MOUSE_DOWN if kind == pygame.MOUSEBUTTONDOWN else EventKind.MOUSE_UP
            return (code, int(event.button), 0, x, y)
        if kind == pygame.MOUSEWHEEL:
            x, y = self._pointer
            return (EventKind.MOUSE_WHEEL, int(event.x), int(event.y), x, y)
        if kind == pygame.VIDEORESIZE:
            return (EventKind.WINDOW_RESIZE, int(event.w), int(event.h), 0.0, 0.0)
        return None

    def handle(self, event: pygame.event.Event) -> bool:
        """Forward ``event`` if it is input; returns whether it was."""
        pushed = self.translate(event)
        if pushed is None:
            return False
        if pushed[0] == EventKind.MOUSE_MOVE and self.coalesce_motion:
            self._motion = pushed
            return True
        self.flush()  # keep the order: a pending motion came first
        self.push(*pushed)
        return True

    def flush(self) -> None:
        """Push the pending pointer motion, if any."""
        motion, self._motion = self._motion, None
        if motion is not None:
            self.push(*motion)

    def push(self, kind: int, a: int = 0, b: int = 0, x: float = 0.0, y: float = 0.0) -> int:
        """Push one event into every running reactor; returns how many took it."""
        accepted = 0
        for reactor in self.reactors():
            if reactor.events.push(kind, a, b, x, y):
                accepted += 1
            else:
                self.dropped += 1
        self.pushed += accepted
        return accepted

    def _point(self, pos: tuple[float, float]) -> tuple[float, float]:
        x, y = float(pos[0]), float(pos[1])
        if self.to_guest is not None:
            x, y = self.to_guest(x, y)
        self._pointer = (x, y)
        return x, y
