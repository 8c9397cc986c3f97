"""Driving a reactor to the end: ``Reactor.run`` and ``Reactor.run_async``.

Both tick until the guest exits or goes idle and let the reactor's clock
wait for each next timer in between (:meth:`Clock.wait_ns`: a real clock
sleeps, a virtual one jumps to the deadline).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..abi import LoopResult
from ..clock import check_ms
from .seedidle import SeedIdle

if TYPE_CHECKING:
    from ..host.reactor import Reactor


def run_to_end(r: Reactor, idle_timeout_s: float) -> int:
    """``Reactor.run``: see its docstring."""
    seed = SeedIdle(r, idle_timeout_s) if r.seed_abi else None
    r.start_main()
    while True:
        result = r.loop_once() if seed is None else seed.tick()
        if r.exit_code is not None:
            return r.exit_code
        if result == LoopResult.IDLE:
            if seed is None or seed.given_up():
                return 0
            seed.pause()
        if result > 0:
            r.clock.wait_ns(r.next_timer_ns() or 0)


async def run_to_end_async(r: Reactor, slice_ms: float, idle_timeout_s: float) -> int:
    """``Reactor.run_async``: see its docstring."""
    budget_ns = int(check_ms("slice_ms", slice_ms) * 1_000_000)
    seed = SeedIdle(r, idle_timeout_s) if r.seed_abi else None
    r.start_main()
    virtual = r.virtual_time
    while True:
        if seed is not None:
            result = seed.tick()
        else:
            result = r.loop_once() if virtual else r.tick_for(budget_ns)
        if r.exit_code is not None:
            return r.exit_code
        if result == LoopResult.IDLE:
            if seed is None or seed.given_up():
                return 0
            await r.clock.wait_ns_async(seed.pause_ns())
            continue
        await r.clock.wait_ns_async((r.next_timer_ns() or 0) if result > 0 else 0)
