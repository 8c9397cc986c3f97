"""``Reactor``: one Go WASI reactor instance and the calls that drive it.

The seed harnesses' features live here: load (with a compiled-module cache),
WASI set-up, ``start_main``, ``loop_once`` (one ``go_tick``), ``run`` and
``run_async`` to completion, output capture, typed failures, ``close``. The
frame-budgeted ``step`` is built on the same guest-call path (see
:mod:`reactor_frame.scheduling.step`).
"""

from __future__ import annotations

import asyncio
import atexit
import math
import os
import threading
import time
import weakref
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, Union

import wasmtime
from wasmtime import _wasi as wasmtime_wasi

from .. import abi
from ..abi import Features, LoopResult
from ..clock import Clock, RealClock, VirtualClock
from ..errors import (
    ConcurrentUseError,
    GoPanicError,
    InvalidModuleError,
    ReactorClosedError,
    ReactorError,
    ReactorTimeoutError,
    ReactorTrapError,
    ReentrancyError,
)
from ..scheduling.hooks import Hooks
from ..scheduling.report import StepReport
from ..scheduling.step import step_reactor
from ..wasmfile import WasmFormatError, read_wasm
from . import control as ctl
from .causes import cause_line
from .engine import ReactorEngine, default_engine
from .fastcall import FastCall
from .output import OutputCallback, OutputCapture
from .wasi import VirtualTimeLink, define_seeded_random, define_virtual_time, make_wasi_config
from .watchdog import CallWatchdog, EpochTicker

if TYPE_CHECKING:
    from ..interop.events import GuestEvents
    from ..interop.exports import GuestExports
    from ..interop.hostfuncs import ImportsSpec
    from ..interop.memory import GuestMemoryView
    from ..interop.shared import SharedBuffer

Source = Union[str, os.PathLike, bytes, bytearray, memoryview, wasmtime.Module]
_V = TypeVar("_V")

#: Default watchdog limit for one guest call, in seconds.
DEFAULT_TICK_TIMEOUT_S = 10.0
#: Default bound on scheduling rounds in one step on a virtual clock.
DEFAULT_MAX_ROUNDS_PER_STEP = 1000
#: Default wall-time bound, in seconds, on one step on a virtual clock.
DEFAULT_MAX_STEP_WALL_S = 5.0

_RUNNING, _EXITED, _CLOSED = 0, 1, 2
_MAIN_RETURNED = ctl.STATE_MAIN_RETURNED
_RESULTS = (LoopResult.IDLE, LoopResult.READY)

_BUILD_HINT = (
    "Build a reactor with `reactor-frame build PKGDIR -o OUT.wasm` (stock Go >= 1.24), "
    "or with a Go toolchain that has the wasi-reactor patches "
    "(GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared)."
)

_live: "weakref.WeakSet[Reactor]" = weakref.WeakSet()


@atexit.register
def _close_all_at_exit() -> None:
    # Closing a store releases its custom output callbacks asynchronously, on
    # a wasmtime worker thread; if that happens after the interpreter starts
    # finalising, the process aborts with a Rust panic. So close every live
    # reactor, then wait (bounded) until wasmtime has released the callbacks.
    for reactor in list(_live):
        try:
            reactor.close()
        except Exception:  # noqa: BLE001 - best effort at exit
            pass
    outputs = getattr(wasmtime_wasi, "CUSTOM_OUTPUTS", None)
    handles = getattr(outputs, "handles", None)
    if handles is None:
        return
    give_up = time.monotonic() + 2.0
    while handles and time.monotonic() < give_up:
        time.sleep(0.001)


