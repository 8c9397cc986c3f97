"""``GuestMemoryView``: bounds-checked access to a reactor's linear memory.

Reactors run on an engine whose memories never move (``memory_may_move``
off), so the host address of guest memory is fixed for the life of the
store; only its length grows. The view reads the length at each access and
re-derives its whole-memory buffer when the length changed, so addresses the
guest allocated in the last frame are reachable at once. Views handed out
(``view``, ``array``) cover a fixed range and stay valid while memory grows,
but not after the reactor is closed: the memory is then unmapped, and using
such a view may crash the process.
"""

from __future__ import annotations

import ctypes
from typing import TYPE_CHECKING, Any

from .._wasmtime import MemorySize, memory_base
from ..errors import InteropError
from .optional import require_numpy

if TYPE_CHECKING:
    from ..host.reactor import Reactor


class GuestMemoryView:
    """Read, write and view the guest's linear memory (``Reactor.mem``).

    Addresses are guest addresses (what Go's pointers hold). Every access is
    checked against the memory's current size and raises
    :class:`InteropError` when out of range.
    """

    def __init__(self, reactor: "Reactor") -> None:
        store = reactor.store
        self._reactor = reactor
        self._size = MemorySize(store, reactor.memory)
        self._base: int = memory_base(store, reactor.memory)
        self._whole: memoryview | None = None

    @property
    def size(self) -> int:
        """The memory's current length in bytes."""
        self._reactor.check_open()
        return self._size.size()

    @property
    def address(self) -> int:
        """The host address of guest address 0 (fixed; for ctypes users)."""
        return self._base

    def _check(self, ptr: int, n: int, what: str) -> int:
        size = self.size
        if ptr < 0 or n < 0 or ptr + n > size:
            if n < 0:
                problem = "a negative length"
            elif ptr < 0:
                problem = "a negative address"
            else:
                problem = f"it ends {ptr + n - size} bytes past the end of guest memory ({size} bytes)"
            raise InteropError(
                f"{self._reactor.name}: cannot {what} {n} bytes at address {ptr:#x}: {problem}"
            )
        return size

    def _buffer(self, size: int) -> memoryview:
        whole = self._whole
        if whole is None or whole.nbytes != size:
            whole = self._whole = memoryview((ctypes.c_ubyte * size).from_address(self._base)).cast("B")
        return whole

    # ------------------------------------------------------------- bytes --
    def read_bytes(self, ptr: int, n: int) -> bytes:
        """A copy of ``n`` bytes at ``ptr``."""
        self._check(ptr, n, "read")
        return ctypes.string_at(self._base + ptr, n)

    def write_bytes(self, ptr: int, data: Any) -> int:
        """Copy ``data`` (any contiguous buffer) to ``ptr``; returns its size."""
        src = memoryview(data).cast("B")
        n = src.nbytes
        size = self._check(ptr, n, "write")
        self._buffer(size)[ptr:ptr + n] = src
        return n

    def read_str(self, ptr: int, n: int, encoding: str = "utf-8", errors: str = "strict") -> str:
        """Decode ``n`` bytes at ``ptr`` (a Go string's data and length)."""
        return self.read_bytes(ptr, n).decode(encoding, errors)

    def write_str(self, ptr: int, text: str, encoding: str = "utf-8") -> int:
        """Encode ``text`` to ``ptr``; returns the number of bytes written."""
        return self.write_bytes(ptr, text.encode(encoding))

    # ------------------------------------------------------------- views --
    def view(self, ptr: int, n: int) -> memoryview:
        """A writable, zero-copy memoryview of ``n`` bytes at ``ptr``."""
        size = self._check(ptr, n, "view")
        return self._buffer(size)[ptr:ptr + n]

    def array(self, ptr: int, count: int, dtype: Any = "u1") -> Any:
        """A writable, zero-copy numpy array of ``count`` items of ``dtype``
        at ``ptr`` (needs numpy)."""
        np = require_numpy("GuestMemoryView.array")
        dt = np.dtype(dtype)
        if count < 0:
            raise InteropError(f"{self._reactor.name}: array count must be >= 0, not {count}")
        return np.frombuffer(self.view(ptr, count * dt.itemsize), dtype=dt)

    def __repr__(self) -> str:
        state = "closed" if self._reactor.closed else f"{self.size} bytes"
        return f"<GuestMemoryView of {self._reactor.name!r}: {state}>"
