"""Simulation time: virtual clock, seeded randomness, deterministic fast-forward."""

from __future__ import annotations

import dataclasses
import struct
import time

import pytest
import wasmtime

import reactor_frame as rf
from reactor_frame import FrameScheduler, Reactor, VirtualClock

from .conftest import TESTDATA

VCLOCK_LINES = [
    "start 2026-01-01T00:00:00Z",
    "slept 250ms",
    "ticked 10 times in 160ms",
    "slept 40 steps in 10s",
    "total 10.41s",
    "end 2026-01-01T00:00:10.41Z",
]


def test_clock_basics():
    clock = VirtualClock()
    assert clock.now_ns() == VirtualClock.DEFAULT_START_NS > 0
    clock.advance(16.5)
    assert clock.now_ns() == VirtualClock.DEFAULT_START_NS + 16_500_000
    clock.advance_to_ns(clock.now_ns() - 5)  # never backwards
    assert clock.now_ns() == VirtualClock.DEFAULT_START_NS + 16_500_000
    with pytest.raises(ValueError):
        clock.advance_ns(-1)
    with pytest.raises(ValueError, match="rejects a clock that reads 0"):
        VirtualClock(start_ns=0)


def test_run_fast_forwards_exactly(make_reactor):
    out: list[str] = []
    clock = VirtualClock()
    r = make_reactor("vclock", clock=clock, stdout=out.append)
    started = time.perf_counter()
    assert r.run() == 0
    wall = time.perf_counter() - started
    assert "".join(out).splitlines() == VCLOCK_LINES
    # Waiting for real could not take less than the 10.41 s waited, however
    # loaded the machine; jumping takes milliseconds.
    assert wall < 10.41, f"10.41 s of virtual timers took {wall:.2f} s of wall time"
    assert clock.now_ns() == VirtualClock.DEFAULT_START_NS + 10_410_000_000


def test_frame_stepping_wakes_timers_exactly_at_their_deadline(make_reactor):
    out: list[str] = []
    r = make_reactor("vclock", clock=VirtualClock(), stdout=out.append)
    frames = 0
    while not r.done:
        r.step(4.0, advance_ms=16.667)  # 60 FPS: deadlines fall between frames
        frames += 1
    assert "".join(out).splitlines() == VCLOCK_LINES  # "slept 250ms", not 250.01
    assert frames == pytest.approx(10_410 / 16.667, abs=2)


def test_timer_fires_only_when_the_host_advances_time(make_reactor):
    out: list[str] = []
    clock = VirtualClock()
    r = make_reactor("vclock", clock=clock, stdout=out.append)
    rep = r.step(10.0)
    assert rep.next_timer_ms == 250.0  # exact: read from the control block
    for _ in range(3):
        assert r.step(10.0).calls == 0  # time stands still: nothing due
    clock.advance(249.999)
    assert r.step(10.0).calls == 0
    assert "slept 250ms\n" not in out
    clock.advance(0.001)
    r.step(10.0)
    assert "slept 250ms\n" in out


def _report_fields(rep: rf.StepReport) -> tuple:
    fields = dataclasses.asdict(rep)
    fields.pop("elapsed_ms")  # wall time and CPU time: the only fields that may differ
    fields.pop("cpu_ms")
    return tuple(sorted(fields.items()))


def _simulate(rf_engine, name: str, seed: int, frames: int, **kwargs) -> tuple[str, list[tuple]]:
    out: list[str] = []
    with Reactor(TESTDATA / f"{name}.wasm", engine=rf_engine, clock=VirtualClock(), seed=seed,
                 stdout=out.append, stderr=out.append, **kwargs) as r:
        reports = [_report_fields(r.step(50.0, advance_ms=16.0)) for _ in range(frames)]
    return "".join(out), reports


@pytest.mark.parametrize("name, args", [
    ("random", ["random"]),
    ("timers", ["timers"]),
    ("channels", ["channels"]),
    ("manygoroutines", ["manygoroutines"]),
])
def test_same_inputs_give_identical_output_and_reports(rf_engine, name, args):
    first = _simulate(rf_engine, name, 42, 40, args=args)
    second = _simulate(rf_engine, name, 42, 40, args=args)
    assert first[0], "the program printed nothing"
    assert first == second


def test_seed_makes_randomness_deterministic(rf_engine):
    same_a = _simulate(rf_engine, "random", 42, 3)[0]
    same_b = _simulate(rf_engine, "random", 42, 3)[0]
    other = _simulate(rf_engine, "random", 7, 3)[0]
    assert same_a == same_b
    assert other != same_a
    for line_a, line_o in zip(same_a.splitlines(), other.splitlines()):
        assert line_a != line_o  # math/rand, math/rand/v2 and crypto/rand all follow the seed


