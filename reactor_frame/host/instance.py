"""``GuestInstance``: one instantiated reactor module and the one path by
which every guest call runs.

It owns the store, the lock that keeps a reactor on one thread at a time,
the watchdog, the output capture and the instance's state. A call takes the
lock, re-checks the state under it (so a ``close()`` from another thread can
never free the store under a call), arms the watchdog, makes one unchecked C
call and settles a failure while still holding the lock; output is then
delivered (all of it, even when a callback raises) and a failure classified
(:mod:`.failures`) and raised.
"""

from __future__ import annotations

import atexit
import ctypes
import enum
import threading
import weakref
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import wasmtime

from .. import _wasmtime as _adapter
from .._wasmtime import UncheckedCall, memory_base, wait_output_callbacks_released
from ..errors import ConcurrentUseError, ReactorClosedError, ReentrancyError
from .engine import ReactorEngine
from .failures import classify, closed_reason
from .loader import instantiate_error
from .output import OutputCapture
from .traphandlers import restore_trap_handlers
from .preempt import PreemptSlot
from .watchdog import CallWatchdog, EpochTicker

#: How long a call that finds another thread inside the reactor waits for it
#: before refusing (so a call racing ``close()`` is told "closed", not "busy").
BUSY_WAIT_S = 0.001

#: How long a call waits for a ``close()`` in progress on another thread.
CLOSE_WAIT_S = 5.0

_CLOSE_HINT = " (create a new Reactor to run again)"


class ReactorState(enum.Enum):
    """Where a reactor is in its life."""

    RUNNING = "running"
    """The guest can be called."""
    EXITED = "exited"
    """The guest exited (``proc_exit``); memory is still readable."""
    CLOSED = "closed"
    """Closed by ``close()`` or a fatal error; nothing is left."""


RUNNING, EXITED, CLOSED = ReactorState.RUNNING, ReactorState.EXITED, ReactorState.CLOSED

_live: "weakref.WeakSet[GuestInstance]" = weakref.WeakSet()


@atexit.register
def _close_all_at_exit() -> None:
    # wasmtime releases a closed store's output callbacks on a worker thread;
    # if that happens once the interpreter is finalising, the process aborts.
    for guest in list(_live):
        guest.release("the process is exiting")
    wait_output_callbacks_released(2.0)


def live_instances() -> int:
    """How many guest instances are open in this process (for leak checks)."""
    return len(_live)


