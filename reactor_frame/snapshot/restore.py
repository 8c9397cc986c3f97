"""Restoring a snapshot: check that it fits, then replace guest and host
state. Every check comes before the first change, so a refused restore
leaves the reactor as it was."""

from __future__ import annotations

from typing import TYPE_CHECKING

import wasmtime

from ..clock import Clock, VirtualClock
from ..errors import SnapshotLimitError, SnapshotMismatchError, SnapshotStateError
from ..host.causes import cause_line
from ..host.clockusers import reactors_on_clock
from .image import ReactorSnapshot

if TYPE_CHECKING:
    from ..host.reactor import Reactor


def clock_for(snapshot: ReactorSnapshot, clock: Clock | None, *, move_shared_clock: bool) -> Clock | None:
    """The clock ``Reactor.from_snapshot`` gives the new reactor: on virtual
    time ``clock`` (checked, set later) or a new VirtualClock at the
    snapshot's time."""
    _check_type(snapshot)
    if snapshot.clock_ns is None:
        if isinstance(clock, VirtualClock):
            raise SnapshotMismatchError(
                "the snapshot was taken on real time; a reactor on a VirtualClock cannot continue it")
        return clock
    if clock is None:
        return VirtualClock(snapshot.clock_ns, snapshot.host.wall_ns or VirtualClock.DEFAULT_WALL_START_NS)
    if not isinstance(clock, VirtualClock):
        raise SnapshotMismatchError(
            "the snapshot was taken on a VirtualClock; give the new reactor one (or none, to get a "
            "VirtualClock at the snapshot's time)")
    if reactors_on_clock(clock) and not move_shared_clock and clock.now_ns() != snapshot.clock_ns:
        raise SnapshotStateError(
            "the given VirtualClock is used by other open reactors; setting it to the snapshot's "
            "time would move their time too. Pass move_shared_clock=True to do so, or give the "
            "new reactor a clock of its own")
    return clock


def restore_into(r: Reactor, snapshot: ReactorSnapshot, *, fresh: bool,
                 move_shared_clock: bool = False) -> None:
    """``Reactor.restore`` (``fresh=False``, caller holds the reactor outside
    guest calls) and the last step of ``Reactor.from_snapshot``."""
    _check_type(snapshot)
    _check_fits(r, snapshot)
    clock = r.clock
    if snapshot.clock_ns is not None:
        if not isinstance(clock, VirtualClock):
            raise SnapshotMismatchError(
                f"{r.name}: the snapshot was taken on a VirtualClock, this reactor runs on real "
                "time; restore it into a reactor on a VirtualClock (Reactor.from_snapshot makes one)")
        if (not fresh and r.shares_clock and not move_shared_clock
                and clock.now_ns() != snapshot.clock_ns):
            raise SnapshotStateError(
                f"{r.name}: its VirtualClock is shared with other open reactors; restoring would "
                "move their time too. Pass restore(snapshot, move_shared_clock=True) to do so, or "
                "give each reactor a clock of its own")
    elif isinstance(clock, VirtualClock):
        raise SnapshotMismatchError(
            f"{r.name}: the snapshot was taken on real time, this reactor runs on a VirtualClock")
    if snapshot.host.random_state is not None and not r.seeded:
        raise SnapshotMismatchError(
            f"{r.name}: the snapshot carries a seeded random stream, this reactor has none; "
            "create it with seed= (any value: the stream continues from the snapshot)")
    limit_mb = r.max_memory_mb
    if limit_mb is not None and snapshot.memory_size > limit_mb << 20:
        raise SnapshotLimitError(
            f"{r.name}: the snapshot has {snapshot.memory_size / 2**20:.1f} MiB of guest memory, over "
            f"this reactor's max_memory_mb={limit_mb}; raise max_memory_mb")
    try:
        r.write_guest(snapshot.memory, snapshot.globals, snapshot.data_runs)
    except wasmtime.WasmtimeError as exc:  # memory could not grow: nothing changed
        raise SnapshotLimitError(
            f"{r.name}: guest memory cannot grow to the snapshot's "
            f"{snapshot.memory_size / 2**20:.1f} MiB: {cause_line(exc)}") from None
    r.set_host_state(snapshot.host)


def _check_type(snapshot: object) -> None:
    if not isinstance(snapshot, ReactorSnapshot):
        raise TypeError(f"expected a ReactorSnapshot, not {type(snapshot).__name__}")


def _check_fits(r: Reactor, snapshot: ReactorSnapshot) -> None:
    mine, theirs = r.module_identity, snapshot.module
    if not mine.globals:
        raise SnapshotStateError(
            f"{r.name}: its module does not export its wasm globals, so a snapshot cannot be "
            "restored into it; load it with snapshots=True or rebuild it with reactor-frame build")
    if mine.globals != theirs.globals:
        raise SnapshotMismatchError(
            f"{r.name}: the snapshot's module has globals ({', '.join(theirs.globals)}), this one "
            f"({', '.join(mine.globals)}): it comes from another program; restore it into a "
            "reactor on the module it was taken from")
    if (mine.tick_for, mine.control) != (theirs.tick_for, theirs.control):
        raise SnapshotMismatchError(
            f"{r.name}: the snapshot's module has other reactor ABI features "
            f"(go_tick_for: {theirs.tick_for}, control block: {theirs.control}; this one: "
            f"{mine.tick_for}, {mine.control}): it comes from another build")
    same = (mine.sha256 == theirs.sha256 if mine.sha256 and theirs.sha256
            else mine.shape == theirs.shape)
    if not same:
        raise SnapshotMismatchError(
            f"{r.name}: the snapshot was taken from another module (sha256 "
            f"{(theirs.sha256 or 'unknown')[:16]}, this one {(mine.sha256 or 'unknown')[:16]}); "
            "restore it into a reactor on the exact .wasm it was taken from")
