"""The host side of ``guest.CallHost``: bytes in, bytes out.

The guest calls ``call`` with the function's module and name and a payload;
the host runs the Python function, keeps its answer under a handle and
writes the answer's size to the guest. The guest then allocates a buffer of
that size and calls ``take`` to have the answer copied in. Handles (rather
than one "last answer") keep concurrent CallHosts from different goroutines
apart, should the allocation let another goroutine run in between.
"""

from __future__ import annotations

import struct
from collections.abc import Callable, Mapping

from ..errors import InteropError
from .binding import MemorySource, bind_callhost
from .hostfuncs import HostFunction

_SIZE = struct.Struct("<I")
_MAX_HANDLE = 0x7FFFFFFF


class HostCalls:
    """Dispatches ``guest.CallHost`` to the reactor's host functions."""

    def __init__(self, functions: Mapping[tuple[str, str], HostFunction], memory: MemorySource) -> None:
        self._functions = functions
        self._memory = memory
        self._adapted: dict[tuple[str, str], Callable[[bytes], bytes] | str] = {}
        self._pending: dict[int, bytes] = {}
        self._last = 0

    def call(self, module: str, name: str, payload: int, size: int, answer_size: int) -> int:
        """Run ``module.name`` on the payload; returns 0 (empty answer), a
        handle (answer) or minus a handle (error message)."""
        memory = self._memory()
        data = memory.read_bytes(payload, size)
        adapted = self._adapt(module, name)
        if isinstance(adapted, str):
            answer, sign = adapted.encode("utf-8"), -1
        else:
            answer, sign = adapted(data), 1
        memory.write_bytes(answer_size, _SIZE.pack(len(answer)))
        if not answer:
            return 0
        self._last = self._last % _MAX_HANDLE + 1
        self._pending[self._last] = answer
        return sign * self._last

    def pending(self) -> tuple[tuple[tuple[int, bytes], ...], int]:
        """Unanswered results (handle, answer) and the last handle given out."""
        return tuple(self._pending.items()), self._last

    def set_pending(self, pending: tuple[tuple[int, bytes], ...], last: int) -> None:
        """Put back what :meth:`pending` returned."""
        self._pending = dict(pending)
        self._last = last

    def take(self, handle: int, dst: int) -> None:
        """Copy the answer behind ``handle`` to ``dst`` and forget it."""
        answer = self._pending.pop(handle, None)
        if answer is None:
            raise InteropError(f"guest.CallHost: no pending answer with handle {handle}")
        self._memory().write_bytes(dst, answer)

    def _adapt(self, module: str, name: str) -> Callable[[bytes], bytes] | str:
        key = (module, name)
        adapted = self._adapted.get(key)
        if adapted is None:
            hf = self._functions.get(key)
            if hf is None:
                adapted = "the host has no such function (register it in Reactor(..., imports=...))"
            else:
                adapted = bind_callhost(hf, f"{module}.{name}")
            self._adapted[key] = adapted
        return adapted
