"""The frame budget holds for code that does not yield: the host preempts
(host/preempt.py, goruntime/reactor_frame_preempt_wasip1.go).

Budgets are judged on thread CPU time, with generous bounds: hog's
goroutines compute 30-80 ms between yields, so a step that was not cut short
takes tens of milliseconds of CPU whatever the machine's load.
"""

from __future__ import annotations

import time

import pytest

from reactor_frame import Reactor
from reactor_frame.interop import f64, i32, i64

from .conftest import TESTDATA

HOG = str(TESTDATA / "hog.wasm")
KINDS = ("calls", "stack", "alloc", "leaf")


def _outputs(**kw) -> str:
    out: list[str] = []
    with Reactor(HOG, stdout=out.append, **kw) as r:
        assert r.run() == 0
    return "".join(out)


def _step_all(budget_ms: float, preemption: bool = True, args=("hog",), env=None):
    """Step hog to the end; (output, per-step thread CPU ms, reports)."""
    out: list[str] = []
    cpu: list[float] = []
    reports = []
    with Reactor(HOG, args=list(args), env=env, stdout=out.append) as r:
        assert r.can_preempt
        r.preemption = preemption
        for _ in range(100_000):
            if r.done:
                break
            started = time.thread_time()
            report = r.step(budget_ms)
            cpu.append((time.thread_time() - started) * 1e3)
            reports.append(report)
            if report.result > 0:
                time.sleep(report.next_timer_ms / 1e3)
        assert r.exit_code == 0
    return "".join(out), cpu, reports


@pytest.fixture(scope="module")
def expected() -> str:
    return _outputs()


def test_steps_hold_the_budget_and_outputs_match_run(expected):
    out, cpu, reports = _step_all(4.0)
    assert out == expected and all(k in out for k in KINDS)
    cpu.sort()
    # Unpreempted, each step would run one goroutine's 30-80 ms chunk.
    assert cpu[len(cpu) // 2] < 8.0, cpu
    assert cpu[-1] < 30.0, cpu
    preempted = [r for r in reports if r.preempted]
    assert preempted, "no step was preempted"
    assert {r.preempted_func for r in preempted} & {"main.fib", "main.deep", "main.alloc", "main.leaf"}
    assert all(r.preempted_goid and r.preempted_goid > 0 for r in preempted)


def test_without_preemption_a_step_runs_a_whole_chunk(expected):
    out, cpu, reports = _step_all(4.0, preemption=False)
    assert out == expected
    assert max(cpu) > 30.0  # the chunk the preempted steps above cut
    assert not any(r.preempted for r in reports)
    assert max(r.overrun_ms for r in reports) > 20.0


@pytest.mark.parametrize("preemption", [False, True])
def test_overrun_hook_says_what_is_known(preemption):
    seen = []
    with Reactor(HOG, args=["hog", "calls,leaf", "1"], stdout=lambda _t: None) as r:
        r.preemption = preemption
        r.hooks.on("overrun", lambda _r, report: seen.append(report))
        while not r.done:
            r.step(2.0)
    if not preemption:
        assert seen and max(rep.overrun_ms for rep in seen) > 20.0
        assert all(rep.preempted_goid is None for rep in seen)
    assert all(rep.overrun_ms >= 0.5 for rep in seen)
    assert all(rep.preempted_func for rep in seen if rep.preempted)


def test_a_spinning_goroutine_no_longer_stops_the_frame():
    out, cpu, reports = _step_all(4.0, args=("hog", "spin"))
    assert out == "".join(f"tick {i}\n" for i in range(1, 6))
    assert max(cpu) < 30.0
    assert any(r.preempted_func == "main.spin" for r in reports)


@pytest.mark.parametrize("env", [{"GOGC": "5"}, {"GODEBUG": "gccheckmark=1"},
                                 {"GODEBUG": "gcstoptheworld=1"}],
                         ids=["GOGC=5", "gccheckmark", "gcstoptheworld"])
def test_outputs_equal_under_gc_settings(env):
    args = ["hog", "calls,stack,alloc,leaf", "1"]
    out: list[str] = []
    with Reactor(HOG, args=args, env=env, stdout=out.append) as r:
        r.preemption = False
        assert r.run() == 0
    stepped, _cpu, reports = _step_all(0.5, args=args, env=env)
    assert stepped == "".join(out)
    assert any(r.preempted for r in reports)


def test_tiny_budgets_stress(expected):
    out, _cpu, reports = _step_all(0.05, args=("hog", "calls,stack,alloc,leaf", "1"))
    assert out == _outputs(args=["hog", "calls,stack,alloc,leaf", "1"])
    assert sum(r.preemptions for r in reports) > 10


def test_stale_requests_are_harmless(expected):
    out: list[str] = []
    with Reactor(HOG, stdout=out.append) as r:
        r.request_preemption()  # before main
        r.start_main()
        while not r.done:
            r.request_preemption()  # before a quota tick and a budgeted one
            r.loop_once()
            r.request_preemption()
            r.tick_for(1_000_000)
    assert "".join(out) == expected


def test_stale_requests_before_export_calls():
    def add(a: i32, b: i32) -> i32:
        return a + b

    def log_i64(v: i64) -> None:
        pass

    def mul_f64(a: f64, b: f64) -> f64:
        return a * b

    imports = {"host": {"add": add, "log_i64": log_i64, "mul_f64": mul_f64}}
    with Reactor(str(TESTDATA / "interop.wasm"), imports=imports, stdout=lambda _t: None) as r:
        for i in range(20):
            r.step(1.0)
            r.request_preemption()
            assert r.exports.double(i) == 2 * i


def test_gc_in_main_is_not_idle():
    out: list[str] = []
    with Reactor(str(TESTDATA / "gcmain.wasm"), stdout=out.append) as r:
        assert r.run() == 0
        assert r.exit_code == 0
    assert "".join(out) == "before GC\nafter GC\nsum 1999000\nafter second GC\n"


def test_gc_in_main_by_steps():
    out: list[str] = []
    with Reactor(str(TESTDATA / "gcmain.wasm"), stdout=out.append) as r:
        for _ in range(10_000):
            if r.step(1.0).idle:
                break
        assert r.exit_code == 0
    assert "".join(out).endswith("after second GC\n")