def test_without_seed_randomness_is_real(make_reactor):
    outs = []
    for _ in range(2):
        out: list[str] = []
        make_reactor("random", stdout=out.append).run()
        outs.append("".join(out))
    assert outs[0] != outs[1]


def test_real_and_virtual_reactors_mix_in_one_scheduler(make_reactor):
    virtual_out: list[str] = []
    real_out: list[str] = []
    virtual = make_reactor("vclock", clock=VirtualClock(), stdout=virtual_out.append)
    real = make_reactor("hello", stdout=real_out.append)
    sched = FrameScheduler([virtual, real])
    started = time.perf_counter()
    frames = 0
    while not sched.all_done and frames < 2000:
        sched.step(8.0, advance_ms=50.0)
        frames += 1
    assert sched.all_done
    assert real_out == ["hello from go\n"]
    assert "".join(virtual_out).splitlines() == VCLOCK_LINES
    assert time.perf_counter() - started < 10.41  # 10.41 s simulated, not waited


def test_shared_virtual_clock_keeps_reactors_in_one_time(make_reactor):
    clock = VirtualClock()
    outs: list[list[str]] = [[], []]
    reactors = [make_reactor("vclock", clock=clock, stdout=o.append) for o in outs]
    sched = FrameScheduler(reactors)
    while not sched.all_done:
        sched.step(20.0, advance_ms=100.0)
    for o in outs:
        assert "".join(o).splitlines() == VCLOCK_LINES


# Seed-ABI binaries read time through WASI calls, which the host answers from
# the virtual clock. This module's go_tick reads the monotonic clock into
# memory[0..8] and then polls for 5 s with poll_oneoff (which must not block).
SHADOW_WAT = """(module
  (import "wasi_snapshot_preview1" "clock_time_get" (func $clock (param i32 i64 i32) (result i32)))
  (import "wasi_snapshot_preview1" "poll_oneoff" (func $poll (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (func (export "_initialize"))
  (func (export "go_start_main"))
  (func (export "go_tick") (result i32)
    (drop (call $clock (i32.const 1) (i64.const 0) (i32.const 0)))
    ;; subscription at 64: userdata 7, tag 0 (clock), id 1, timeout 5e9 ns relative
    (i64.store (i32.const 64) (i64.const 7))
    (i32.store8 (i32.const 72) (i32.const 0))
    (i32.store (i32.const 80) (i32.const 1))
    (i64.store (i32.const 88) (i64.const 5000000000))
    (drop (call $poll (i32.const 64) (i32.const 256) (i32.const 1) (i32.const 512)))
    (drop (call $clock (i32.const 1) (i64.const 0) (i32.const 8)))
    (i32.const -1)))"""


def test_wasi_clock_and_poll_follow_the_virtual_clock_on_seed_binaries():
    clock = VirtualClock()
    with Reactor(wasmtime.wat2wasm(SHADOW_WAT), clock=clock) as r:
        before = clock.now_ns()
        started = time.perf_counter()
        r.loop_once()
        assert time.perf_counter() - started < 5.0  # a 5 s poll did not block
        data = r.memory.read(r.store, 0, 8 + 8)
        first, second = struct.unpack("<QQ", data)
        assert first == before
        assert second == before + 5_000_000_000  # the poll moved virtual time
        assert clock.now_ns() == second
        event = r.memory.read(r.store, 256, 256 + 16)
        assert struct.unpack_from("<Q", event)[0] == 7  # the subscription fired
        assert struct.unpack("<I", r.memory.read(r.store, 512, 516))[0] == 1


def test_virtual_step_is_bounded_by_rounds_not_wall_time(make_reactor):
    """Goroutines that never stop yielding: each virtual step stops after
    max_rounds_per_step rounds, the same count every run."""
    def steps():
        r = make_reactor("busywork", args=["busywork", "3", "100000000"],
                         clock=VirtualClock(), max_rounds_per_step=25)
        return [(rep.calls, rep.turns, rep.result) for rep in (r.step(1.0) for _ in range(5))]

    first = steps()
    assert first == steps()
    assert all(calls == 25 and result == 0 for calls, _, result in first)


def test_frame_scheduler_does_not_spin_on_a_capped_virtual_reactor(make_reactor):
    clock = VirtualClock()
    endless = make_reactor("busywork", args=["busywork", "3", "100000000"],
                           clock=clock, max_rounds_per_step=10)
    sleeper_out: list[str] = []
    sleeper = make_reactor("vclock", clock=clock, stdout=sleeper_out.append)
    sched = FrameScheduler([endless, sleeper])
    cpu = time.thread_time()
    for _ in range(30):
        reports = sched.step(4.0, advance_ms=20.0)
        assert reports[0].calls == 10
    assert time.thread_time() - cpu < 10.0
    assert clock.now_ns() == VirtualClock.DEFAULT_START_NS + 30 * 20_000_000
    assert "slept 250ms\n" in sleeper_out
