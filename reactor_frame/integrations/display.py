"""Knowing whether a window can be shown before opening one.

On Linux without a display server, SDL silently falls back to an off-screen
video driver: a pygame program then runs unseen, perhaps forever. Call
:func:`require_display` before ``pygame.display.set_mode`` to fail at once
with a message that says what to do instead. Does not import pygame.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping

from ..errors import ReactorError

__all__ = ["NoDisplayError", "has_display", "require_display"]

DEFAULT_HINT = "run headless instead (for the demo: reactor-frame demo --headless --frames 300 " \
               "--screenshot out.png)"


class NoDisplayError(ReactorError):
    """Raised by :func:`require_display` when no window could be seen."""


def has_display(environ: Mapping[str, str] | None = None, platform: str | None = None) -> bool:
    """Whether a window would be visible: always on Windows and macOS; on
    other systems when ``DISPLAY`` or ``WAYLAND_DISPLAY`` is set, or when
    ``SDL_VIDEODRIVER`` chooses a driver explicitly (the user decided)."""
    env = os.environ if environ is None else environ
    system = sys.platform if platform is None else platform
    if system.startswith(("win", "darwin", "cygwin")):
        return True
    return any(env.get(name) for name in ("DISPLAY", "WAYLAND_DISPLAY", "SDL_VIDEODRIVER"))


def require_display(hint: str = DEFAULT_HINT, environ: Mapping[str, str] | None = None,
                    platform: str | None = None) -> None:
    """Raise :class:`NoDisplayError` saying so, and ``hint``, when
    :func:`has_display` is False."""
    if not has_display(environ, platform):
        raise NoDisplayError(
            "no display to open a window on (DISPLAY and WAYLAND_DISPLAY are unset, and "
            f"SDL_VIDEODRIVER does not choose a driver): {hint}. To show a window anyway, "
            "set DISPLAY (e.g. under Xvfb) or SDL_VIDEODRIVER")