class GuestInstance:
    """A module instantiated in its own store, with the call path.

    ``define`` adds the host's functions (virtual time, interop...) to the
    linker before instantiation. ``on_exit(code)`` and ``on_error(exc)`` are
    called after a guest exit or a fatal error, before it is raised.
    """

    def __init__(self, engine: ReactorEngine, module: wasmtime.Module, name: str,
                 wasi: wasmtime.WasiConfig, output: OutputCapture,
                 define: Callable[[wasmtime.Linker], None], *,
                 tick_timeout: float | None, max_memory_mb: int | None) -> None:
        self.name = name
        self.state = CLOSED  # until instantiated
        self.exit_code: int | None = None
        self.closed_reason = "the reactor was closed" + _CLOSE_HINT
        self.output = output
        self.on_exit: Callable[[int], object] = lambda code: None
        self.on_error: Callable[[BaseException], object] = lambda exc: None
        # Re-entrant, so that a re-entry from the same thread (a host function
        # calling back in) is told apart from another thread by _in_call.
        self._lock = threading.RLock()
        self._in_call = False
        self._closing = False
        self._ticker: EpochTicker | None = None
        self.preempt: PreemptSlot | None = None
        """Set when the host preempts this guest's budgeted ticks (host/preempt.py)."""
        restore_trap_handlers()  # a guest trap must stay a trap (see traphandlers)
        store = wasmtime.Store(engine.wasmtime)
        self._store: wasmtime.Store | None = store
        if max_memory_mb is not None:
            if max_memory_mb <= 0:
                raise ValueError("max_memory_mb must be positive")
            store.set_limits(memory_size=int(max_memory_mb) << 20)
        engine.check_watchdog(tick_timeout)
        ticker = EpochTicker.for_engine(engine.wasmtime) if tick_timeout is not None else None
        self._watchdog = CallWatchdog(store, tick_timeout, ticker)
        if ticker is not None:
            ticker.acquire()
            self._ticker = ticker
        store.set_wasi(wasi)
        linker = wasmtime.Linker(engine.wasmtime)
        linker.define_wasi()
        linker.allow_shadowing = True
        try:
            define(linker)
            instance = linker.instantiate(store, module)
        except (wasmtime.Trap, wasmtime.WasmtimeError) as exc:
            self.release()
            raise instantiate_error(name, exc) from None
        except BaseException:
            self.release()
            raise
        self.exports: Any = instance.exports(store)
        self.memory: wasmtime.Memory = self.exports["memory"]  # type: ignore[assignment]
        self.state = RUNNING
        _live.add(self)

    @property
    def store(self) -> wasmtime.Store:
        """The open store; :class:`ReactorClosedError` once closed."""
        store = self._store
        if store is None:
            raise ReactorClosedError(self.closed_reason)
        return store

    def prepare(self, name: str, slots: int) -> UncheckedCall:
        """A prepared call of export ``name`` with ``slots`` value slots."""
        return UncheckedCall(self.store, self.exports[name], slots)

    def check_open(self) -> None:
        """Raise :class:`ReactorClosedError` if closed."""
        if self.state is CLOSED:
            raise ReactorClosedError(self.closed_reason)

    # ---------------------------------------------------------- the call --
    def call(self, c: UncheckedCall) -> None:
        """Run one guest call: lock, state check, watchdog, output delivery,
        failure mapping. The hot path of every tick."""
        lock = self._lock
        if not lock.acquire(False) and not lock.acquire(True, BUSY_WAIT_S) \
                and not (self._closing and lock.acquire(True, CLOSE_WAIT_S)):
            self._refuse(same_thread=False)
        if self._in_call or self.state is not RUNNING:
            same_thread = self._in_call
            lock.release()
            self._refuse(same_thread)
        self._in_call = True
        self._watchdog.arm()
        try:
            pre = self.preempt
            if pre is not None and c is pre.call:  # a budgeted tick: preempt at its deadline
                pre.arm()
                try:
                    err = c.fn(c.ctx, c.func, c.vals, c.count, c.trap_ref)
                finally:
                    pre.disarm()
            else:
                err = c.fn(c.ctx, c.func, c.vals, c.count, c.trap_ref)
            failure = c.failure(err) if err or c.trap.value else None
            if _adapter.lost_interrupt is not None:  # Ctrl-C as a host function was entered
                raise _adapter.take_lost_interrupt()
            if failure is not None:
                self._settle(failure)
        except BaseException as exc:
            # Ctrl-C pending during the call is raised as it returns: whether
            # the call completed or trapped is lost, so the guest's state
            # cannot be trusted any more.
            self.release(f"a guest call was interrupted by {type(exc).__name__}")
            raise
        finally:
            self._in_call = False
            self._watchdog.in_call = False
            lock.release()
        callback_error = self.output.drain() if self.output.pending else None
        if failure is not None:
            self._report(failure, callback_error)
        if callback_error is not None:
            raise callback_error

    def _refuse(self, same_thread: bool) -> None:
        if self.state is CLOSED:
            raise ReactorClosedError(self.closed_reason)
        if same_thread:
            raise ReentrancyError(
                f"{self.name}: a guest call is already running on this thread (called from "
                "a host function or output callback?); drive the reactor only from outside "
                "guest calls"
            )
        if self.state is EXITED:
            raise ReactorClosedError(f"{self.name}: the guest exited (code {self.exit_code})")
        raise ConcurrentUseError(
            f"{self.name}: another thread is inside a guest call; a reactor must be driven "
            "from one thread at a time"
        )

    def _settle(self, failure: BaseException) -> None:
        """Under the lock: record an exit, or close after any other failure."""
        if isinstance(failure, wasmtime.ExitTrap):
            self.exit_code = failure.code
            if self.state is RUNNING:
                self.state = EXITED
        else:
            self.release(f"{self.name} stopped after a fatal error")

    def _report(self, failure: BaseException, callback_error: BaseException | None) -> None:
        """Record an exit, or close and raise the failure's error. An output
        callback's exception from the same call is then noted on that error
        and sent to ``on_error`` first (see :class:`Reactor` for the rule)."""
        output = self.output
        outcome = classify(failure, self.name, output.stderr_tail(), self._watchdog.timeout_s,
                           output.panic_text())
        error = outcome.error
        if error is None:
            self.on_exit(outcome.exit_code or 0)
            return
        self.release()
        self.closed_reason = closed_reason(self.name, error)
        if callback_error is not None:
            error.add_note(f"an output callback also raised during this call: "
                           f"{type(callback_error).__name__}: {callback_error} "
                           "(sent to the error hook)")
            self.on_error(callback_error)
        self.on_error(error)
        raise error

    def fail(self, error: BaseException) -> None:
        """Close after ``error`` (found by the caller, e.g. a bad tick result) and raise it."""
        self.release()
        self.closed_reason = closed_reason(self.name, error)
        self.on_error(error)
        raise error

    # ------------------------------------------------- memory and globals --
    @contextmanager
    def between_calls(self) -> Iterator[None]:
        """Hold the reactor for work that must not overlap a guest call
        (snapshots): refused when closed, inside a call on this thread
        (:class:`ReentrancyError`) or busy on another."""
        self.check_open()
        lock = self._lock
        if not lock.acquire(True, BUSY_WAIT_S) and not (self._closing and lock.acquire(True, CLOSE_WAIT_S)):
            self._refuse(same_thread=False)
        try:
            if self._in_call:
                self._refuse(same_thread=True)
            self.check_open()
            yield
        finally:
            lock.release()

    def read_image(self, global_names: Sequence[str]) -> tuple[bytes, tuple[int, ...]]:
        """A copy of linear memory and the values of the named (exported) globals."""
        store = self.store
        memory = ctypes.string_at(self.memory.data_ptr(store), self.memory.data_len(store))
        return memory, tuple(self.exports[name].value(store) for name in global_names)

    def write_image(self, memory: bytes, global_names: Sequence[str], values: Sequence[int],
                    nonzero: Sequence[tuple[int, int]] | None = None) -> None:
        """Replace linear memory and globals: grow memory to ``len(memory)``
        if smaller, copy ``memory`` in, zero the rest, set the globals.
        ``nonzero``, the (start, end) ranges outside which ``memory`` is all
        zeros, spares touching pages that growing just made (zero already).
        Raises ``wasmtime.WasmtimeError`` (nothing changed) when memory cannot
        grow; callers check limits first."""
        store = self.store
        size = old = self.memory.data_len(store)
        if len(memory) > size:
            self.memory.grow(store, (len(memory) - size + 65535) // 65536)
            size = self.memory.data_len(store)
        base = memory_base(store, self.memory)
        if nonzero is None or len(memory) <= old:
            ctypes.memmove(base, memory, len(memory))
        else:
            ctypes.memmove(base, memory, old)
            source = ctypes.cast(ctypes.c_char_p(memory), ctypes.c_void_p).value or 0
            for start, end in nonzero:
                start = max(start, old)
                if start < end:
                    ctypes.memmove(base + start, source + start, end - start)
        ctypes.memset(base + len(memory), 0, size - len(memory))
        for name, value in zip(global_names, values):
            self.exports[name].set_value(store, value)

    # ----------------------------------------------------------- closing --
    def close(self) -> None:
        """Release everything; refuses during a call on another thread
        (:class:`ConcurrentUseError`) or on this one (:class:`ReentrancyError`)."""
        if self.state is CLOSED and self._store is None:
            return
        self._closing = True  # a call that finds the lock held waits for the close
        if not self._lock.acquire(True, BUSY_WAIT_S):
            self._closing = False
            self._refuse(same_thread=False)
        try:
            if self._in_call:
                self._refuse(same_thread=True)
            self.release()
        finally:
            self._closing = False
            self._lock.release()

    def release(self, reason: str | None = None) -> None:
        """Free the store now (callers hold the lock or know no call runs)."""
        if reason is not None and self.state is not CLOSED:
            self.closed_reason = reason + _CLOSE_HINT
        self.state = CLOSED
        store, self._store = self._store, None
        self.__dict__.pop("exports", None)
        self.__dict__.pop("memory", None)
        if store is not None:
            store.close()
        if self._ticker is not None:
            self._ticker.release()
            self._ticker = None
        _live.discard(self)

    def __del__(self) -> None:
        try:
            if self._store is not None:
                self.release()
        except Exception:  # noqa: BLE001 - never raise from a finaliser
            pass
