"""The frame-budget scheduler: step, deadlines, hooks, FrameScheduler.

A step ends by the wall clock, but on a shared machine its wall time also
counts the time the operating system gave to others. So lower bounds ("the
budget is used") are on wall time, which only grows under load, and upper
bounds ("the step kept to its budget") are on this thread's CPU time
(``time.thread_time``), which does not. The tight targets are measured in
benchmarks/bench_step.py.
"""

from __future__ import annotations

import time

import pytest
import wasmtime

import reactor_frame as rf
from reactor_frame import FrameScheduler, LoopResult, Reactor, VirtualClock

# A seed-ABI reactor (no extensions): after go_start_main, each go_tick burns
# about 1 ms of CPU and reports "ready" until its counter runs out, then idles.
SEED_BUSY_WAT = """(module
  (memory (export "memory") 1)
  (global $n (mut i32) (i32.const 0))
  (func (export "_initialize"))
  (func (export "go_start_main") (global.set $n (i32.const 30)))
  (func $burn (local $i i32)
    (loop $l (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (i32.const 1500000)))))
  (func (export "go_tick") (result i32)
    (if (i32.le_s (global.get $n) (i32.const 0)) (then (return (i32.const -1))))
    (call $burn)
    (global.set $n (i32.sub (global.get $n) (i32.const 1)))
    (if (result i32) (i32.gt_s (global.get $n) (i32.const 0))
      (then (i32.const 0)) (else (i32.const -1)))))"""


def test_step_starts_main_and_reports(make_reactor):
    out: list[str] = []
    r = make_reactor("hello", stdout=out.append)
    rep = r.step(50.0)
    assert out == ["hello from go\n"]
    assert rep.calls >= 1 and rep.ticks >= 1
    assert rep.exit_code == 0 and rep.idle
    assert rep.elapsed_ms > 0 and rep.budget_ms == 50.0


def test_step_records_timer_deadline_and_skips_until_it(make_reactor):
    r = make_reactor("vclock")  # first sleeps 250 ms
    rep = r.step(20.0)
    assert rep.result > 0 and not rep.idle
    assert rep.next_timer_ms is not None and 150 < rep.next_timer_ms <= 250
    assert rep.deadline_ns is not None and rep.deadline_ns == r.deadline_ns
    cpu = time.thread_time()
    skipped = r.step(20.0)
    cpu = time.thread_time() - cpu
    assert skipped.calls == 0 and skipped.ticks == 0  # provably nothing to do: no guest call
    assert cpu < 0.005
    assert skipped.next_timer_ms is not None and skipped.next_timer_ms <= rep.next_timer_ms


def test_idle_reactor_step_makes_no_guest_call(make_reactor):
    r = make_reactor("blockforever", args=["blockforever", "main"])
    r.run()
    ticks_before = r.stats_ticks
    rep = r.step(4.0)
    assert rep.idle and rep.calls == 0 and r.stats_ticks == ticks_before


def test_budget_is_used_and_respected_with_tick_for(make_reactor):
    out: list[str] = []
    r = make_reactor("busywork", args=["busywork", "50", "20"], stdout=out.append)
    assert r.features.tick_for
    steps, cpu_ms = [], []
    while not r.done and len(steps) < 1000:
        cpu = time.thread_time()
        steps.append(r.step(4.0))
        cpu_ms.append((time.thread_time() - cpu) * 1000)
    assert out and out[0].startswith("busywork 50 goroutines 20 chunks")
    # Every chunk ends in a Gosched, one counted turn: the steps together
    # account for all 1000 chunks, however the machine's load split them.
    assert sum(rep.turns for rep in steps) >= 50 * 20
    working = steps[:-1]
    assert len(working) >= 5
    for rep, cpu in zip(working, cpu_ms):
        assert rep.calls >= 1
        assert rep.elapsed_ms >= 3.5, "the budget is used, not wasted"
        assert cpu < 4.0 + 20.0, "generous: one 0.2 ms chunk past the budget is the design"


def test_seed_abi_fallback_repeats_go_tick_within_budget():
    with Reactor(wasmtime.wat2wasm(SEED_BUSY_WAT)) as r:
        assert not r.features.tick_for
        rep = r.step(5.0)
        assert rep.calls == rep.ticks >= 2  # several go_tick calls in one step
        total = rep.ticks
        while rep.result != LoopResult.IDLE:
            rep = r.step(5.0)
            total += rep.ticks
        assert total == 30
        assert r.last_result == LoopResult.IDLE
        # A seed binary's -1 is not trusted: the next frame ticks again.
        rep = r.step(5.0)
        assert (rep.calls, rep.result, rep.idle) == (1, LoopResult.IDLE, False)


def test_endless_yielding_goroutines_step_always_returns(make_reactor):
    r = make_reactor("busywork", args=["busywork", "3", "100000000"])
    for _ in range(20):
        cpu = time.thread_time()
        rep = r.step(2.0)
        cpu = time.thread_time() - cpu
        assert rep.result == LoopResult.READY and not rep.idle
        assert rep.calls >= 1 and rep.turns >= 1
        assert cpu * 1000 < 2.0 + 20.0


