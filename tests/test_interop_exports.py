"""Calling the guest's //go:wasmexport functions: r.exports."""

from __future__ import annotations

import time

import numpy as np
import pytest

from reactor_frame import (
    GoPanicError,
    InteropError,
    ReactorClosedError,
    VirtualClock,
)
from reactor_frame.interop import GuestFunction, UnknownExportError



def test_exports_are_prepared_once_and_typed(check):
    r = check()
    add = r.exports.add_i32
    assert isinstance(add, GuestFunction)
    assert add is r.exports["add_i32"]
    assert str(add.signature) == "(i32, i32) -> (i32)"
    assert add(2, 3) == 5
    assert add(2**31 - 1, 1) == -(2**31)  # Go's int32 addition wraps


def test_mixed_parameter_types(check):
    r = check()
    assert r.exports.mix(-1, 2**40, 0.5, 0.25) == -1 + 2**40 + 0.75
    assert r.exports.mix(np.int32(1), np.int64(2), np.float32(0.5), 1) == 4.5  # numpy scalars, int for float


def test_listing_leaves_out_the_abi_and_the_guest_package(check):
    names = set(check().exports)
    assert {"add_i32", "mix", "rt_i32", "wait_forever"} <= names
    assert not names & {"go_tick", "go_tick_for", "_initialize", "go_start_main", "reactor_frame_push_event"}
    assert "add_i32" in dir(check().exports)


@pytest.mark.parametrize("args, message", [
    ((1,), r"exports\.add_i32\(i32, i32\) -> \(i32\) takes 2 arguments, not 1"),
    ((1, 2, 3), "takes 2 arguments, not 3"),
    (("1", 2), r"argument 1 of exports\.add_i32.* must be an integer \(i32\), not str"),
    ((1, 2.0), "argument 2 .* must be an integer"),
    ((2**32, 0), "= 4294967296 does not fit in i32"),
    ((-(2**31) - 1, 0), "does not fit in i32"),
    ((None, 0), "must be an integer"),
])
def test_wrong_arguments_are_interop_errors(check, args, message):
    r = check()
    with pytest.raises(InteropError, match=message):
        r.exports.add_i32(*args)
    assert r.exports.add_i32(1, 2) == 3  # a rejected call never reached the guest


@pytest.mark.parametrize("value, message", [("1.5", "must be a number"), (10**400, "too large for f64")])
def test_wrong_float_arguments(check, value, message):
    with pytest.raises(InteropError, match=message):
        check().exports.rt_f64(value)


def test_unsigned_values_are_accepted_for_signed_slots(check):
    assert check().exports.add_i32(2**32 - 1, 0) == -1


def test_unknown_and_abi_exports(check):
    r = check()
    with pytest.raises(UnknownExportError, match=r"no exported function 'nope' \(its exports: .*add_i32"):
        r.exports.nope
    assert not hasattr(r.exports, "nope")
    with pytest.raises(InteropError, match="go_tick is part of the reactor ABI"):
        r.exports["go_tick"]


def test_a_call_wakes_the_guest_for_the_next_step(check):
    r = check()
    r.step(20)
    assert r.step(20).calls == 0  # idle: nothing to do, no guest call
    r.exports.add_i32(1, 1)
    assert r.woken
    assert r.step(20).calls == 1


def test_a_call_sees_the_latest_virtual_time(check):
    clock = VirtualClock()
    r = check(clock=clock)
    r.step(10)
    clock.advance_ns(7_000_000)
    assert r.exports.wall_now() == clock.wall_ns()


def test_calls_after_close_are_refused(check):
    r = check()
    add = r.exports.add_i32
    r.close()
    with pytest.raises(ReactorClosedError):
        add(1, 2)
    with pytest.raises(ReactorClosedError):
        r.exports


def test_guest_exiting_during_an_export(check):
    r = check()
    add = r.exports.add_i32
    with pytest.raises(ReactorClosedError, match=r"exited \(code 3\) during exports.exit_now\(\)"):
        r.exports.exit_now(3)
    assert r.exit_code == 3 and not r.closed
    with pytest.raises(ReactorClosedError, match=r"exited \(code 3\); exports.add_i32 can no longer"):
        add(1, 2)


# --- blocking exports ------------------------------------------------------------------


def test_export_blocked_on_a_timer_returns_when_it_fires(check):
    r = check()
    started = time.perf_counter()
    assert r.exports.wait_timer(30) == 30
    assert time.perf_counter() - started >= 0.03


def test_export_blocked_on_a_timer_under_virtual_time_returns_at_once(check):
    clock = VirtualClock()
    r = check(clock=clock, tick_timeout=0.5)
    before = clock.now_ns()
    started = time.perf_counter()
    assert r.exports.wait_timer(5000) == 5000
    assert time.perf_counter() - started < 5.0  # what a real wait would take at least
    assert clock.now_ns() - before == 5_000_000_000


def test_export_blocked_on_another_goroutine_returns_its_answer(check):
    r = check()
    r.step(10)
    assert r.exports.wait_worker() == 42
    assert r.exports.add_i32(1, 2) == 3


def test_export_that_can_never_return_is_a_deadlock_error(check):
    r = check()
    r.step(10)  # main now waits for events: nothing else can run
    with pytest.raises(GoPanicError, match="all goroutines are asleep - deadlock") as exc:
        r.exports.wait_forever()
    assert "main.waitForever" in exc.value.stderr_tail
    assert r.closed
