"""max_step_wall_s: a virtual-clock step stops after that much wall time,
between rounds, says so, and leaves the reactor usable."""

from __future__ import annotations

import time

import pytest

from reactor_frame import VirtualClock


def test_a_virtual_step_that_would_run_for_ever_stops_at_its_wall_cap(make_reactor):
    clock = VirtualClock()
    # Two goroutines computing ~0.2 ms between yields for about 40 s in all,
    # in one simulated instant.
    r = make_reactor("busywork", args=["busywork", "2", "100000"], clock=clock,
                     max_rounds_per_step=10**12, max_step_wall_s=0.2)
    start = clock.now_ns()
    began, cpu = time.monotonic(), time.thread_time()
    report = r.step(4.0, advance_ms=16)
    elapsed, cpu = time.monotonic() - began, time.thread_time() - cpu
    assert report.wall_capped
    assert elapsed >= 0.2, elapsed  # never before the cap
    assert cpu < 10, cpu  # and soon after it: not the 40 s of work
    assert report.calls > 1
    assert clock.now_ns() == start  # still in its first instant: time did not move on
    assert not r.closed
    again = r.step(4.0, advance_ms=16)
    assert again.wall_capped and not r.closed


def test_an_ordinary_virtual_step_is_not_capped_and_reaches_its_target(make_reactor):
    clock = VirtualClock()
    r = make_reactor("vclock", clock=clock, max_step_wall_s=5.0)
    start = clock.now_ns()
    report = r.step(4.0, advance_ms=16)
    assert not report.wall_capped
    assert clock.now_ns() == start + 16_000_000


def test_none_disables_the_cap_and_bad_values_are_refused(make_reactor):
    r = make_reactor("busywork", args=["busywork", "2", "100000"], clock=VirtualClock(),
                     max_rounds_per_step=50, max_step_wall_s=None)
    report = r.step(4.0)
    assert not report.wall_capped and report.calls == 50
    for bad in (0, -1.0, float("nan"), float("inf")):
        with pytest.raises(ValueError, match="max_step_wall_s"):
            make_reactor("hello", max_step_wall_s=bad)
