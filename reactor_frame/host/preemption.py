"""Preemption and seed-ABI progress: a mixin of :class:`~reactor_frame.Reactor`.

Kept apart from the facade so it stays small. Preemption (``host/preempt.py``)
is set up when the binary's control block publishes what the host needs; the
``preemption`` switch turns it off and on (on by default). ``seed_abi`` tells
the drivers that ``go_tick``'s ``-1`` cannot be trusted (see
``scheduling/seedidle.py``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import control as ctl
from .instance import CLOSED
from .preempt import PreemptSlot

if TYPE_CHECKING:
    import wasmtime

    from .._wasmtime import UncheckedCall
    from .engine import ReactorEngine
    from .instance import GuestInstance


class ProgressSupport:
    """Host preemption of budgeted ticks, and what the drivers ask about progress."""

    _guest: "GuestInstance"
    _control: "ctl.ControlBlock | None"
    _tick_for_call: "UncheckedCall | None"
    engine: "ReactorEngine"
    _preempt_slot: PreemptSlot | None = None

    def _attach_preempt(self, address: int | None) -> None:
        """Set up preemption if the control block at ``address`` publishes it."""
        block, call, guest = self._control, self._tick_for_call, self._guest
        self._preempt_slot = None
        if address is None or block is None or call is None or block.curg_addr == 0:
            guest.preempt = None
            return
        memory: wasmtime.Memory = guest.memory
        self._preempt_slot = guest.preempt = PreemptSlot(
            call, self.engine.wasmtime, guest.store, memory, address, block.curg_addr,
            block.off_stackguard0, block.off_preempt, ctl.ControlBlock.preempt_req.offset,
            block.stack_preempt)

    @property
    def preemption(self) -> bool:
        """Whether a budgeted tick still running at its deadline is preempted
        (default: on where the binary supports it; assign False to turn off)."""
        return self._guest.preempt is not None

    @preemption.setter
    def preemption(self, on: bool) -> None:
        self._guest.preempt = self._preempt_slot if on else None

    @property
    def can_preempt(self) -> bool:
        """Whether the binary lets the host preempt its ticks (control block version 2)."""
        return self._preempt_slot is not None

    def request_preemption(self) -> None:
        """Ask the goroutine the runtime last ran to stop, as the preempt
        thread does at a deadline. Between calls the request is stale and the
        runtime ignores it (a test of that rule); no-op without support."""
        slot = self._preempt_slot
        if slot is not None:
            self._guest.check_open()
            slot.request_now()

    @property
    def seed_abi(self) -> bool:
        """True for binaries without a control block: their ``go_tick`` may
        report -1 with work left, so -1 only means "no deadline known"."""
        return self._control is None

    @property
    def output_written_bytes(self) -> int:
        """Bytes the guest has written to stdout and stderr so far."""
        return self._guest.output.written_bytes

    def last_tick_preemption(self) -> tuple[int, int, str]:
        """(preemptions, goroutine id, function) of the last tick: how often
        the host's request ended or cut it, and where the last one stopped;
        (0, 0, "") when none or unsupported."""
        block = self._control
        if block is None or self._preempt_slot is None or self._guest.state is CLOSED:
            return 0, 0, ""
        count = block.preemptions
        if not count:
            return 0, 0, ""
        return count, block.preempt_goid, block.preempt_func.decode("utf-8", "replace")
