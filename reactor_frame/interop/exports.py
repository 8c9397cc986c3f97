"""Calling the guest's ``//go:wasmexport`` functions from Python.

``r.exports.name(*args)`` goes through a :class:`GuestFunction` prepared
once per export: its type is resolved, an ``UncheckedCall`` holds the raw
argument/result slots, and one checking setter per parameter converts
Python values. A call then costs the setters plus one C call, and it runs
through the reactor's guest-call path (lock, re-entrancy check, output
delivery, failure mapping).

If the export blocks (a channel receive, a sleep, a mutex), the Go runtime
runs the program's other goroutines, sleeping until timers are due, until
the export can return; only then does the call return. If nothing can ever
wake it, the runtime stops with "fatal error: all goroutines are asleep -
deadlock!", which surfaces as :class:`GoPanicError` and closes the reactor.
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

import wasmtime

from .. import abi
from ..errors import InteropError, ReactorClosedError
from ..host.instance import EXITED, RUNNING
from ..wasmfile import wasm_signature
from .guestabi import EXPORT_PREFIX
from .wasmtypes import INT_RANGES, WASM_TYPES, setter_for

if TYPE_CHECKING:
    from ..host.reactor import Reactor

#: Exports of the reactor ABI: driven by the Reactor itself, never directly.
ABI_EXPORTS = frozenset({abi.INITIALIZE, abi.START_MAIN, abi.TICK, abi.TICK_FOR, abi.CONTROL})


class UnknownExportError(InteropError, AttributeError):
    """The guest has no exported function by that name (an AttributeError
    too, so ``hasattr(r.exports, name)`` works)."""


class GuestFunction:
    """One guest export, prepared for fast calls. Integers are checked
    against the width of their wasm type (unsigned values are accepted and
    wrap); results come back signed, as wasm has no unsigned types."""

    __slots__ = ("name", "signature", "_reactor", "_fc", "_params", "_setters", "_result", "_arity")

    def __init__(self, reactor: "Reactor", name: str, functype: wasmtime.FuncType) -> None:
        sig = wasm_signature(functype)
        unsupported = [t for t in (*sig.params, *sig.results) if t not in WASM_TYPES]
        if unsupported:
            raise InteropError(
                f"exports.{name} {sig} cannot be called from Python: it uses {unsupported[0]} values"
            )
        self.name = name
        self.signature = sig
        self._reactor = reactor
        fc = reactor.prepare_export(name, max(len(sig.params), len(sig.results)))
        self._fc = fc
        slots = [fc.slot(i) for i in range(max(1, len(sig.params), len(sig.results)))]
        self._arity = len(sig.params)
        # Fast path: ctypes stores the value and rejects wrong types; only the
        # integer range needs a check (ctypes would wrap silently).
        self._params = tuple((slots[i], w, *INT_RANGES.get(w, (None, None)))
                             for i, w in enumerate(sig.params))
        # Slow path, after the fast one failed: convert or explain.
        self._setters = tuple(
            functools.partial(setter_for(w, w, f"argument {i + 1} of exports.{name}{sig}"), slots[i])
            for i, w in enumerate(sig.params)
        )
        self._result = _result_reader(sig.results, slots)

    def __call__(self, *args: Any) -> Any:
        r = self._reactor
        if r.state is not RUNNING:
            self._raise_not_running()
        if len(args) != self._arity:
            raise InteropError(
                f"exports.{self.name}{self.signature} takes {self._arity} argument"
                f"{'' if self._arity == 1 else 's'}, not {len(args)}"
            )
        try:
            for (slot, field, low, high), arg in zip(self._params, args):
                if low is not None and not low <= arg <= high:
                    raise TypeError
                setattr(slot, field, arg)
        except (TypeError, ValueError, ArithmeticError):
            # Not a plain in-range number: the checked setters convert it or
            # raise InteropError saying what is wrong.
            for put, arg in zip(self._setters, args):
                put(arg)
        r.call_export(self._fc)
        if r.state is not RUNNING and self.signature.results:
            raise ReactorClosedError(
                f"{r.name}: the guest exited (code {r.exit_code}) during exports.{self.name}(), "
                "which therefore returned no value"
            )
        return self._result()

    def _raise_not_running(self) -> None:
        r = self._reactor
        if r.state is EXITED:
            raise ReactorClosedError(
                f"{r.name}: the guest exited (code {r.exit_code}); exports.{self.name} can no "
                "longer be called"
            )
        raise ReactorClosedError(r.closed_reason)

    def __repr__(self) -> str:
        return f"<GuestFunction {self.name}{self.signature}>"


def _result_reader(results: tuple[str, ...], slots: list[Any]) -> Callable[[], Any]:
    if not results:
        return lambda: None
    getters = [functools.partial(operator.attrgetter(w), slots[i]) for i, w in enumerate(results)]
    if len(getters) == 1:
        return getters[0]
    return lambda: tuple(get() for get in getters)


class GuestExports:
    """The guest's own exported functions (``Reactor.exports``):
    ``r.exports.name(...)`` or ``r.exports["name"](...)``.

    A call marks the reactor as woken, so the next ``step`` calls the guest
    even when its next timer is far away. Iterating lists the program's
    exports (not the reactor ABI's or the guest package's).
    """

    def __init__(self, reactor: "Reactor") -> None:
        self._reactor = reactor
        self._types = {
            e.name: e.type for e in reactor.module.exports if isinstance(e.type, wasmtime.FuncType)
        }
        self._prepared: dict[str, GuestFunction] = {}

    def __getitem__(self, name: str) -> GuestFunction:
        fn = self._prepared.get(name)
        if fn is None:
            fn = self._prepared[name] = self._prepare(name)
        return fn

    def __getattr__(self, name: str) -> GuestFunction:
        if name.startswith("__"):
            raise AttributeError(name)
        return self[name]

    def _prepare(self, name: str) -> GuestFunction:
        r = self._reactor
        r.check_open()
        if name in ABI_EXPORTS:
            raise InteropError(
                f"{name} is part of the reactor ABI and is called by the Reactor itself; use "
                "start_main(), loop_once(), tick_for() or step()"
            )
        functype = self._types.get(name)
        if functype is None:
            known = ", ".join(self) or "none"
            raise UnknownExportError(
                f"{r.name} has no exported function {name!r} (its exports: {known}); export a Go "
                f"function with //go:wasmexport {name}"
            )
        return GuestFunction(r, name, functype)

    def __contains__(self, name: object) -> bool:
        return name in self._types and name not in ABI_EXPORTS

    def __iter__(self) -> Iterator[str]:
        return (n for n in self._types if n not in ABI_EXPORTS and not n.startswith(EXPORT_PREFIX))

    def __len__(self) -> int:
        return sum(1 for _ in self)

    def __dir__(self) -> list[str]:
        return sorted(set(super().__dir__()) | {n for n in self if n.isidentifier()})

    def __repr__(self) -> str:
        return f"<GuestExports of {self._reactor.name!r}: {', '.join(self)}>"
