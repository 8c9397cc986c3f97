"""A fast ``fd_write`` for stdout and stderr.

wasmtime's WASI hands each write to its own worker thread and waits for it:
tens of microseconds per write, and the Go runtime writes a panic trace a
few bytes at a time (a goroutine dump can be millions of writes). A reactor
with no preopened directories has no file descriptors but 0, 1 and 2, so it
takes ``fd_write`` from here instead: the bytes go straight into its
:class:`OutputCapture` on the calling thread, in one host call.
"""

from __future__ import annotations

import ctypes
import struct
import weakref
from typing import TYPE_CHECKING, Any

import wasmtime

from .._wasmtime import define_unchecked, memory_base
from ..errors import ReactorClosedError
from .output import STDERR, STDOUT, OutputCapture
from .wasi import WASI

if TYPE_CHECKING:
    from .reactor import Reactor

_ERRNO_SUCCESS = 0
_ERRNO_BADF = 8
_ERRNO_FAULT = 21
_ERRNO_INVAL = 28
_U32 = 0xFFFF_FFFF
_IOVEC = struct.Struct("<II")


class _Memory:
    """The memory ``fd_write`` reads: found through the reactor (held weakly:
    the definition must not keep it alive) on first use, as the guest
    instance does not exist yet when ``fd_write`` is defined."""

    def __init__(self, reactor: Reactor) -> None:
        self._reactor = weakref.ref(reactor)
        self.base = 0
        self.known_size = 0
        """The size last read: memory never shrinks (nor moves: see
        ReactorEngine), so an access within it needs no new read."""

    def size(self) -> int:
        """The memory's current size; 0 when the reactor is gone or closed."""
        try:
            reactor = self._reactor()
            memory, store = reactor.memory, reactor.store  # type: ignore[union-attr]
        except (AttributeError, ReactorClosedError):  # gone, closed, or not yet instantiated
            self.known_size = 0
            return 0
        if not self.base:
            self.base = memory_base(store, memory)
        self.known_size = memory.data_len(store)
        return self.known_size


def define_stdio(linker: wasmtime.Linker, output: OutputCapture, reactor: Reactor) -> None:
    """Define WASI ``fd_write`` in ``linker`` for ``reactor``: fds 1 and 2 go
    to ``output``; others get EBADF. Pointers are checked like WASI (EFAULT,
    EINVAL)."""
    mem = _Memory(reactor)

    def fd_write(fd: int, iovs: int, count: int, nwritten_ptr: int) -> int:
        if fd not in (STDOUT, STDERR):
            return _ERRNO_BADF
        if iovs % 4 or nwritten_ptr % 4:
            return _ERRNO_INVAL
        size = mem.known_size
        end = max(iovs + _IOVEC.size * count, nwritten_ptr + 4)
        if end > size and end > (size := mem.size()):
            return _ERRNO_FAULT
        base = mem.base
        if count == 1:
            ptr, length = _IOVEC.unpack(ctypes.string_at(base + iovs, _IOVEC.size))
            if ptr + length > size and ptr + length > (size := mem.size()):
                return _ERRNO_FAULT
            data = ctypes.string_at(base + ptr, length)
        else:
            parts = []
            for ptr, length in _IOVEC.iter_unpack(ctypes.string_at(base + iovs, _IOVEC.size * count)):
                if ptr + length > size and ptr + length > (size := mem.size()):
                    return _ERRNO_FAULT
                parts.append(ctypes.string_at(base + ptr, length))
            data = b"".join(parts)
        if data:
            output.write(fd, data)
        ctypes.c_uint32.from_address(base + nwritten_ptr).value = len(data)
        return _ERRNO_SUCCESS

    def invoke(values: Any) -> None:
        values[0].i32 = fd_write(values[0].i32 & _U32, values[1].i32 & _U32,
                                 values[2].i32 & _U32, values[3].i32 & _U32)

    i32 = wasmtime.ValType.i32()
    define_unchecked(linker, WASI, "fd_write", wasmtime.FuncType([i32, i32, i32, i32], [i32]), invoke)
