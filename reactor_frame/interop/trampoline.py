"""Host functions at the C level: one ctypes callback for all of them.

``wasmtime.Linker.define_func`` wraps every argument in a ``Val`` and builds
a ``Caller`` on each call. Host functions here are defined "unchecked": the
guest's arguments arrive in one raw value array, which the bound function
reads and writes its results into. A Python exception is handed over the way
wasmtime-py does it (``wasmtime._func.LAST_EXCEPTION`` plus a trap), so the
reactor's guest-call path re-raises it as itself after the guest unwound.
"""

from __future__ import annotations

import ctypes
import itertools
from collections.abc import Callable
from typing import Any

import wasmtime
from wasmtime import _ffi as ffi
from wasmtime import _func as wasmtime_func

Invoke = Callable[[Any], None]
"""``invoke(values)``: read arguments from the raw value array, write results to it."""

_bound: dict[int, Invoke] = {}
_keys = itertools.count(1)


def _trampoline(env: int, _caller: Any, values: Any, _count: int) -> int:
    try:
        _bound[env](values)
        return 0
    except BaseException as exc:  # noqa: BLE001 - handed to the guest-call path
        # wasmtime-py declares Exception, but stores any BaseException itself.
        wasmtime_func.LAST_EXCEPTION = exc  # type: ignore[assignment]
        trap = wasmtime.Trap("python exception")._consume()
        return ctypes.cast(trap, ctypes.c_void_p).value or 0


def _forget(env: int) -> None:
    _bound.pop(env, None)


# The C callbacks; module-level so they live as long as any definition.
_TRAMPOLINE = ffi.wasmtime_func_unchecked_callback_t(_trampoline)
_FORGET = ctypes.CFUNCTYPE(None, ctypes.c_void_p)(_forget)


def define_unchecked(linker: wasmtime.Linker, module: str, name: str,
                     functype: wasmtime.FuncType, invoke: Invoke) -> None:
    """Define ``module.name`` of type ``functype`` in ``linker``, calling
    ``invoke`` with the raw value array. ``invoke`` is released when the
    linker and every store using the definition are gone."""
    key = next(_keys)
    _bound[key] = invoke
    module_raw = module.encode("utf-8")
    name_raw = name.encode("utf-8")
    error = ffi.wasmtime_linker_define_func_unchecked(
        linker.ptr(),
        ctypes.create_string_buffer(module_raw), len(module_raw),
        ctypes.create_string_buffer(name_raw), len(name_raw),
        functype.ptr(), _TRAMPOLINE, key, _FORGET,
    )
    if error:
        _bound.pop(key, None)
        raise wasmtime.WasmtimeError._from_ptr(error)
