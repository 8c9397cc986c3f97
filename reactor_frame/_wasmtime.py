"""The one place that uses wasmtime-py's private internals.

wasmtime-py's public ``Func.__call__`` and ``Linker.define_func`` wrap every
value in Python objects (about 8 us per ``go_tick``); the reactor calls the C
API's unchecked entry points instead, with arguments prepared once. This
module holds every such use: the unchecked guest call, the unchecked
host-function trampoline, the raw store context (epoch deadline, memory
size), trap/error wrapping and the wait for output callbacks at exit.

``REQUIRED`` lists each internal symbol relied on, with the ctypes signature
expected of the C functions; ``tests/test_wasmtime_adapter.py`` checks it, so
a wasmtime-py release that changes them fails one clear test.

Exceptions raised by host functions travel to the guest call that made them
in a per-thread slot, never through wasmtime-py's process-wide
``LAST_EXCEPTION``, so one reactor's exception cannot surface in another
thread's call.
"""

from __future__ import annotations

import ctypes
import itertools
import sys
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

import wasmtime
from wasmtime import _bindings, _ffi, _wasi

_F = TypeVar("_F", bound=Callable[..., Any])

#: Internal symbols used here: (module, name, argtypes names or None, restype name or None).
REQUIRED: tuple[tuple[str, str, tuple[str, ...] | None, str | None], ...] = (
    ("_bindings", "_wasmtime_func_call_unchecked",
     ("LP_wasmtime_context", "LP_wasmtime_func", "LP_wasmtime_val_raw", "c_ulong",
      "LP_LP_wasm_trap_t"), "LP_wasmtime_error"),
    ("_bindings", "_wasmtime_context_set_epoch_deadline", ("LP_wasmtime_context", "c_ulong"), None),
    ("_bindings", "_wasmtime_memory_data_size",
     ("LP_wasmtime_context", "LP_wasmtime_memory"), "c_ulong"),
    ("_bindings", "_wasmtime_linker_define_func_unchecked",
     ("LP_wasmtime_linker", "LP_c_char", "c_ulong", "LP_c_char", "c_ulong", "LP_wasm_functype_t",
      "CFunctionType", "c_void_p", "CFunctionType"), "LP_wasmtime_error"),
    ("_ffi", "wasmtime_func_unchecked_callback_t",
     ("c_void_p", "LP_wasmtime_caller", "LP_wasmtime_val_raw", "c_ulong"), "c_ulong"),
    ("_ffi", "wasmtime_val_raw_t", None, None),
    ("_ffi", "wasm_trap_t", None, None),
    ("_ffi", "wasmtime_error_t", None, None),
    ("_wasi", "CUSTOM_OUTPUTS", None, None),
    ("Store", "_context", None, None),
    ("Func", "_func", None, None),
    ("Memory", "_memory", None, None),
    ("Trap", "_from_ptr", None, None),
    ("Trap", "_consume", None, None),
    ("WasmtimeError", "_from_ptr", None, None),
)

_raised = threading.local()


def take_raised() -> BaseException | None:
    """The exception a host function raised on this thread since the last
    call, cleared as it is read."""
    exc: BaseException | None = getattr(_raised, "exc", None)
    _raised.exc = None
    return exc


def _keep_raised(exc: BaseException) -> None:
    exc.__context__ = None
    _raised.exc = exc


lost_interrupt: BaseException | None = None
"""A KeyboardInterrupt raised as a host function was entered: Python checks
for signals before the function's first line, so the exception escapes the
ctypes callback, which reports it as unraisable and returns "success". The
hook below keeps it here for the guest-call path to raise after the call."""


def _keep_lost_interrupt(args: Any) -> None:
    global lost_interrupt
    if issubclass(args.exc_type, KeyboardInterrupt) and "ctypes callback" in (args.err_msg or ""):
        lost_interrupt = args.exc_value
        return
    _previous_unraisablehook(args)


_previous_unraisablehook = sys.unraisablehook
sys.unraisablehook = _keep_lost_interrupt


def take_lost_interrupt() -> BaseException:
    """The kept :data:`lost_interrupt`, cleared."""
    global lost_interrupt
    exc, lost_interrupt = lost_interrupt, None
    return exc or KeyboardInterrupt()


def guarded(fn: _F) -> _F:
    """Wrap a host function given to ``Linker.define_func`` so an exception
    it raises is kept for this thread's guest call (wasmtime-py still turns
    it into a trap)."""
    def call(*args: Any) -> Any:
        try:
            return fn(*args)
        except BaseException as exc:
            _keep_raised(exc)
            raise
    return call  # type: ignore[return-value]


# --------------------------------------------------------------- guest calls --
_CALL_ADDRESS: int = ctypes.cast(_bindings._wasmtime_func_call_unchecked, ctypes.c_void_p).value or 0
# void pointers and integers in: ctypes converts nothing per call.
_call_unchecked = ctypes.CFUNCTYPE(
    ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_size_t,
    ctypes.c_void_p)(_CALL_ADDRESS)
_TrapPtr = ctypes.POINTER(_ffi.wasm_trap_t)
_ErrorPtr = ctypes.POINTER(_ffi.wasmtime_error_t)


