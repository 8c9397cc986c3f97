"""Taking a snapshot: check what cannot travel, then copy."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..clock import VirtualClock
from ..errors import SnapshotStateError
from .image import ReactorSnapshot

if TYPE_CHECKING:
    from ..host.reactor import Reactor


def take_snapshot(r: Reactor, *, allow_real_time: bool, allow_host_files: bool) -> ReactorSnapshot:
    """``Reactor.snapshot``: the caller holds the reactor outside guest calls."""
    identity = r.module_identity
    if not identity.globals:
        raise SnapshotStateError(
            f"{r.name}: its module does not export its wasm globals, which a snapshot must save; "
            "rebuild it with this version's `reactor-frame build`, or load it with "
            "Reactor(path_or_bytes, snapshots=True), which adds the exports at load")
    real_time = not isinstance(r.clock, VirtualClock)
    if real_time and not allow_real_time:
        raise SnapshotStateError(
            f"{r.name} runs on the real clock, whose time cannot be restored (each instance's "
            "monotonic clock starts anew, so timers would fire late or never); run it on a "
            "VirtualClock, or pass snapshot(allow_real_time=True) to keep only the time left "
            "to each timer")
    if r.uses_host_files and not allow_host_files:
        raise SnapshotStateError(
            f"{r.name} was given preopened directories or stdin, whose open files and offsets "
            "live outside the guest and cannot be restored; pass "
            "snapshot(allow_host_files=True) if the program no longer uses them")
    memory, globals_ = r.read_guest()
    return ReactorSnapshot(identity, memory, globals_, r.host_state(), real_time, r.uses_host_files)
