"""Keep wasmtime's trap handlers when other code installs its own.

wasmtime turns a guest's out-of-bounds access, division by zero or stack
overflow into a ``Trap`` by handling SIGSEGV, SIGBUS, SIGILL and SIGFPE. A
library that installs its own handlers for those signals afterwards takes
them over, and the next guest trap kills the process. Two are known:

* a Ray driver's ``ray.init()`` installs its own handlers;
* importing pygame (pygame-ce 2.5: ``pygame.base``) re-installs wasmtime's
  SIGSEGV and SIGFPE handlers *without* ``SA_SIGINFO``, so wasmtime's handler
  reads a garbage fault address and aborts the process ("Wasmtime caught a
  segfault ... not known to any linear memory").

Wrap such a call in :func:`keep_trap_handlers`::

    with keep_trap_handlers():
        ray.init()

The handlers in place on entry are put back on exit, exactly as they were
(libc ``sigaction``, so handlers installed by native code are kept too).
As a safety net, every new reactor (and every ``GameLoop``) calls
:func:`restore_trap_handlers`, which puts back the handlers wasmtime
installed if anything changed them since.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import functools
import signal
import sys
import threading
from collections.abc import Iterator

import wasmtime

__all__ = ["TRAP_SIGNALS", "keep_trap_handlers", "restore_trap_handlers"]

#: The signals wasmtime handles to turn guest faults into traps.
TRAP_SIGNALS: tuple[int, ...] = tuple(
    int(getattr(signal, name)) for name in ("SIGSEGV", "SIGBUS", "SIGILL", "SIGFPE")
    if hasattr(signal, name)
)

#: Larger than ``struct sigaction`` on every libc this runs on (glibc: 152
#: bytes on 64-bit targets, musl and macOS less); the bytes are only copied.
_SIGACTION_BYTES = 512
_SA_RESTORER = 0x0400_0000


@functools.lru_cache(maxsize=None)
def _libc() -> ctypes.CDLL | None:
    if sys.platform == "win32":
        return None
    libc = ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)
    libc.sigaction.argtypes = [ctypes.c_int, ctypes.c_void_p, ctypes.c_void_p]
    libc.sigaction.restype = ctypes.c_int
    return libc


def _read(libc: ctypes.CDLL) -> list[tuple[int, ctypes.Array[ctypes.c_char]]]:
    saved = []
    for signum in TRAP_SIGNALS:
        buf = ctypes.create_string_buffer(_SIGACTION_BYTES)
        if libc.sigaction(signum, None, buf) != 0:
            raise OSError(ctypes.get_errno(), f"sigaction({signum}) could not be read")
        saved.append((signum, buf))
    return saved


def _write(libc: ctypes.CDLL, saved: list[tuple[int, ctypes.Array[ctypes.c_char]]]) -> None:
    for signum, buf in saved:
        if libc.sigaction(signum, buf, None) != 0:
            raise OSError(ctypes.get_errno(), f"sigaction({signum}) could not be restored")


def _meaning(buf: ctypes.Array[ctypes.c_char]) -> bytes:
    """The bytes of a ``struct sigaction`` that say what happens: the handler,
    the signal mask the kernel keeps and the flags (glibc leaves the rest of
    its 128-byte mask unwritten, so it is not compared)."""
    raw = buf.raw
    if sys.platform.startswith("linux"):
        # handler, kernel mask; sa_flags (64-bit glibc/musl) without
        # SA_RESTORER, which libc adds to every handler it installs.
        flags = int.from_bytes(raw[136:140], "little") & ~_SA_RESTORER
        return raw[:16] + flags.to_bytes(4, "little")
    return raw[:16]  # macOS and the BSDs: handler, mask, flags


#: wasmtime's handlers as installed with the first engine (read once).
_wasmtime_handlers: list[tuple[int, ctypes.Array[ctypes.c_char]]] | None = None
_remember_lock = threading.Lock()


def _remember(libc: ctypes.CDLL) -> list[tuple[int, ctypes.Array[ctypes.c_char]]]:
    global _wasmtime_handlers
    with _remember_lock:
        if _wasmtime_handlers is None:
            wasmtime.Engine()  # the first engine installs wasmtime's handlers
            _wasmtime_handlers = _read(libc)
        return _wasmtime_handlers


def restore_trap_handlers() -> bool:
    """Put wasmtime's trap handlers back if other code changed them since
    wasmtime installed them; True when something was put back. Costs four
    ``sigaction`` reads when nothing changed. On Windows it does nothing.

    The first call records wasmtime's handlers; it must run before other
    code takes them over (reactor-frame calls it when a reactor is made)."""
    libc = _libc()
    if libc is None:
        return False
    wanted = _remember(libc)
    current = _read(libc)
    changed = [(signum, buf) for (signum, buf), (_, now) in zip(wanted, current)
               if _meaning(buf) != _meaning(now)]
    if changed:
        _write(libc, changed)
    return bool(changed)


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
    _remember(libc)  # makes sure wasmtime's handlers are installed (and known)
    saved = _read(libc)
    try:
        yield
    finally:
        _write(libc, saved)
