"""The watchdog: stop a guest call that runs longer than its timeout.

wasmtime's epoch interruption does the stopping: a background thread
increments the engine's epoch every ``PERIOD_S`` seconds while any reactor
with a timeout exists, and each such store checks, at every epoch, whether its
current guest call has run for longer than its timeout. The check counts
epochs seen during one call (the reactor numbers its calls), so the hot path
pays one integer increment per call and no clock read.
"""

from __future__ import annotations

import ctypes
import threading
from collections.abc import Callable

import wasmtime
from wasmtime import _ffi as ffi

#: Epoch period in seconds: the watchdog fires within about this much of the timeout.
PERIOD_S = 0.01

_UPDATE_CONTINUE = 0

_DeadlineCallback = ctypes.CFUNCTYPE(
    ctypes.c_size_t,
    ctypes.POINTER(ffi.wasmtime_context_t),
    ctypes.c_void_p,
    ctypes.POINTER(ctypes.c_uint64),
    ctypes.POINTER(ffi.wasmtime_update_deadline_kind_t),
)

TIMEOUT_MESSAGE = b"reactor-frame watchdog: guest call exceeded tick_timeout"


class EpochTicker:
    """Increments one engine's epoch on a daemon thread while in use."""

    def __init__(self, engine: wasmtime.Engine) -> None:
        self._engine = engine
        self._users = 0
        self._lock = threading.Lock()
        self._stop: threading.Event | None = None

    def acquire(self) -> None:
        with self._lock:
            self._users += 1
            if self._stop is None:
                self._stop = threading.Event()
                threading.Thread(target=self._run, args=(self._stop,),
                                 name="reactor-frame-epoch", daemon=True).start()

    def release(self) -> None:
        with self._lock:
            self._users -= 1
            if self._users == 0 and self._stop is not None:
                self._stop.set()
                self._stop = None

    def _run(self, stop: threading.Event) -> None:
        while not stop.wait(PERIOD_S):
            self._engine.increment_epoch()


class CallWatchdog:
    """The per-store epoch callback. ``call_number`` is read from the reactor."""

    def __init__(self, store: wasmtime.Store, timeout_s: float | None,
                 call_number: Callable[[], int]) -> None:
        self.fired = False
        self._limit = max(1, round(timeout_s / PERIOD_S)) if timeout_s is not None else 0
        self._call_number = call_number
        self._seen_call = -1
        self._epochs = 0
        if timeout_s is None:
            store.set_epoch_deadline(1 << 62)
            self._callback = None
            return
        self._callback = _DeadlineCallback(self._on_deadline)
        ffi.wasmtime_store_epoch_deadline_callback(
            store.ptr(), self._callback, None, ctypes.cast(None, ctypes.CFUNCTYPE(None, ctypes.c_void_p)))
        store.set_epoch_deadline(1)

    def _on_deadline(self, _ctx, _env, delta, kind) -> int:  # type: ignore[no-untyped-def]
        try:
            call = self._call_number()
            if call != self._seen_call:
                self._seen_call = call
                self._epochs = 0
            self._epochs += 1
            if self._epochs > self._limit:
                self.fired = True
                err = ffi.wasmtime_error_new(ctypes.create_string_buffer(TIMEOUT_MESSAGE))
                return ctypes.cast(err, ctypes.c_void_p).value or 0
            delta[0] = 1
            kind[0] = _UPDATE_CONTINUE
            return 0
        except BaseException:  # noqa: BLE001 - must not unwind into wasmtime
            delta[0] = 1
            kind[0] = _UPDATE_CONTINUE
            return 0
