"""Input event kinds pushed into guests with ``reactor.events.push``.

A guest receives each as a ``guest.Event{Kind, A, B, X, Y}`` from
``guest.Events()``. The meaning of the fields per kind:

=============  ==========================  ==========================  ================
kind           A                           B                           X, Y
=============  ==========================  ==========================  ================
KEY_DOWN       key code (SDL, pygame.K_*)  modifier bits (KMOD_*)      0
KEY_UP         key code                    modifier bits               0
MOUSE_MOVE     buttons held (bit 0 left,   0                           pointer position
               bit 1 middle, bit 2 right)
MOUSE_DOWN     button (1 left, 2 middle,   0                           pointer position
               3 right, 6+ extra)
MOUSE_UP       button                      0                           pointer position
MOUSE_WHEEL    horizontal steps            vertical steps (up > 0)     pointer position
WINDOW_RESIZE  new width                   new height                  0
=============  ==========================  ==========================  ================

Kinds from ``USER`` up are free for an application's own events. The Go
package exports the same kinds (``guest.KindKeyDown``, ``guest.KindMouseDown``...).
"""

from __future__ import annotations

import enum

__all__ = [
    "BUTTON_LEFT", "BUTTON_MIDDLE", "BUTTON_RIGHT", "EventKind", "KEY_DOWN", "KEY_UP",
    "MOUSE_DOWN", "MOUSE_MOVE", "MOUSE_UP", "MOUSE_WHEEL", "USER", "WINDOW_RESIZE",
]


class EventKind(enum.IntEnum):
    """The ``Kind`` of a pushed event."""

    KEY_DOWN = 1
    KEY_UP = 2
    MOUSE_MOVE = 3
    MOUSE_DOWN = 4
    MOUSE_UP = 5
    MOUSE_WHEEL = 6
    WINDOW_RESIZE = 7
    USER = 1000
    """The first kind reserved for applications."""


KEY_DOWN = EventKind.KEY_DOWN
KEY_UP = EventKind.KEY_UP
MOUSE_MOVE = EventKind.MOUSE_MOVE
MOUSE_DOWN = EventKind.MOUSE_DOWN
MOUSE_UP = EventKind.MOUSE_UP
MOUSE_WHEEL = EventKind.MOUSE_WHEEL
WINDOW_RESIZE = EventKind.WINDOW_RESIZE
USER = EventKind.USER

#: Mouse button numbers in MOUSE_DOWN/MOUSE_UP (as SDL and pygame number them).
BUTTON_LEFT, BUTTON_MIDDLE, BUTTON_RIGHT = 1, 2, 3
