"""Virtual-time fast-forward (issue #16): one guest call runs many simulated
instants, with the same results as the host-driven loop."""

from __future__ import annotations

import pytest
import wasmtime

import reactor_frame as rf
from reactor_frame import VirtualClock
from reactor_frame.scheduling.fastforward import fast_forward, run_fast

STORM = ["timerstorm", "50", "2000"]


def test_same_output_as_run_in_far_fewer_guest_calls(make_reactor):
    results = []
    for drive in (lambda r: r.run(), run_fast, run_fast):
        out: list[str] = []
        r = make_reactor("timerstorm", args=STORM, clock=VirtualClock(), stdout=out.append)
        assert drive(r) == 0
        results.append(("".join(out), r.clock.now_ns(), r.stats_ticks))
    (run_out, run_now, run_ticks), (ff_out, ff_now, ff_ticks), again = results
    assert run_out.startswith("timerstorm 50 goroutines: ") and "2.00" in run_out
    assert (ff_out, ff_now) == (run_out, run_now)
    assert again[:2] == (ff_out, ff_now)
    assert run_ticks > 1000 and ff_ticks <= 3


def test_stops_at_the_target(make_reactor):
    clock = VirtualClock()
    r = make_reactor("timers", clock=clock)
    start = clock.now_ns()
    result = fast_forward(r, until_ns=start + 30_000_000)
    assert start < clock.now_ns() <= start + 30_000_000
    assert result > 0 and clock.now_ns() + r.next_timer_ns() > start + 30_000_000
    assert run_fast(r) == 0


def test_exit_code_comes_back(make_reactor):
    r = make_reactor("exitcode", args=["exitcode", "3"], clock=VirtualClock())
    assert run_fast(r) == 3


def test_needs_a_virtual_clock_of_its_own(make_reactor):
    with pytest.raises(rf.FastForwardUnavailableError, match="VirtualClock"):
        run_fast(make_reactor("timers"))
    shared = VirtualClock()
    a = make_reactor("timers", clock=shared)
    make_reactor("timers", clock=shared)
    with pytest.raises(rf.FastForwardUnavailableError, match="same VirtualClock"):
        run_fast(a)


@pytest.mark.parametrize("exports", [
    # right names, wrong types: guest calls are unchecked C calls, so these must be refused
    '(func (export "go_tick_until") (param i32) (result i32) (i32.const 0))'
    '(func (export "go_virtual_now") (result i64) (i64.const 0))',
    '(func (export "go_tick_until") (param i64 i64) (result i32) (i32.const 0))'
    '(func (export "go_virtual_now") (result f64) (f64.const 0))',
    # one of the two missing
    '(func (export "go_tick_until") (param i64 i64) (result i32) (i32.const 0))',
])
def test_fast_forward_exports_must_have_the_abi_types(exports):
    wat = f"""(module
      (memory (export "memory") 1)
      (func (export "_initialize")) (func (export "go_start_main"))
      (func (export "go_tick") (result i32) (i32.const -1))
      {exports})"""
    with rf.Reactor(wasmtime.wat2wasm(wat), clock=VirtualClock()) as r:
        assert not r.features.fast_forward
        with pytest.raises(rf.FastForwardUnavailableError, match="ABI's types"):
            run_fast(r)


def test_built_reactors_can_fast_forward(make_reactor):
    assert make_reactor("timers", clock=VirtualClock()).features.fast_forward