def test_hooks_fire_without_polling(make_reactor):
    clock = VirtualClock()
    r = make_reactor("timers", clock=clock)
    events: list[tuple] = []
    r.hooks.on("output", lambda rr, stream, text: events.append(("output", stream, text)))
    r.hooks.on("timer", lambda rr, deadline: events.append(("timer", deadline)))
    r.hooks.on("exit", lambda rr, code: events.append(("exit", code)))

    @r.hooks.on("step")
    def on_step(rr, report):
        assert rr is r
        events.append(("step", report.calls))

    while not r.done:
        rep = r.step(10.0)
        if rep.next_timer_ms:
            clock.advance(rep.next_timer_ms)
    kinds = [e[0] for e in events]
    assert ("output", "stdout", "slept 1ms\n") in events
    assert "timer" in kinds and kinds[-1] == "step"
    assert ("exit", 0) in events
    # Each timer the guest set is reported once, at its deadline on the
    # reactor's clock: sleeps end at 1, 10, 50, 120 ms, ticks at 140, 160,
    # 180 and time.After at 210 ms after the start.
    timer_deadlines = [e[1] for e in events if e[0] == "timer"]
    start_ns = VirtualClock.DEFAULT_START_NS
    assert [(d - start_ns) // 1_000_000 for d in timer_deadlines] == [1, 10, 50, 120, 140, 160, 180, 210]
    r.hooks.off("step", on_step)
    with pytest.raises(ValueError, match="unknown hook event"):
        r.hooks.on("nonsense", print)


def test_idle_and_error_hooks(make_reactor):
    r = make_reactor("blockforever", args=["blockforever", "main"])
    idles: list[object] = []
    r.hooks.on("idle", lambda rr: idles.append(rr))
    r.step(50.0)
    r.step(50.0)
    assert idles == [r]  # fired once, on becoming idle

    p = make_reactor("panic", args=["panic", "boom"])
    errors: list[BaseException] = []
    p.hooks.on("error", lambda rr, exc: errors.append(exc))
    with pytest.raises(rf.GoPanicError):
        p.step(50.0)
    assert len(errors) == 1 and isinstance(errors[0], rf.GoPanicError)


def test_spinning_goroutine_is_stopped_by_the_watchdog(make_reactor):
    r = make_reactor("spin", tick_timeout=0.2)
    cpu = time.thread_time()
    with pytest.raises(rf.ReactorTimeoutError):
        while True:
            r.step(4.0)
    assert time.thread_time() - cpu < 5.0  # the spin was stopped, however loaded the machine
    assert r.closed


def test_negative_budget_is_rejected(make_reactor):
    r = make_reactor("hello")
    with pytest.raises(ValueError):
        r.step(-1.0)
    with pytest.raises(rf.ReactorError, match="VirtualClock"):
        r.step(1.0, advance_ms=16.0)


# ------------------------------------------------------- FrameScheduler --

def test_frame_scheduler_shares_budget_and_nobody_starves(make_reactor):
    outs: list[list[str]] = [[] for _ in range(4)]
    reactors = [make_reactor("busywork", args=["busywork", "10", "20"], stdout=o.append)
                for o in outs]
    sched = FrameScheduler(reactors)
    frames = 0
    calls = [0] * 4
    while not sched.all_done and frames < 2000:
        reports = sched.step(8.0)
        frames += 1
        assert len(reports) == 4
        for i, rep in enumerate(reports):
            calls[i] += rep.calls
    assert sched.all_done
    assert all(o and o[0].startswith("busywork 10 goroutines") for o in outs)
    assert min(calls) >= 0.5 * max(calls), f"uneven service: {calls}"


def test_frame_scheduler_continues_other_reactors_when_one_fails(make_reactor):
    good_out: list[str] = []
    good = make_reactor("hello", stdout=good_out.append)
    bad = make_reactor("panic", args=["panic", "boom"])
    sched = FrameScheduler([bad, good])
    with pytest.raises(rf.GoPanicError) as info:
        sched.step(50.0)
    assert good_out == ["hello from go\n"]  # the healthy reactor still got its frame
    reports = info.value.frame_reports  # type: ignore[attr-defined]
    assert len(reports) == 2 and reports[0].idle
    assert bad.closed
    again = sched.step(5.0)  # the closed reactor is idle, not an error
    assert again[0].idle and again[0].calls == 0


def test_frame_scheduler_skips_reactors_without_work(make_reactor):
    waiting = make_reactor("vclock")
    busy = make_reactor("busywork", args=["busywork", "3", "100000000"])
    sched = FrameScheduler([waiting, busy])
    sched.step(5.0)
    reports = sched.step(5.0)
    assert reports[0].calls == 0  # sleeping 250 ms: no call
    assert reports[1].calls >= 1
