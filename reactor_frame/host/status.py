"""Read-only facts about a reactor's state, for scheduling and user code.

A mixin of :class:`~reactor_frame.Reactor`, kept apart so the facade stays
small; it reads only the reactor's own fields.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .instance import ReactorState

if TYPE_CHECKING:
    from .instance import GuestInstance


class ReactorStatus:
    """State, exit code and whether main started."""

    _guest: "GuestInstance"
    _main_started: bool

    @property
    def state(self) -> ReactorState:
        """Running, exited or closed."""
        return self._guest.state

    @property
    def exit_code(self) -> int | None:
        """None while the guest runs; its exit code once it exited (0: main returned)."""
        return self._guest.exit_code

    @property
    def closed_reason(self) -> str:
        """What a use of this reactor after it closed is told."""
        return self._guest.closed_reason

    @property
    def main_started(self) -> bool:
        """Whether ``start_main`` ran."""
        return self._main_started
