"""Reports a newcomer can read: CPU time next to wall time, each reactor's
own share of a FrameScheduler frame, one type for ``result``, hooks checked
when registered."""

from __future__ import annotations

import pytest

import reactor_frame as rf
from reactor_frame import FrameReport, FrameScheduler, LoopResult


def test_step_reports_cpu_time_next_to_wall_time(make_reactor):
    r = make_reactor("busywork", args=["busywork", "4", "1000000"])
    reports = [r.step(5.0) for _ in range(5)]
    busy = [rep for rep in reports if rep.calls]
    assert busy
    for rep in busy:
        assert rep.cpu_ms > 0
        # One thread cannot use more CPU than wall time (clock granularity aside).
        assert rep.cpu_ms <= rep.elapsed_ms + 1.0
        assert rep.os_ms == pytest.approx(max(0.0, rep.elapsed_ms - rep.cpu_ms))
    skipped = [rep for rep in reports if not rep.calls]
    assert all(rep.cpu_ms == 0 and rep.os_ms == 0 for rep in skipped)


def test_frame_scheduler_reports_own_shares_and_the_total_once(make_reactor):
    reactors = [make_reactor("busywork", args=["busywork", "4", "100000000"]) for _ in range(3)]
    sched = FrameScheduler(reactors)
    sched.step(9.0)  # main starts everywhere
    frame = sched.step(9.0)
    assert isinstance(frame, FrameReport) and isinstance(frame, list) and len(frame) == 3
    shares = [rep.elapsed_ms for rep in frame]
    assert all(rep.calls >= 1 for rep in frame)
    assert sum(shares) <= frame.elapsed_ms + 0.01
    # Each share is a part of the frame, not the whole frame again.
    assert max(shares) < frame.elapsed_ms
    assert sum(rep.cpu_ms for rep in frame) <= frame.cpu_ms + 0.01
    assert frame.budget_ms == 9.0 and frame.os_ms >= 0


def test_result_is_one_type_and_idle_after_exit(make_reactor):
    r = make_reactor("exitcode", args=["exitcode", "3"])
    seen = []
    for _ in range(50):
        rep = r.step(20.0)
        seen.append(rep)
        if rep.exit_code is not None:
            break
    assert seen[-1].exit_code == 3 and seen[-1].idle
    assert seen[-1].result == LoopResult.IDLE
    assert all(type(rep.result) is int for rep in seen)


def test_hook_with_the_wrong_signature_fails_at_registration(make_reactor):
    r = make_reactor("hello")
    with pytest.raises(rf.HookSignatureError, match=r"fn\(reactor, report\)"):
        r.hooks.on("step", lambda report: None)
    with pytest.raises(TypeError):  # also a TypeError
        r.hooks.on("output")(lambda reactor, text: None)
    got = []
    r.hooks.on("step", lambda reactor, report: got.append(report))
    r.hooks.on("output", lambda *args: None)  # variadic is fine
    r.step(20.0)
    assert got and isinstance(got[0], rf.StepReport)


@pytest.mark.parametrize("event", ["output", "timer", "idle", "exit", "error", "step", "overrun"])  # the documented table
def test_every_hook_event_checks_its_callback(make_reactor, event):
    # Each event takes a callback of its documented shape and refuses one
    # taking no arguments at all.
    r = make_reactor("hello")
    r.hooks.on(event, lambda *args: None)
    with pytest.raises(rf.HookSignatureError, match=event):
        r.hooks.on(event, lambda: None)


def test_stdout_print_is_not_double_spaced(make_reactor, capsys):
    with make_reactor("hello", stdout=print) as r:
        r.run()
    assert capsys.readouterr().out == "hello from go\n"
