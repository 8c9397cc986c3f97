"""``pygame``, imported without breaking guest traps.

Importing pygame (pygame-ce 2.5) re-installs the SIGSEGV and SIGFPE handlers
it finds without ``SA_SIGINFO``; when those are wasmtime's, the next guest
trap aborts the process. The integrations import pygame from here, inside
:func:`~reactor_frame.host.traphandlers.keep_trap_handlers`.
"""

from __future__ import annotations

from ..host.traphandlers import keep_trap_handlers

with keep_trap_handlers():
    import pygame

__all__ = ["pygame"]
