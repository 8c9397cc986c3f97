"""The interop views a reactor hands out (``exports``, ``mem``, ``events``),
each made on first use and dropped when the reactor closes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from .events import GuestEvents
from .exports import GuestExports
from .memory import GuestMemoryView

_V = TypeVar("_V")


class InteropViews:
    """Mixed into ``Reactor``: lazily made views of its guest."""

    _views: dict[str, object]

    def check_open(self) -> None:
        raise NotImplementedError

    def _view(self, key: str, make: Callable[[Any], _V]) -> _V:
        self.check_open()
        views = self.__dict__.setdefault("_views", {})
        view = views.get(key)
        if view is None:
            view = views[key] = make(self)
        return view  # type: ignore[no-any-return]

    def forget_views(self) -> None:
        """Drop the views made so far (on close)."""
        self.__dict__.pop("_views", None)

    @property
    def exports(self) -> GuestExports:
        """The guest's own exports as Python callables (``r.exports.name(...)``);
        a call wakes the guest on the next step."""
        return self._view("exports", GuestExports)

    @property
    def mem(self) -> GuestMemoryView:
        """Read, write and view guest memory (see :class:`GuestMemoryView`)."""
        return self._view("mem", GuestMemoryView)

    @property
    def events(self) -> GuestEvents:
        """Push input events to a guest that uses ``reactorframe/guest``
        (``r.events.push(kind, a, b, x, y)``); a push wakes the guest."""
        return self._view("events", GuestEvents)
