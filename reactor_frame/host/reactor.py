"""``Reactor``: one Go WASI reactor instance and the calls that drive it.

The facade: it wires loading (:mod:`.loader`), the guest instance and its
call path (:mod:`.instance`), WASI and interop, and keeps the tick
bookkeeping (wake flag, timer deadline, main's return). The frame-budgeted
``step`` is in :mod:`reactor_frame.scheduling.step`; it and the interop views
use the small public interface below (``state``, ``woken``, ``wake()``,
``wants_call()``, ``sync_clock()``, ``call_export()``...).
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import wasmtime

from .. import abi
from .._wasmtime import UncheckedCall
from ..abi import Features, LoopResult
from ..clock import Clock, RealClock, VirtualClock
from ..errors import InvalidModuleError
from ..interop.link import link_interop
from ..interop.views import InteropViews
from ..scheduling.drive import run_to_end, run_to_end_async
from ..scheduling.seedidle import DEFAULT_IDLE_TIMEOUT_S
from ..scheduling.hooks import Hooks
from ..scheduling.report import StepReport
from ..scheduling.step import DEFAULT_MAX_STEP_WALL_S, checked_wall_cap, step_reactor
from . import control as ctl
from .engine import ReactorEngine, default_engine
from .failures import bad_tick_result
from . import clockusers
from .instance import CLOSED, EXITED, RUNNING, GuestInstance, ReactorState
from .loader import Source, load_module, source_name
from .output import OutputCallback, OutputCapture
from .preemption import ProgressSupport
from .snapshots import SnapshotSupport
from .status import ReactorStatus
from .stdio import define_stdio
from .timeouthint import with_virtual_time_hint
from .wasi import VirtualTimeLink, define_seeded_random, define_virtual_time, make_wasi_config

if TYPE_CHECKING:
    from ..interop.hostfuncs import ImportsSpec
    from ..interop.link import InteropLink
    from ..interop.shared import SharedBuffer
    from ..snapshot import ReactorSnapshot

#: Default watchdog limit for one guest call, in seconds.
DEFAULT_TICK_TIMEOUT_S = 10.0
#: Default bound on scheduling rounds in one step on a virtual clock.
DEFAULT_MAX_ROUNDS_PER_STEP = 1000

_MAIN_RETURNED = ctl.STATE_MAIN_RETURNED
_RESULTS = (LoopResult.IDLE, LoopResult.READY)

__all__ = ["DEFAULT_MAX_ROUNDS_PER_STEP", "DEFAULT_TICK_TIMEOUT_S", "Reactor", "ReactorState", "Source"]


class Reactor(ReactorStatus, InteropViews, SnapshotSupport, ProgressSupport):
    """A Go program built as a WASI reactor, driven by the host.

    ``source`` is a path, the module bytes, or a ``wasmtime.Module`` compiled
    on ``engine``. Output callbacks receive ``str`` (default: the host's
    stdout/stderr); they are called on the thread driving the reactor, after
    the guest call that wrote the text returns, in the order it was written.

    A reactor is single-threaded: a second thread entering it while a guest
    call is running gets :class:`ConcurrentUseError`.

    A raising callback loses no output: all is delivered, then its first
    exception raised (an exit in the same call recorded first); after a fatal
    guest error, that error is raised noting it (docs/reliability.md).
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
        snapshots: bool = False,
        _from_snapshot: "ReactorSnapshot | None" = None,
    ) -> None:
        self.engine = engine or default_engine()
        self.clock: Clock = clock or RealClock()
        if max_rounds_per_step < 1:
            raise ValueError("max_rounds_per_step must be >= 1")
        self.max_rounds_per_step = max_rounds_per_step
        """On a virtual clock, the most scheduling rounds one step runs."""
        self.max_step_wall_s = checked_wall_cap(max_step_wall_s)
        """On a virtual clock, the wall time after which a step stops between
        scheduling rounds (``StepReport.wall_capped``); None: no bound."""
        self.name = name or source_name(source)
        self.max_memory_mb = max_memory_mb
        self._host_files = bool(preopens) or stdin is not None
        self.hooks = Hooks(self)
        """Subscribe to what happens during steps; see :class:`Hooks`."""
        output = OutputCapture(stdout, stderr)
        output.listeners.append(self.hooks.emit_output)

        self.module, info, digest = load_module(source, self.engine, snapshots=snapshots or bool(_from_snapshot), name=self.name)
        self.features: Features = abi.features(info) if info else Features(False, False)
        self._module_info, self._digest, self._identity = info, digest, None
        self._vtime = VirtualTimeLink(self.clock) if isinstance(self.clock, VirtualClock) else None
        self._interop: InteropLink | None = None
        self._rng = None

        def define(linker: wasmtime.Linker) -> None:
            if self._vtime is not None:
                define_virtual_time(linker, self._vtime)
            if seed is not None:
                self._rng = define_seeded_random(linker, int(seed))
            if not preopens:
                define_stdio(linker, output, self)
            self._interop = link_interop(linker, imports, self)

        wasi = make_wasi_config(args=list(args) if args is not None else [self.name],
                                env=env, preopens=preopens, stdin=stdin, output=output)
        self._guest = guest = GuestInstance(
            self.engine, self.module, self.name, wasi, output, define,
            tick_timeout=tick_timeout, max_memory_mb=max_memory_mb)
        guest.on_exit = self.hooks.emit_exit
        guest.on_error = with_virtual_time_hint(self.hooks.emit_error, self)
        self._tick_call = guest.prepare(abi.TICK, 1)
        self._tick_for_call = guest.prepare(abi.TICK_FOR, 1) if self.features.tick_for else None
        self._main_started = False
        self._wake = True
        self.deadline_ns: int | None = None
        """Absolute time, on this reactor's clock, of the guest's next timer
        as of the last tick; None when it has none (or is runnable)."""
        self.last_result: int = LoopResult.READY
        self.stats_ticks = 0
        self._control: ctl.ControlBlock | None = None
        self._clock_generation = -1
        clockusers.register(self)
        self._initialize() if _from_snapshot is None else self._resume(_from_snapshot)

    def _initialize(self) -> None:
        guest = self._guest
        guest.call(guest.prepare(abi.INITIALIZE, 0))
        address = None
        if self.features.control and guest.state is RUNNING:
            call = guest.prepare(abi.CONTROL, 1)
            guest.call(call)
            address = call.i32.value
        self._attach_control(address)
        self.sync_clock()

    def _attach_control(self, address: int | None) -> None:
        """Map the control block at ``address``; on virtual time the guest reads its clock there."""
        guest = self._guest
        self._control_address = address
        try:
            self._control = None if address is None else ctl.map_control_block(
                guest.memory, guest.store, address, self.name)
        except InvalidModuleError:
            guest.release()
            raise
        if self._vtime is not None and self._control is not None:
            self._control.clock_mode = ctl.CLOCK_VIRTUAL
            self._vtime.guest_reads_block = True
            self._vtime.publish = self._publish_clock
        self._attach_preempt(address)

    # -------------------------------------------- interface for scheduling --
    @property
    def woken(self) -> bool:
        """Whether the guest may have runnable goroutines (per its last tick, or a host event)."""
        return self._wake

    def wake(self) -> None:
        """Mark the guest as possibly runnable: the next step calls it."""
        self._wake = True

    def wants_call(self, now_ns: int) -> bool:
        """Whether the guest may have work at ``now_ns`` (on its clock)."""
        if self._wake:
            return True
        deadline = self.deadline_ns
        return deadline is not None and now_ns >= deadline

    @property
    def virtual_time(self) -> bool:
        """Whether this reactor lives on a :class:`VirtualClock`."""
        return self._vtime is not None

    @property
    def has_tick_for(self) -> bool:
        """Whether the binary has ``go_tick_for`` (budgeted ticks)."""
        return self._tick_for_call is not None

    def last_tick_counts(self) -> tuple[int, int]:
        """(scheduling rounds, goroutine turns) of the last tick; (1, 0) without a control block."""
        block = self._control
        if block is None or self._guest.state is CLOSED:
            return 1, 0
        return max(1, block.rounds), block.turns

    def sync_clock(self) -> None:
        """Publish the virtual clock to the guest if it moved since."""
        if self._vtime is not None and self.clock.generation != self._clock_generation:  # type: ignore[attr-defined]
            self._publish_clock()

    def check_open(self) -> None:
        """Raise :class:`ReactorClosedError` if the reactor is closed."""
        self._guest.check_open()

    @property
    def store(self) -> wasmtime.Store:
        """The wasmtime store (:class:`ReactorClosedError` once closed)."""
        return self._guest.store

    @property
    def memory(self) -> wasmtime.Memory:
        """The guest's exported memory (:class:`ReactorClosedError` once closed)."""
        self._guest.check_open()
        return self._guest.memory

    def prepare_export(self, name: str, slots: int) -> UncheckedCall:
        """A prepared call of the guest's export ``name`` (see :meth:`call_export`)."""
        return self._guest.prepare(name, slots)

    def call_export(self, call: UncheckedCall) -> None:
        """Run a prepared export call: publish virtual time, wake the guest, call."""
        self.sync_clock()
        self._wake = True
        self._guest.call(call)

    @property
    def dropped_output_bytes(self) -> int:
        """Output bytes dropped because one call wrote over ``MAX_PENDING_BYTES``."""
        return self._guest.output.dropped_bytes

    # ------------------------------------------------------------- the ABI --
    def start_main(self) -> None:
        """Queue the main goroutine (``go_start_main``). Idempotent: later
        calls do nothing. ``main`` runs on the following ticks."""
        guest = self._guest
        guest.check_open()
        if self._main_started or guest.state is not RUNNING:
            return
        guest.call(guest.prepare(abi.START_MAIN, 0))
        self._main_started = True
        self._wake = True

    def loop_once(self) -> int:
        """One ``go_tick``: ``LoopResult.IDLE`` (-1), ``LoopResult.READY`` (0)
        or the milliseconds (> 0) until the next timer. After the guest exited
        it returns IDLE without calling it."""
        state = self._guest.state
        if state is not RUNNING:
            if state is EXITED:
                return LoopResult.IDLE
            self._guest.check_open()
        result = self._tick(self._tick_call)
        if result <= 0:
            return _RESULTS[result + 1]
        return result

    def tick_for(self, budget_ns: int) -> int:
        """Run goroutines for up to ``budget_ns`` of wall time in one guest
        call (``go_tick_for``), checking the budget at every goroutine yield.
        Falls back to one ``loop_once`` on binaries without the extension."""
        c = self._tick_for_call
        if c is None or self._guest.state is not RUNNING:  # exited: IDLE; closed: raises
            return self.loop_once()
        c.i64.value = budget_ns
        return self._tick(c)

    def _tick(self, c: UncheckedCall) -> int:
        """Make a prepared tick call and record what it reported (wake flag,
        timer deadline, main's return), firing the hooks that depend on it.
        The hot path: one frame, no allocation."""
        if self._vtime is not None and self.clock.generation != self._clock_generation:  # type: ignore[attr-defined]
            self._publish_clock()
        guest = self._guest
        guest.call(c)
        if guest.state is not RUNNING:
            return LoopResult.IDLE
        result: int = c.i32.value
        if result < -1:
            guest.fail(bad_tick_result(self.name, abi.TICK if c is self._tick_call else abi.TICK_FOR, result))
        self.stats_ticks += 1
        previous = self.last_result
        self.last_result = result
        block = self._control
        self._wake = result == 0 or (result == -1 and block is None)  # seed: -1 is no deadline
        if result > 0:
            delay = block.delay_ns if block is not None else 0
            self.deadline_ns = self.clock.now_ns() + (delay if delay > 0 else result * 1_000_000)
            if self.hooks:
                self.hooks.emit_timer(self.deadline_ns)
        else:
            self.deadline_ns = None
            if result == -1 and previous != -1 and self.hooks:
                self.hooks.emit_idle()
        if block is not None and block.state & _MAIN_RETURNED and guest.exit_code is None:
            guest.exit_code = 0
            self.hooks.emit_exit(0)
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
        if block is not None and self._guest.state is not CLOSED:
            block.virt_mono = clock.now_ns()
            block.virt_wall = clock.wall_ns()

    # ----------------------------------------------------------- driving --
    @property
    def done(self) -> bool:
        """True once the guest exited or its main returned."""
        return self._guest.exit_code is not None

    @property
    def closed(self) -> bool:
        return self._guest.state is CLOSED

    def step(self, budget_ms: float, advance_ms: float | None = None) -> StepReport:
        """Run goroutines for at most about ``budget_ms`` of wall time (one
        frame); starts main if needed. ``advance_ms`` (virtual clock only)
        moves simulated time forward, waking due timers exactly at their
        deadlines. See :mod:`reactor_frame.scheduling.step`."""
        return step_reactor(self, budget_ms, advance_ms)

    def run(self, idle_timeout_s: float = DEFAULT_IDLE_TIMEOUT_S) -> int:
        """Start main if needed and drive the guest to completion; returns its
        exit code (the clock waits between timers). Returns 0 also when the
        guest goes idle with main blocked (``exit_code`` stays None); seed-ABI
        binaries, whose -1 is not trusted, after ``idle_timeout_s`` of -1s
        without work (scheduling/seedidle.py)."""
        return run_to_end(self, idle_timeout_s)

    async def run_async(self, slice_ms: float = 5.0,
                        idle_timeout_s: float = DEFAULT_IDLE_TIMEOUT_S) -> int:
        """``run`` on asyncio: runs the guest in slices of about ``slice_ms``
        and awaits between them (timers with ``asyncio.sleep``), so the event
        loop is never blocked for longer than one slice. On a virtual clock a
        slice is one scheduling round, so the run stays deterministic. A goroutine
        that never yields blocks the loop until the watchdog stops it."""
        return await run_to_end_async(self, slice_ms, idle_timeout_s)

    # ----------------------------------------------------------- interop --
    def shared(self, name: str) -> "SharedBuffer":
        """The records the guest publishes with ``guest.Share(name, ...)``, read
        in place (see :class:`SharedBuffer`)."""
        self._guest.check_open()
        assert self._interop is not None
        return self._interop.shared_buffer(name)

    # ------------------------------------------------------------ closing --
    def close(self) -> None:
        """Release the instance, store and their memory. Idempotent; every
        later use raises :class:`ReactorClosedError`. Refused with
        :class:`ConcurrentUseError` while another thread is inside a guest
        call, and with :class:`ReentrancyError` from inside one (a host
        function); from an output callback it is allowed and sticks."""
        self._guest.close()
        self._control = None
        self.forget_views()

    def __enter__(self) -> "Reactor":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        state = self._guest.state
        shown = f"exited({self.exit_code})" if state is EXITED else state.value
        return f"<Reactor {self.name!r} {shown}>"