class Reactor:
    """A Go program built as a WASI reactor, driven by the host.

    ``source`` is a path, the module bytes, or a ``wasmtime.Module`` compiled
    on ``engine``. Output callbacks receive ``str`` (default: the host's
    stdout/stderr); they are called on the thread driving the reactor, after
    the guest call that wrote the text returns, in the order it was written.

    A reactor is single-threaded: a second thread entering it while a guest
    call is running gets :class:`ConcurrentUseError`.

    A callback that raises loses no output: the rest of the call's output is
    still delivered, then the first exception is raised (later ones are
    notes on it). An exit in the same call is recorded first (``exit_code``,
    ``exit`` hook). If the call failed fatally, the guest's error is raised,
    noting the callback's exception, which goes to the ``error`` hook.
    """

    def __init__(
        self,
        source: Source,
        *,
        args: Sequence[str] | None = None,
        env: Mapping[str, str] | None = None,
        stdout: OutputCallback | None = None,
        stderr: OutputCallback | None = None,
        preopens: Mapping[str, str | os.PathLike[str]] | None = None,
        stdin: bytes | None = None,
        engine: ReactorEngine | None = None,
        clock: Clock | None = None,
        seed: int | None = None,
        imports: "ImportsSpec | None" = None,
        tick_timeout: float | None = DEFAULT_TICK_TIMEOUT_S,
        max_memory_mb: int | None = None,
        max_rounds_per_step: int = DEFAULT_MAX_ROUNDS_PER_STEP,
        max_step_wall_s: float | None = DEFAULT_MAX_STEP_WALL_S,
        name: str | None = None,
    ) -> None:
        self._state = _CLOSED  # until construction succeeds
        # Re-entrant, so that a re-entry from the same thread (a host function
        # calling back in) is told apart from another thread by _in_call.
        self._lock = threading.RLock()
        self._in_call = False
        self._ticker: EpochTicker | None = None
        self._store: wasmtime.Store | None = None
        self._closed_reason = "the reactor was closed"
        self.engine = engine or default_engine()
        self.clock: Clock = clock or RealClock()
        if max_rounds_per_step < 1:
            raise ValueError("max_rounds_per_step must be >= 1")
        self.max_rounds_per_step = max_rounds_per_step
        """On a virtual clock, the most scheduling rounds one step runs."""
        if max_step_wall_s is not None and not 0 < max_step_wall_s < math.inf:
            raise ValueError(f"max_step_wall_s must be a positive number of seconds or None, "
                             f"not {max_step_wall_s!r}")
        self.max_step_wall_s = max_step_wall_s
        """On a virtual clock, the wall time after which a step stops between
        scheduling rounds (``StepReport.wall_capped``); None: no bound."""
        self.name = name or (Path(source).name if isinstance(source, (str, os.PathLike)) else "reactor")
        self.hooks = Hooks(self)
        """Subscribe to what happens during steps; see :class:`Hooks`."""
        self._output = OutputCapture(stdout, stderr)
        self._output.listeners.append(self.hooks._emit_output)

        module, info = self._load(source)
        self.features: Features = abi.features(info) if info else Features(False, False)
        self.module = module

        store = wasmtime.Store(self.engine.wasmtime)
        self._store = store
        if max_memory_mb is not None:
            if max_memory_mb <= 0:
                raise ValueError("max_memory_mb must be positive")
            store.set_limits(memory_size=int(max_memory_mb) << 20)
        ticker = EpochTicker.for_engine(self.engine.wasmtime) if tick_timeout is not None else None
        self._watchdog = CallWatchdog(store, tick_timeout, ticker)
        if ticker is not None:
            ticker.acquire()
            self._ticker = ticker
        store.set_wasi(make_wasi_config(
            args=list(args) if args is not None else [self.name],
            env=env, preopens=preopens, stdin=stdin, output=self._output,
        ))
        linker = wasmtime.Linker(self.engine.wasmtime)
        linker.define_wasi()
        linker.allow_shadowing = True
        self._virtual = isinstance(self.clock, VirtualClock)
        self._vtime: VirtualTimeLink | None = None
        if isinstance(self.clock, VirtualClock):
            self._vtime = VirtualTimeLink(self.clock)
            define_virtual_time(linker, self._vtime)
        if seed is not None:
            define_seeded_random(linker, int(seed))
        from ..interop.link import link_interop
        from .stdio import define_stdio
        stdio = define_stdio(linker, self._output) if not preopens else None
        try:
            self._interop = link_interop(linker, imports, self)
        except ReactorError:
            self._release()
            raise
        self._instantiate(linker, module)
        if stdio is not None:
            stdio.attach(self.memory, store)

        self._state = _RUNNING
        self.exit_code: int | None = None
        """None while the guest runs; its exit code once it exited (0 when
        main returned)."""
        self._main_started = False
        self._wake = True
        self.deadline_ns: int | None = None
        """Absolute time, on this reactor's clock, of the guest's next timer
        as of the last tick; None when it has none (or is runnable)."""
        self.last_result: int = LoopResult.READY
        self.stats_ticks = 0
        _live.add(self)
        self._call_init()

    # ----------------------------------------------------------- loading --
    def _load(self, source: Source) -> tuple[wasmtime.Module, Any]:
        if isinstance(source, wasmtime.Module):
            exports = _ModuleExports(source)
            # Kinds and types matter: guest calls go through unchecked C calls.
            missing = abi.missing_reactor_exports(exports)  # type: ignore[arg-type]
            if missing:
                raise InvalidModuleError(
                    _missing_message("the module", missing, "_start" in exports.exports))
            return source, exports
        if isinstance(source, (str, os.PathLike)):
            path = Path(source)
            try:
                data = path.read_bytes()
            except FileNotFoundError:
                raise InvalidModuleError(f"{path}: no such file") from None
            except IsADirectoryError:
                raise InvalidModuleError(f"{path}: is a directory, not a .wasm file") from None
            except OSError as exc:
                raise InvalidModuleError(f"{path}: cannot read: {exc.strerror}") from None
            label = str(path)
        elif isinstance(source, (bytes, bytearray, memoryview)):
            data = bytes(source)
            label = "the module bytes"
        else:
            raise TypeError(
                f"Reactor source must be a path, bytes or wasmtime.Module, not {type(source).__name__}"
            )
        try:
            info = read_wasm(data)
        except WasmFormatError as exc:
            raise InvalidModuleError(f"{label}: {exc}") from None
        missing = abi.missing_reactor_exports(info)
        if missing:
            raise InvalidModuleError(_missing_message(label, missing, "_start" in info.exports))
        try:
            module = self.engine.compile(data)
        except wasmtime.WasmtimeError as exc:
            raise InvalidModuleError(f"{label}: not a valid WebAssembly module: {cause_line(exc)}") from None
        return module, info

    def _instantiate(self, linker: wasmtime.Linker, module: wasmtime.Module) -> None:
        store = self._store
        assert store is not None
        try:
            instance = linker.instantiate(store, module)
        except wasmtime.ExitTrap as exc:
            self._release()
            raise InvalidModuleError(
                f"cannot instantiate {self.name}: its start function exited with code {exc.code}"
            ) from None
        except wasmtime.Trap as exc:  # not a WasmtimeError: a start function trapped
            self._release()
            raise InvalidModuleError(
                f"cannot instantiate {self.name}: its start function trapped: {cause_line(exc)}"
            ) from None
        except wasmtime.WasmtimeError as exc:
            self._release()
            text = cause_line(exc)
            if "unknown import" in text or "import" in text:
                raise InvalidModuleError(
                    f"cannot instantiate {self.name}: {text}. Provide the missing host "
                    "functions with imports={'module': {'name': callable}}."
                ) from None
            if "exceeds memory limits" in text:
                raise InvalidModuleError(
                    f"cannot instantiate {self.name}: {text}: max_memory_mb is below the memory "
                    "the module starts with; raise it"
                ) from None
            raise InvalidModuleError(f"cannot instantiate {self.name}: {text}") from None
        exports = instance.exports(store)
        self._instance = instance
        self.memory: wasmtime.Memory = exports[abi.MEMORY]  # type: ignore[assignment]
        self._init_call = FastCall(store, exports[abi.INITIALIZE], 0)  # type: ignore[arg-type]
        self._start_call = FastCall(store, exports[abi.START_MAIN], 0)  # type: ignore[arg-type]
        self._tick_call = FastCall(store, exports[abi.TICK], 1)  # type: ignore[arg-type]
        self._tick_for_call = (
            FastCall(store, exports[abi.TICK_FOR], 1)  # type: ignore[arg-type]
            if self.features.tick_for else None
        )
        self._exports_raw = exports
        self._control: ctl.ControlBlock | None = None

    def _call_init(self) -> None:
        self._guest_call(self._init_call)
        store = self._store
        if self.features.control and self._state == _RUNNING and store is not None:
            address = self._call_export_i32(abi.CONTROL)
            try:
                self._control = ctl.map_control_block(
                    ctypes_address(self.memory.data_ptr(store)), self.memory.data_len(store),
                    address, self.name)
            except InvalidModuleError:
                self._release()
                raise
        if self._virtual and self._control is not None:
            self._publish_clock()
            self._control.clock_mode = ctl.CLOCK_VIRTUAL
            assert self._vtime is not None
            self._vtime.guest_reads_block = True
            self._vtime.publish = self._publish_clock
        self._clock_generation = getattr(self.clock, "generation", 0)

    def _call_export_i32(self, name: str) -> int:
        fc = FastCall(self._store, self._exports_raw[name], 1)  # type: ignore[arg-type]
        self._guest_call(fc)
        return fc.i32.value

    # --------------------------------------------------------- guest calls --
    def _guest_call(self, fc: FastCall) -> None:
        """Run one guest call with the lock, the watchdog armed, output
        delivery and failure mapping. The hot path of every tick."""
        if not self._lock.acquire(False):
            self._raise_busy(same_thread=False)
        if self._in_call:
            self._lock.release()
            self._raise_busy(same_thread=True)
        self._in_call = True
        self._watchdog.arm()
        try:
            # FastCall.call, inlined: this is the one Python frame per tick
            # worth saving.
            err = fc._fn(fc._ctx, fc._func, fc._vals, fc._len, fc._trap_ref)
            failure = fc._failure(err) if err or fc._trap else None
        except BaseException as exc:
            # Ctrl-C pending during the call is raised as it returns: whether
            # the call completed or trapped is lost, so the guest's state
            # cannot be trusted any more.
            self._close_after_fatal(f"a guest call was interrupted by {type(exc).__name__}")
            raise
        finally:
            self._in_call = False
            self._lock.release()
        callback_error = self._output.drain() if self._output.pending else None
        if failure is not None:
            self._handle_failure(failure, callback_error)
        if callback_error is not None:
            raise callback_error

    def _raise_busy(self, same_thread: bool) -> None:
        if self._state == _CLOSED:
            raise ReactorClosedError(self._closed_reason)
        if same_thread:
            raise ReentrancyError(
                f"{self.name}: a guest call is already running on this thread (called from "
                "a host function or output callback?); drive the reactor only from outside "
                "guest calls"
            )
        raise ConcurrentUseError(
            f"{self.name}: another thread is inside a guest call; a reactor must be driven "
            "from one thread at a time"
        )

    def _handle_failure(self, failure: BaseException,
                        callback_error: BaseException | None = None) -> None:
        """Record an exit, or close the reactor and raise the guest's failure.
        ``callback_error`` (an output callback raised during the same call) is
        then noted on that failure and sent to the ``error`` hook."""
        if isinstance(failure, wasmtime.ExitTrap):
            self._state = _EXITED
            self.exit_code = failure.code
            tail = self._output.stderr_tail()
            panic = self._output.panic_text()
            if failure.code == 2 and panic is not None:
                self._fail(GoPanicError(_panic_message(self.name, panic), tail), callback_error)
            self.hooks._emit_exit(self, failure.code)
            return
        tail = self._output.stderr_tail()
        if not isinstance(failure, (wasmtime.Trap, wasmtime.WasmtimeError)):
            # A host function raised: propagate it as itself.
            self._close_after_fatal(f"a host function raised {type(failure).__name__}: {failure}")
            self._fail_raise(failure, callback_error)
        message = str(failure)
        panic = self._output.panic_text()
        if self._watchdog.stopped(failure):
            if panic is not None:  # the runtime was already dying, writing its trace
                self._fail(GoPanicError(
                    _panic_message(self.name, panic) + "\n(stopped by the watchdog while the Go "
                    f"runtime wrote this report: tick_timeout={self._watchdog.timeout_s}s)", tail),
                    callback_error)
            self._fail(ReactorTimeoutError(
                f"{self.name}: a guest call ran longer than tick_timeout={self._watchdog.timeout_s}s "
                "and was stopped; the reactor is closed. Usually a goroutine loops without "
                "yielding (call runtime.Gosched() in long loops); an export call blocked that "
                "long counts too. Raise tick_timeout, or pass None to disable the watchdog.",
                tail), callback_error)
        if panic is not None:
            self._fail(GoPanicError(_panic_message(self.name, panic), tail), callback_error)
        self._fail(ReactorTrapError(f"{self.name}: the guest trapped: {message}", tail),
                   callback_error)

    def _fail(self, error: ReactorError, callback_error: BaseException | None = None) -> None:
        self._close_after_fatal(f"{self.name} stopped after a fatal error: {error}")
        self._fail_raise(error, callback_error)

    def _fail_raise(self, error: BaseException, callback_error: BaseException | None) -> None:
        if callback_error is not None:
            error.add_note(f"an output callback also raised during this call: "
                           f"{type(callback_error).__name__}: {callback_error} "
                           "(sent to the error hook)")
            self.hooks._emit_error(self, callback_error)
        self.hooks._emit_error(self, error)
        raise error

    def _close_after_fatal(self, reason: str) -> None:
        self._release()
        lines = [line.strip() for line in reason.splitlines() if line.strip()] or [reason]
        summary = " ".join(lines[:2]) if lines[0].endswith(":") else lines[0]  # "panicked:\n<what>"
        self._closed_reason = summary + " (create a new Reactor to run again)"

    # ------------------------------------------------------------- the ABI --
    def start_main(self) -> None:
        """Queue the main goroutine (``go_start_main``). Idempotent: later
        calls do nothing. ``main`` runs on the following ticks."""
        self._check_open()
        if self._main_started or self._state != _RUNNING:
            return
        self._guest_call(self._start_call)
        self._main_started = True
        self._wake = True

    def loop_once(self) -> int:
        """One ``go_tick``: ``LoopResult.IDLE`` (-1), ``LoopResult.READY`` (0)
        or the milliseconds (> 0) until the next timer. After the guest exited
        it returns IDLE without calling it."""
        if self._state != _RUNNING:
            if self._state == _EXITED:
                return LoopResult.IDLE
            raise ReactorClosedError(self._closed_reason)
        result = self._tick(self._tick_call)
        if result <= 0:
            return _RESULTS[result + 1] if result >= -1 else result
        return result

    def tick_for(self, budget_ns: int) -> int:
        """Run goroutines for up to ``budget_ns`` of wall time in one guest
        call (``go_tick_for``), checking the budget at every goroutine yield.
        Falls back to one ``loop_once`` on binaries without the extension."""
        if self._state != _RUNNING:  # exited: IDLE; closed: ReactorClosedError
            return self.loop_once()
        fc = self._tick_for_call
        if fc is None:
            return self.loop_once()
        fc.i64.value = budget_ns
        return self._tick(fc)

    def _tick(self, fc: FastCall) -> int:
        """Make a prepared tick call and record what it reported (wake flag,
        timer deadline, main's return), firing the hooks that depend on it.
        The hot path: one frame, no allocation."""
        if self._virtual and self.clock.generation != self._clock_generation:  # type: ignore[attr-defined]
            self._publish_clock()
        self._guest_call(fc)
        if self._state != _RUNNING:
            return LoopResult.IDLE
        self.stats_ticks += 1
        result: int = fc.i32.value
        previous = self.last_result
        self.last_result = result
        self._wake = result == 0
        block = self._control
        if result > 0:
            delay = block.delay_ns if block is not None else 0
            self.deadline_ns = self.clock.now_ns() + (delay if delay > 0 else result * 1_000_000)
            if self.hooks:
                self.hooks._emit_timer(self.deadline_ns)
        else:
            self.deadline_ns = None
            if result == -1 and previous != -1 and self.hooks:
                self.hooks._emit_idle()
        if block is not None and block.state & _MAIN_RETURNED and self.exit_code is None:
            self.exit_code = 0
            self.hooks._emit_exit(self, 0)
        return result

    def next_timer_ns(self) -> int | None:
        """Nanoseconds from now until the guest's next timer, as recorded by
        the last tick (exact on extended binaries, whole ms on seed ones);
        None when it has none."""
        deadline = self.deadline_ns
        if deadline is None:
            return None
        return max(0, deadline - self.clock.now_ns())

    def _publish_clock(self) -> None:
        clock = self.clock
        assert isinstance(clock, VirtualClock)
        self._clock_generation = clock.generation
        block = self._control
        if block is not None:
            block.virt_mono = clock.now_ns()
            block.virt_wall = clock.wall_ns()

    # ----------------------------------------------------------- driving --
    @property
    def done(self) -> bool:
        """True once the guest exited or its main returned."""
        return self.exit_code is not None

    @property
    def closed(self) -> bool:
        return self._state == _CLOSED

    def step(self, budget_ms: float, advance_ms: float | None = None) -> StepReport:
        """Run goroutines for at most about ``budget_ms`` of wall time, for one
        frame of a game or simulation loop; starts main if needed.

        ``advance_ms`` (virtual clock only) first moves simulated time forward
        by that much, waking due timers exactly at their deadlines. See
        :func:`reactor_frame.scheduling.step.step_reactor`.
        """
        return step_reactor(self, budget_ms, advance_ms)

    def run(self) -> int:
        """Start main if needed and drive the guest to completion; returns its
        exit code. Sleeps between timers on the real clock; on a virtual clock
        jumps to each next timer instead. Returns 0 also when the guest goes
        idle with main still blocked (the seed's "safe to stop"); ``exit_code``
        then stays None, since exports could still wake it."""
        self.start_main()
        while True:
            result = self.loop_once()
            if self.exit_code is not None:
                return self.exit_code
            if result == LoopResult.IDLE:
                return 0
            if result > 0:
                self._wait_for_timer()

    async def run_async(self, slice_ms: float = 5.0) -> int:
        """``run`` on asyncio: runs the guest in slices of about ``slice_ms``
        and awaits between them (timers with ``asyncio.sleep``), so the event
        loop is never blocked for longer than one slice. On a virtual clock a
        slice is one scheduling round, so the run stays deterministic.

        Limit: a slice ends when a goroutine yields. One that never yields
        keeps its slice until the watchdog stops it, blocking the loop for up
        to ``tick_timeout`` (on seed-ABI binaries, and on reactor-frame
        builds without preemption); see docs/reliability.md."""
        self.start_main()
        budget_ns = int(slice_ms * 1_000_000)
        while True:
            result = self.loop_once() if self._virtual else self.tick_for(budget_ns)
            if self.exit_code is not None:
                return self.exit_code
            if result == LoopResult.IDLE:
                return 0
            if result > 0:
                delay_ns = self.next_timer_ns() or 0
                if self._virtual:
                    self.clock.advance_ns(delay_ns)  # type: ignore[attr-defined]
                    await asyncio.sleep(0)
                else:
                    await asyncio.sleep(delay_ns / 1e9)
            else:
                await asyncio.sleep(0)

    def _wait_for_timer(self) -> None:
        delay_ns = self.next_timer_ns() or 0
        if self._virtual:
            self.clock.advance_ns(delay_ns)  # type: ignore[attr-defined]
        else:
            time.sleep(delay_ns / 1e9)

    # ----------------------------------------------------------- interop --
    def _view(self, key: str, make: Callable[["Reactor"], _V]) -> _V:
        """The interop view stored under ``key``, made on first use."""
        self._check_open()
        view = self.__dict__.get(key)
        if view is None:
            view = self.__dict__[key] = make(self)
        return view  # type: ignore[no-any-return]

    # The interop modules import this one, hence the imports inside.
    @property
    def exports(self) -> "GuestExports":
        """The guest's own exports as Python callables (``r.exports.name(...)``);
        a call wakes the guest on the next step."""
        from ..interop.exports import GuestExports
        return self._view("_exports_view", GuestExports)

    @property
    def mem(self) -> "GuestMemoryView":
        """Read, write and view guest memory (see :class:`GuestMemoryView`)."""
        from ..interop.memory import GuestMemoryView
        return self._view("_mem_view", GuestMemoryView)

    @property
    def events(self) -> "GuestEvents":
        """Push input events to a guest that uses ``reactorframe/guest``
        (``r.events.push(kind, a, b, x, y)``); a push wakes the guest."""
        from ..interop.events import GuestEvents
        return self._view("_events_view", GuestEvents)

    def shared(self, name: str) -> "SharedBuffer":
        """The records the guest publishes with ``guest.Share(name, ...)``, read
        in place (see :class:`SharedBuffer`)."""
        self._check_open()
        return self._interop.shared_buffer(name)

    # ------------------------------------------------------------ closing --
    def _check_open(self) -> None:
        if self._state == _CLOSED:
            raise ReactorClosedError(self._closed_reason)

    def close(self) -> None:
        """Release the instance, store and their memory. Idempotent; every
        later use raises :class:`ReactorClosedError`. A close requested from
        inside a guest call (a host function) raises ReentrancyError."""
        if self._state == _CLOSED and self._store is None:
            return
        if not self._lock.acquire(False):
            self._raise_busy(same_thread=False)
        try:
            if self._in_call:
                self._raise_busy(same_thread=True)
            self._release()
        finally:
            self._lock.release()

    def _release(self) -> None:
        self._state = _CLOSED
        self._control = None
        store, self._store = self._store, None
        for name in ("_init_call", "_start_call", "_tick_call", "_tick_for_call",
                     "_instance", "_exports_raw", "memory", "_exports_view", "_mem_view",
                     "_events_view"):
            self.__dict__.pop(name, None)
        if store is not None:
            store.close()
        if self._ticker is not None:
            self._ticker.release()
            self._ticker = None
        _live.discard(self)

    def __enter__(self) -> "Reactor":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __del__(self) -> None:
        try:
            if self._state != _CLOSED or self._store is not None:
                self._release()
        except Exception:  # noqa: BLE001 - never raise from a finaliser
            pass

    def __repr__(self) -> str:
        state = {_RUNNING: "running", _EXITED: f"exited({self.exit_code})", _CLOSED: "closed"}
        return f"<Reactor {self.name!r} {state.get(self._state)}>"


