"""Snapshots, the ``Reactor`` side: ``snapshot()``, ``restore()``,
``from_snapshot()``, and the small interface :mod:`reactor_frame.snapshot`
uses to read and replace a reactor's guest and host state.

Mixed into ``Reactor`` (a part of that class kept in its own module); the
attributes it relies on are declared below.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from .. import abi
from ..clock import Clock, VirtualClock
from ..errors import ReentrancyError
from ..snapshot.capture import take_snapshot
from ..snapshot.image import ReactorSnapshot
from ..snapshot.restore import clock_for, restore_into
from . import clockusers
from .hoststate import HostState
from .identity import ModuleIdentity, module_identity
from .instance import EXITED, RUNNING, GuestInstance

if TYPE_CHECKING:
    from ..interop.link import InteropLink
    from ..scheduling.hooks import Hooks
    from .loader import Source


class SnapshotSupport:
    """Mixed into ``Reactor``: snapshots of its state.

    ``Reactor(path_or_bytes, snapshots=True)`` lets a binary not built by
    ``reactor-frame build`` take snapshots: its wasm globals get exports
    added at load.
    """

    name: str
    clock: Clock
    hooks: "Hooks"
    max_memory_mb: int | None
    deadline_ns: int | None
    last_result: int
    _guest: GuestInstance
    _interop: "InteropLink | None"
    _rng: random.Random | None
    _module_info: Any
    _digest: str | None
    _identity: ModuleIdentity | None
    _host_files: bool
    _main_started: bool
    _wake: bool
    _control_address: int | None
    _clock_generation: int

    def _attach_control(self, address: int | None) -> None:
        raise NotImplementedError

    def sync_clock(self) -> None:
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError

    @property
    def closed(self) -> bool:
        raise NotImplementedError

    # ------------------------------------------------------------ the API --
    def snapshot(self, *, allow_real_time: bool = False, allow_host_files: bool = False) -> ReactorSnapshot:
        """An immutable snapshot of this reactor between guest calls: guest
        memory, globals and host state. See :mod:`reactor_frame.snapshot`.

        Real-clock time and preopened files or stdin cannot travel; they are
        refused with :class:`SnapshotStateError` unless allowed here.
        """
        with self._guest.between_calls():
            self._refuse_mid_call()
            return take_snapshot(self, allow_real_time=allow_real_time,  # type: ignore[arg-type]
                                 allow_host_files=allow_host_files)

    def restore(self, snapshot: ReactorSnapshot, *, move_shared_clock: bool = False) -> None:
        """Put this reactor back at the moment ``snapshot`` was taken (its
        VirtualClock too). A VirtualClock shared with other open reactors is
        refused unless ``move_shared_clock=True`` (it moves their time too).
        Nothing changes when it raises."""
        with self._guest.between_calls():
            self._refuse_mid_call()
            restore_into(self, snapshot, fresh=False,  # type: ignore[arg-type]
                         move_shared_clock=move_shared_clock)

    @classmethod
    def from_snapshot(cls, snapshot: ReactorSnapshot, source: "Source", *, clock: Clock | None = None,
                      move_shared_clock: bool = False, **options: Any) -> Any:
        """A new reactor on ``source`` (the snapshot's module) continuing from
        ``snapshot``; ``_initialize`` is not run again. On virtual time it
        gets a VirtualClock at the snapshot's time, or sets ``clock`` to it
        (refused for a clock other open reactors use, unless
        ``move_shared_clock=True``). ``options`` are ``Reactor``'s (stdout,
        imports, max_memory_mb...); a seeded random stream continues from
        the snapshot."""
        new_clock = clock_for(snapshot, clock, move_shared_clock=move_shared_clock)
        if snapshot.host.random_state is not None:
            options.setdefault("seed", 0)  # any seed: the stream's state comes from the snapshot
        return cls(source, clock=new_clock, _from_snapshot=snapshot, **options)  # type: ignore[call-arg]

    def _resume(self, snapshot: ReactorSnapshot) -> None:
        """The end of ``from_snapshot``: the new instance takes the snapshot's state."""
        try:
            restore_into(self, snapshot, fresh=True)  # type: ignore[arg-type]
        except BaseException:
            self.close()
            raise

    def _refuse_mid_call(self) -> None:
        if self._guest.output.delivering or self.hooks.mid_call:
            raise ReentrancyError(
                f"{self.name}: snapshot() and restore() cannot run from an output callback or a "
                "timer/idle/exit hook: the reactor is still recording the guest call that wrote "
                "the output or fired the hook. Call them between steps (a 'step' hook is fine)")

    # --------------------------------------- interface for the snapshot package --
    @property
    def module_identity(self) -> ModuleIdentity:
        """What identifies this reactor's module, its ABI and global layout."""
        if self._identity is None:  # computed on first use: it costs start-up time
            self._identity = module_identity(self._module_info, self._digest)
        return self._identity

    @property
    def uses_host_files(self) -> bool:
        """Whether the reactor was given preopened directories or stdin."""
        return self._host_files

    @property
    def shares_clock(self) -> bool:
        """Whether another open reactor runs on this reactor's clock object."""
        return clockusers.reactors_on_clock(self.clock) > (0 if self.closed else 1)

    @property
    def seeded(self) -> bool:
        """Whether ``random_get`` answers a seeded stream (``seed=``)."""
        return self._rng is not None

    def _global_names(self) -> list[str]:
        return [f"{abi.GLOBAL_EXPORT_PREFIX}{i}" for i in range(len(self.module_identity.globals))]

    def read_guest(self) -> tuple[bytes, tuple[int, ...]]:
        """A copy of guest memory and the values of the module's globals."""
        self._guest.check_open()
        return self._guest.read_image(self._global_names())

    def write_guest(self, memory: bytes, globals_: Sequence[int],
                    nonzero: Sequence[tuple[int, int]] | None = None) -> None:
        """Replace guest memory and globals (see ``GuestInstance.write_image``)."""
        self._guest.check_open()
        self._guest.write_image(memory, self._global_names(), globals_, nonzero)

    def host_state(self) -> HostState:
        """The host-side state a snapshot carries (between guest calls)."""
        guest = self._guest
        guest.check_open()
        assert self._interop is not None
        deadline = self.deadline_ns
        clock = self.clock
        return HostState(
            exited=guest.state is EXITED, exit_code=guest.exit_code, main_started=self._main_started,
            wake=self._wake, deadline_in_ns=None if deadline is None else deadline - clock.now_ns(),
            last_result=int(self.last_result),
            clock_ns=clock.now_ns() if isinstance(clock, VirtualClock) else None,
            wall_ns=clock.wall_ns() if isinstance(clock, VirtualClock) else None,
            random_state=self._rng.getstate() if self._rng is not None else None,
            control_address=self._control_address,
            output=guest.output.save_state(), interop=self._interop.save_state())

    def set_host_state(self, state: HostState) -> None:
        """Put back host state after :meth:`write_guest` restored the guest,
        and let the guest runtime know its memory was replaced. Sets a
        VirtualClock to the state's time."""
        guest = self._guest
        guest.check_open()
        assert self._interop is not None
        clock = self.clock
        if state.clock_ns is not None and isinstance(clock, VirtualClock):
            clock.set_time_ns(state.clock_ns, state.wall_ns)
        if self._rng is not None and state.random_state is not None:
            self._rng.setstate(state.random_state)
        guest.output.load_state(state.output)
        self._interop.load_state(state.interop)
        guest.state = EXITED if state.exited else RUNNING
        guest.exit_code = state.exit_code
        self._main_started = state.main_started
        self._wake = state.wake
        self.deadline_ns = None if state.deadline_in_ns is None else clock.now_ns() + state.deadline_in_ns
        self.last_result = state.last_result
        self._attach_control(state.control_address)
        self._clock_generation = -1
        self.sync_clock()
        if not state.exited and abi.RESTORED in self._module_info.exports:
            guest.call(guest.prepare(abi.RESTORED, 0))
