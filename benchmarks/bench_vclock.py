"""Benchmark 7: virtual time.

The cost of a tick on a ``VirtualClock`` against the real clock, both while
``vclock`` waits on a timer (the guest reads its clock every tick: from the
control block in virtual mode, through WASI ``clock_time_get`` in real
mode); and fast-forward: ``run()`` of ``vclock``, which sleeps ~10.5 s, on a
virtual clock that jumps to each timer, against the real-time run (full
runs) or the 10.5 s of time it represents (``--quick``).
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Sequence
from time import perf_counter_ns

from reactor_frame import Reactor, VirtualClock
from reactor_frame.clock import Clock, RealClock

from .context import Context, Output
from .result import BenchResult, Target
from .runner import standalone
from .stats import median
from .timing import gc_paused

NAME = "vclock"
TITLE = "Virtual time: tick cost virtual vs real clock; fast-forward of 10.5 s of sleeps"
TICK_RATIO_TARGET = 2.0
FAST_FORWARD_TARGET_S = 0.25
_UNITS = {"ns": 1e-9, "us": 1e-6, "µs": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0, "h": 3600.0}


def go_duration_s(text: str) -> float:
    """Seconds in a Go ``time.Duration`` string such as ``10.5s`` or ``1m2.5s``."""
    parts = re.findall(r"([0-9.]+)(ns|us|µs|ms|s|m|h)", text)
    if not parts:
        raise ValueError(f"not a Go duration: {text!r}")
    return sum(float(v) * _UNITS[u] for v, u in parts)


def waiting_reactor(ctx: Context, clock: Clock) -> Reactor:
    """A vclock reactor whose guest is waiting on a timer."""
    reactor = ctx.reactor("vclock", clock=clock)
    reactor.start_main()
    wait_for_timer(reactor)
    return reactor


def wait_for_timer(reactor: Reactor) -> None:
    for _ in range(1000):
        if reactor.loop_once() > 0:
            return
    raise RuntimeError("vclock never waited on a timer")


def tick_batch_us(reactor: Reactor, calls: int, before: Callable[[], None] | None) -> float | None:
    """Per-call us of ``calls`` loop_once calls that all find the guest still
    waiting; None (and the guest re-settled) if a timer fired meanwhile."""
    tick = reactor.loop_once
    fired = False
    started = perf_counter_ns()
    if before is None:
        for _ in range(calls):
            fired |= tick() <= 0
    else:
        for _ in range(calls):
            before()
            fired |= tick() <= 0
    elapsed = perf_counter_ns() - started
    if fired:
        wait_for_timer(reactor)
        return None
    return elapsed / calls / 1e3


def tick_costs(ctx: Context) -> dict[str, list[float]]:
    """Interleaved per-tick samples: real clock, virtual clock, and virtual
    clock advanced 1 us before each tick (so every tick publishes the time)."""
    virtual, advanced = VirtualClock(), VirtualClock()
    cases = {
        "real": (waiting_reactor(ctx, RealClock()), None),
        "virtual": (waiting_reactor(ctx, virtual), None),
        "virtual_advancing": (waiting_reactor(ctx, advanced), lambda: advanced.advance_ns(1000)),
    }
    out: dict[str, list[float]] = {k: [] for k in cases}
    calls, samples = ctx.pick(1000, 4000), ctx.pick(7, 25)
    try:
        with gc_paused():
            for _ in range(samples * 3):
                if all(len(v) >= samples for v in out.values()):
                    break
                for name, (reactor, before) in cases.items():
                    us = tick_batch_us(reactor, calls, before)
                    if us is not None and len(out[name]) < samples:
                        out[name].append(us)
    finally:
        for reactor, _ in cases.values():
            reactor.close()
    return out


def run_s(ctx: Context, clock: Clock) -> tuple[float, str]:
    """Wall seconds of ``vclock``'s ``run()`` on ``clock``, and its output."""
    sink = Output()
    reactor = ctx.reactor("vclock", output=sink, clock=clock)
    try:
        started = perf_counter_ns()
        code = reactor.run()
        elapsed = (perf_counter_ns() - started) / 1e9
    finally:
        reactor.close()
    if code != 0:
        raise RuntimeError(f"vclock exited with {code}: {sink.text[-500:]}")
    return elapsed, sink.text


def run(ctx: Context) -> BenchResult:
    res = BenchResult(NAME, TITLE)
    ticks = tick_costs(ctx)
    real, virtual, advancing = (median(ticks[k]) for k in ("real", "virtual", "virtual_advancing"))
    res.add("virtual tick (guest waiting)", virtual, "us", real, "real clock",
            Target("ratio", "<=", TICK_RATIO_TARGET))
    res.add("virtual tick after advance", advancing, "us", real, "real clock",
            Target("ratio", "<=", TICK_RATIO_TARGET),
            note="clock advanced 1 us before each tick (time published every tick)")
    res.add("real-clock tick (guest waiting)", real, "us")
    for key, values in ticks.items():
        res.samples[f"tick_{key}_us"] = values

    runs = [run_s(ctx, VirtualClock()) for _ in range(ctx.pick(3, 5))]
    fast = median([s for s, _ in runs])
    text = runs[0][1]
    total = re.search(r"^total (\S+)$", text, re.MULTILINE)
    represented = go_duration_s(total.group(1)) if total else float("nan")
    res.details["virtual_output"] = text
    res.details["exact_sleep"] = "slept 250ms\n" in text
    if ctx.quick:
        base, label = represented, "virtual time represented"
    else:
        base, label = run_s(ctx, RealClock())[0], "real-time run"
    res.add("fast-forward run()", fast, "s", base, label,
            Target("figure", "<=", FAST_FORWARD_TARGET_S))
    res.add("virtual time covered", represented, "s", note="the guest's own time.Since total")
    res.samples["fast_forward_s"] = [s for s, _ in runs]
    res.notes.append(
        "tick samples are batches of loop_once while vclock waits on a timer (batches in "
        "which a timer fired are discarded); fast-forward output exact: "
        f"{res.details['exact_sleep']}")
    return res


def main(argv: Sequence[str] | None = None) -> int:
    return standalone(sys.modules[__name__], argv)


if __name__ == "__main__":
    sys.exit(main())