class _ModuleExports:
    """Export info of an already compiled module, shaped like WasmInfo."""

    def __init__(self, module: wasmtime.Module) -> None:
        from ..wasmfile import Extern, FuncType
        self.exports = {}
        for exp in module.exports:
            ty = exp.type
            if isinstance(ty, wasmtime.FuncType):
                ftype = FuncType(tuple(str(p) for p in ty.params), tuple(str(r) for r in ty.results))
                self.exports[exp.name] = Extern(exp.name, "func", "", ftype)
            elif isinstance(ty, wasmtime.MemoryType):
                self.exports[exp.name] = Extern(exp.name, "memory")
            else:
                self.exports[exp.name] = Extern(exp.name, "other")


def ctypes_address(pointer: Any) -> int:
    import ctypes
    return ctypes.cast(pointer, ctypes.c_void_p).value or 0


def _missing_message(label: str, missing: list[str], is_command: bool) -> str:
    what = "a plain WASI command (it exports _start)" if is_command else "not a Go WASI reactor"
    return (f"{label} is {what}: the reactor exports {', '.join(missing)} are missing or "
            f"of the wrong type. {_BUILD_HINT}")


def _panic_message(name: str, panic: str) -> str:
    return f"{name}: the Go program panicked:\n{panic.rstrip()}"
