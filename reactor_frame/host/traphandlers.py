"""Keep wasmtime's trap handlers when other code installs its own.

wasmtime turns a guest's out-of-bounds access, division by zero or stack
overflow into a ``Trap`` by handling SIGSEGV, SIGBUS, SIGILL and SIGFPE. A
library that installs its own handlers for those signals afterwards (a Ray
driver's ``ray.init()`` does) takes them over, and the next guest trap kills
the process. Wrap such a call in :func:`keep_trap_handlers`::

    with keep_trap_handlers():
        ray.init()

The handlers in place on entry are put back on exit, exactly as they were
(libc ``sigaction``, so handlers installed by native code are kept too).
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import signal
import sys
from collections.abc import Iterator

import wasmtime

__all__ = ["TRAP_SIGNALS", "keep_trap_handlers"]

#: The signals wasmtime handles to turn guest faults into traps.
TRAP_SIGNALS: tuple[int, ...] = tuple(
    int(getattr(signal, name)) for name in ("SIGSEGV", "SIGBUS", "SIGILL", "SIGFPE")
    if hasattr(signal, name)
)

#: Larger than ``struct sigaction`` on every libc this runs on (glibc: 152
#: bytes on 64-bit targets, musl and macOS less); the bytes are only copied.
_SIGACTION_BYTES = 512


def _libc() -> ctypes.CDLL | None:
    if sys.platform == "win32":
        return None
    libc = ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)
    libc.sigaction.argtypes = [ctypes.c_int, ctypes.c_void_p, ctypes.c_void_p]
    libc.sigaction.restype = ctypes.c_int
    return libc


@contextlib.contextmanager
def keep_trap_handlers() -> Iterator[None]:
    """Save the process's handlers for :data:`TRAP_SIGNALS` on entry and
    restore them on exit (also when the body raises).

    wasmtime installs its handlers when the first engine is created, so one
    is created first if none exists yet. On Windows (no such signals) this
    does nothing.
    """
    libc = _libc()
    if libc is None:
        yield
        return
    wasmtime.Engine()  # makes sure wasmtime's handlers are the ones saved
    saved: list[tuple[int, ctypes.Array[ctypes.c_char]]] = []
    for signum in TRAP_SIGNALS:
        buf = ctypes.create_string_buffer(_SIGACTION_BYTES)
        if libc.sigaction(signum, None, buf) != 0:
            raise OSError(ctypes.get_errno(), f"sigaction({signum}) could not be read")
        saved.append((signum, buf))
    try:
        yield
    finally:
        for signum, buf in saved:
            if libc.sigaction(signum, buf, None) != 0:
                raise OSError(ctypes.get_errno(), f"sigaction({signum}) could not be restored")
