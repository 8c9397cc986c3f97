"""The two ways ``reactor-frame run`` drives a reactor to the end, counting
into :class:`RunStats` as they go.

``to_completion`` is ``Reactor.run`` with the counting the stats need: tick
until the guest exits or goes idle, waiting for each timer in between.
``by_frames`` is a frame loop: ``step(budget)`` per frame, a new frame at once
while goroutines are runnable, else a wait until the next timer. On a virtual
clock every wait is a jump of the clock to the deadline.
"""

from __future__ import annotations

from collections.abc import Callable
from time import perf_counter_ns
from typing import TypeVar

from ..abi import LoopResult
from ..host.reactor import Reactor
from ..scheduling.seedidle import DEFAULT_IDLE_TIMEOUT_S, SeedIdle
from .stats import RunStats

T = TypeVar("T")


def to_completion(reactor: Reactor, stats: RunStats) -> None:
    """Start main and tick until the guest exits or goes idle (seed-ABI
    binaries: until their -1s outlast the idle timeout, scheduling/seedidle.py)."""
    seed = SeedIdle(reactor, DEFAULT_IDLE_TIMEOUT_S) if reactor.seed_abi else None
    _timed(stats, reactor.start_main)
    while True:
        result = _timed(stats, reactor.loop_once if seed is None else seed.tick)
        if reactor.done:
            return
        if result == LoopResult.IDLE:
            if seed is None or seed.given_up():
                return
            seed.pause()
            continue
        if result > 0:
            wait_for_timer(reactor, stats)


def by_frames(reactor: Reactor, budget_ms: float, stats: RunStats) -> None:
    """Step frame by frame until the guest exits or goes idle."""
    seed = SeedIdle(reactor, DEFAULT_IDLE_TIMEOUT_S) if reactor.seed_abi else None
    while True:
        written = reactor.output_written_bytes if seed is not None else 0
        report = reactor.step(budget_ms)
        elapsed_ns = int(report.elapsed_ms * 1e6)
        stats.frames += 1
        stats.guest_ns += elapsed_ns
        stats.longest_frame_ns = max(stats.longest_frame_ns, elapsed_ns)
        if report.idle:
            return
        if seed is not None and report.result == LoopResult.IDLE:
            seed.note(report.result, seed.worked(elapsed_ns, written))
            if seed.given_up():
                return
            seed.pause()
        if report.result > 0:
            wait_for_timer(reactor, stats)


def wait_for_timer(reactor: Reactor, stats: RunStats) -> None:
    """Sleep (or, on a virtual clock, jump) until the guest's next timer."""
    delay_ns = reactor.next_timer_ns() or 0
    reactor.clock.wait_ns(delay_ns)
    stats.waits += 1
    stats.waited_ns += delay_ns


def _timed(stats: RunStats, call: Callable[[], T]) -> T:
    started = perf_counter_ns()
    try:
        return call()
    finally:
        stats.guest_ns += perf_counter_ns() - started
