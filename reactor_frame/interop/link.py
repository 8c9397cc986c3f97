"""Linking a reactor's imports: the user's host functions, the host side of
``reactorframe/guest``, and a clear error for anything left unprovided.

``Reactor`` calls :func:`link_interop` once, before instantiating.
"""

from __future__ import annotations

import weakref
from typing import TYPE_CHECKING

import wasmtime

from .._wasmtime import define_unchecked
from ..errors import InteropError, InvalidModuleError, ReactorClosedError
from ..host.wasi import WASI
from ..wasmfile import wasm_signature
from . import guestabi
from .binding import bind_import
from .hostcall import HostCalls
from .hostfuncs import HostFunction, ImportsSpec, collect
from .memory import GuestMemoryView
from .shared import SharedBuffer, SharedRegistry

if TYPE_CHECKING:
    from ..host.reactor import Reactor


class InteropLink:
    """One reactor's interop state: its host functions, the records the
    guest shared and pending ``CallHost`` answers."""

    def __init__(self, reactor: "Reactor", functions: dict[tuple[str, str], HostFunction]) -> None:
        # Weak: the trampoline's registry keeps this link until the store is gone.
        self._reactor = weakref.ref(reactor)
        self.functions = functions
        self.shared = SharedRegistry()
        self.calls = HostCalls(functions, self.memory)

    def memory(self) -> GuestMemoryView:
        """The reactor's memory view (host functions run inside guest calls,
        while the reactor is open)."""
        reactor = self._reactor()
        if reactor is None:
            raise ReactorClosedError("the reactor was garbage-collected")
        return reactor.mem

    def shared_buffer(self, name: str) -> SharedBuffer:
        """``Reactor.shared(name)``."""
        reactor = self._reactor()
        if reactor is None:
            raise ReactorClosedError("the reactor was garbage-collected")
        return SharedBuffer(reactor, self.shared, name)

    def guest_functions(self) -> dict[str, HostFunction]:
        """The host side of the ``reactor_frame`` import module."""
        return {
            guestabi.SHARE: HostFunction(self.shared.share, params=["str", "u32", "u32", "u32"],
                                         results=[], label=f"{guestabi.MODULE}.{guestabi.SHARE}"),
            guestabi.CALL: HostFunction(self.calls.call, params=["str", "str", "u32", "u32", "u32"],
                                        results=["i32"], label=f"{guestabi.MODULE}.{guestabi.CALL}"),
            guestabi.TAKE: HostFunction(self.calls.take, params=["i32", "u32"], results=[],
                                        label=f"{guestabi.MODULE}.{guestabi.TAKE}"),
        }


def link_interop(linker: wasmtime.Linker, imports: ImportsSpec | None, reactor: "Reactor") -> InteropLink:
    """Define in ``linker`` every function ``reactor.module`` imports from the
    user's ``imports`` and from ``reactor_frame``; WASI is left to the
    linker. Raises :class:`InteropError` for a bad declaration or a type
    mismatch, :class:`InvalidModuleError` for imports nobody provides."""
    functions = collect(imports)
    if any(module == guestabi.MODULE for module, _ in functions):
        raise InteropError(
            f"imports: the module name {guestabi.MODULE!r} is reserved for the reactorframe/guest "
            "package; put your host functions in a module of your own"
        )
    link = InteropLink(reactor, functions)
    guest_side = link.guest_functions()
    missing: list[str] = []
    for imp in reactor.module.imports:
        module, name = imp.module, imp.name
        if name is None or (module == WASI and (module, name) not in functions):
            continue  # WASI is the linker's, unless the user replaces a function
        functype = imp.type
        if not isinstance(functype, wasmtime.FuncType):
            continue
        hf = functions.get((module, name))
        if hf is None and module == guestabi.MODULE:
            hf = guest_side.get(name)
            if hf is None:
                raise InvalidModuleError(
                    f"{reactor.name} imports {module}.{name} {wasm_signature(functype)}, which this "
                    "version of reactor-frame does not provide: rebuild the program with this "
                    "version's `reactor-frame build`"
                )
        if hf is None:
            missing.append(f"{module}.{name} {wasm_signature(functype)}")
            continue
        label = f"{module}.{name}"
        define_unchecked(linker, module, name, functype, bind_import(hf, label, functype, link.memory))
    if missing:
        raise InvalidModuleError(
            f"{reactor.name} imports host functions that were not provided: {'; '.join(missing)}. "
            "Pass them as Reactor(..., imports={'module': {'name': function}})"
        )
    return link