class UncheckedCall:
    """A prepared call of one guest function on one store.

    Arguments and results share one raw value array: write arguments through
    ``i32``/``i64`` (slot 0) or ``slot(i)``, read results the same way. The
    hot path inlines the call: ``err = c.fn(c.ctx, c.func, c.vals, c.count,
    c.trap_ref)`` then ``if err or c.trap.value: failure = c.failure(err)``.
    """

    __slots__ = ("fn", "ctx", "func", "vals", "count", "trap", "trap_ref", "i32", "i64",
                 "_array", "_func_ref", "_store")

    def __init__(self, store: wasmtime.Store, func: wasmtime.Func, slots: int) -> None:
        self._store = store  # keeps the context alive as long as the call
        self._func_ref = func
        self.fn = _call_unchecked
        self.ctx = ctypes.cast(store._context(), ctypes.c_void_p).value
        self.func = ctypes.addressof(func._func)
        self.count = max(1, slots)
        self._array = (_ffi.wasmtime_val_raw_t * self.count)()
        self.vals = ctypes.addressof(self._array)
        self.trap = ctypes.c_void_p()
        self.trap_ref = ctypes.addressof(self.trap)
        self.i32 = ctypes.c_int32.from_buffer(self._array)
        self.i64 = ctypes.c_int64.from_buffer(self._array)

    def slot(self, index: int) -> Any:
        """The raw value slot ``index`` (a ``wasmtime_val_raw_t``)."""
        return self._array[index]

    def call(self) -> BaseException | None:
        """Call it; None on success, else what :meth:`failure` returns."""
        err = self.fn(self.ctx, self.func, self.vals, self.count, self.trap_ref)
        if err or self.trap.value:
            return self.failure(err)
        return None

    def failure(self, err: int | None) -> BaseException:
        """The exception of a failed call: what a host function raised on
        this thread during it, else wasmtime's ``Trap``, ``ExitTrap`` or
        ``WasmtimeError``."""
        raised = take_raised()
        if err:
            failure: BaseException = wasmtime.WasmtimeError._from_ptr(ctypes.cast(err, _ErrorPtr))
        else:
            failure = wasmtime.Trap._from_ptr(ctypes.cast(self.trap, _TrapPtr))
            self.trap.value = None
        return raised if raised is not None else failure


# ------------------------------------------------------------ host functions --
Invoke = Callable[[Any], None]
"""``invoke(values)``: read arguments from the raw value array, write results to it."""

_bound: dict[int, Invoke] = {}
_keys = itertools.count(1)


def _trampoline(env: int, _caller: Any, values: Any, _count: int) -> int:
    try:
        if lost_interrupt is not None:  # stop the guest at its next host call
            raise take_lost_interrupt()
        _bound[env](values)
        return 0
    except BaseException as exc:  # noqa: BLE001 - handed to this thread's guest call
        _keep_raised(exc)
        trap = wasmtime.Trap("python exception")._consume()
        return ctypes.cast(trap, ctypes.c_void_p).value or 0


def _forget(env: int) -> None:
    _bound.pop(env, None)


# The C callbacks; module-level so they live as long as any definition.
_TRAMPOLINE = _ffi.wasmtime_func_unchecked_callback_t(_trampoline)
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
    error = _bindings._wasmtime_linker_define_func_unchecked(
        linker.ptr(),
        ctypes.create_string_buffer(module_raw), len(module_raw),
        ctypes.create_string_buffer(name_raw), len(name_raw),
        functype.ptr(), _TRAMPOLINE, key, _FORGET,
    )
    if error:
        _bound.pop(key, None)
        raise wasmtime.WasmtimeError._from_ptr(error)


def bound_host_functions() -> int:
    """How many unchecked host functions are currently defined (for leak checks)."""
    return len(_bound)


# ------------------------------------------------------ raw store operations --
_set_deadline = _bindings._wasmtime_context_set_epoch_deadline
_data_size = _bindings._wasmtime_memory_data_size


class EpochDeadline:
    """Sets one store's epoch deadline without wasmtime-py's per-call checks."""

    __slots__ = ("_ctx",)

    def __init__(self, store: wasmtime.Store) -> None:
        self._ctx = store._context()

    def set(self, ticks: int) -> None:
        _set_deadline(self._ctx, ticks)


def memory_base(store: wasmtime.Store, memory: wasmtime.Memory) -> int:
    """The address of ``memory``'s first byte (fixed: engines here never let a
    memory move)."""
    return ctypes.cast(memory.data_ptr(store), ctypes.c_void_p).value or 0


class MemorySize:
    """Reads one memory's current length cheaply (``size()``)."""

    __slots__ = ("_ctx", "_memory", "_keep")

    def __init__(self, store: wasmtime.Store, memory: wasmtime.Memory) -> None:
        self._ctx = store._context()
        self._memory = ctypes.byref(memory._memory)
        self._keep = memory

    def size(self) -> int:
        size: int = _data_size(self._ctx, self._memory)
        return size


def pending_output_callbacks() -> int:
    """How many custom output callbacks wasmtime still holds (for leak checks)."""
    return len(_wasi.CUSTOM_OUTPUTS.handles)


def wait_output_callbacks_released(timeout_s: float) -> None:
    """Wait up to ``timeout_s`` until wasmtime released every custom output
    callback (released asynchronously after a store closes; a release during
    interpreter shutdown aborts the process)."""
    handles = getattr(getattr(_wasi, "CUSTOM_OUTPUTS", None), "handles", None)
    if handles is None:
        return
    give_up = time.monotonic() + timeout_s
    while handles and time.monotonic() < give_up:
        time.sleep(0.001)
