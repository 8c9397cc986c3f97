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
from typing import Any

import wasmtime

from ..interop.trampoline import define_unchecked
from .output import STDERR, STDOUT, OutputCapture
from .wasi import WASI

_ERRNO_SUCCESS = 0
_ERRNO_BADF = 8
_ERRNO_FAULT = 21
_ERRNO_INVAL = 28
_U32 = 0xFFFF_FFFF
_IOVEC = struct.Struct("<II")


class StdioLink:
    """The guest memory ``fd_write`` reads, attached once instantiated. Holds
    the store weakly: the definition must not keep its reactor alive."""

    def __init__(self) -> None:
        self._memory: wasmtime.Memory | None = None
        self._store: weakref.ref[wasmtime.Store] | None = None
        self._base = 0
        self._known_size = 0
        """The size last read: memory never shrinks, so an access within it
        needs no new read."""

    def attach(self, memory: wasmtime.Memory, store: wasmtime.Store) -> None:
        """Use ``memory`` of ``store`` (memory that never moves: see ReactorEngine)."""
        self._memory = memory
        self._store = weakref.ref(store)
        self._base = ctypes.cast(memory.data_ptr(store), ctypes.c_void_p).value or 0

    def size(self) -> int:
        """The memory's current size; 0 when detached or closed."""
        store = self._store() if self._store is not None else None
        if store is None or self._memory is None:
            self._known_size = 0
            return 0
        self._known_size = self._memory.data_len(store)
        return self._known_size


def define_stdio(linker: wasmtime.Linker, output: OutputCapture) -> StdioLink:
    """Define WASI ``fd_write`` in ``linker``: fds 1 and 2 go to ``output``;
    others get EBADF. Pointers are checked like WASI (EFAULT, EINVAL).
    Returns the link to :meth:`~StdioLink.attach` the memory to."""
    link = StdioLink()

    def fd_write(fd: int, iovs: int, count: int, nwritten_ptr: int) -> int:
        if fd not in (STDOUT, STDERR):
            return _ERRNO_BADF
        if iovs % 4 or nwritten_ptr % 4:
            return _ERRNO_INVAL
        base, size = link._base, link._known_size
        end = max(iovs + _IOVEC.size * count, nwritten_ptr + 4)
        if end > size and end > (size := link.size()):
            return _ERRNO_FAULT
        if count == 1:
            ptr, length = _IOVEC.unpack(ctypes.string_at(base + iovs, _IOVEC.size))
            if ptr + length > size and ptr + length > (size := link.size()):
                return _ERRNO_FAULT
            data = ctypes.string_at(base + ptr, length)
        else:
            parts = []
            for ptr, length in _IOVEC.iter_unpack(ctypes.string_at(base + iovs, _IOVEC.size * count)):
                if ptr + length > size and ptr + length > (size := link.size()):
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
    return link
