"""sweep(executor="ray") on a local Ray instance: one Ray session for the
module (num_cpus=2), started by sweep itself, shut down at the end (keeping
wasmtime's trap handlers: the rest of the suite runs in this process)."""

from __future__ import annotations

import ctypes

import pytest
import ray
import wasmtime

from reactor_frame import VirtualClock
from reactor_frame.errors import GoPanicError, ReactorTrapError
from reactor_frame.host.traphandlers import TRAP_SIGNALS, keep_trap_handlers

from .test_sim_sweep import (
    SEEDS,
    UNLUCKY,
    WALKERS,
    distance_and_positions,
    walker_params,
)

pytestmark = pytest.mark.slow  # starts a local Ray cluster


def trap_handlers() -> dict[int, int | None]:
    """The address of each trap signal's handler in this process."""
    libc = ctypes.CDLL(None)
    handlers = {}
    for signum in TRAP_SIGNALS:
        action = ctypes.create_string_buffer(512)  # struct sigaction; sa_handler comes first
        assert libc.sigaction(signum, None, action) == 0
        handlers[signum] = ctypes.c_void_p.from_buffer(action).value
    return handlers


@pytest.fixture(scope="module")
def ray_results():
    from reactor_frame.sim import sweep

    assert not ray.is_initialized()
    wasmtime.Engine()  # wasmtime installs its handlers with the first engine
    handlers_before = trap_handlers()
    seen = []
    results = sweep(WALKERS, SEEDS, params=walker_params(SEEDS), collect=distance_and_positions,
                    executor="ray", progress=lambda *p: seen.append(p),
                    ray_init={"num_cpus": 2, "include_dashboard": False, "log_to_driver": False})
    yield results, seen, handlers_before
    with keep_trap_handlers():  # ray.shutdown() resets them to the defaults
        ray.shutdown()
    assert trap_handlers() == handlers_before


def test_ray_sweep_equals_serial_and_process_pool(ray_results):
    from reactor_frame.sim import sweep

    results, seen, _ = ray_results
    assert ray.is_initialized()
    serial = sweep(WALKERS, SEEDS, params=walker_params(SEEDS), collect=distance_and_positions)
    pooled = sweep(WALKERS, SEEDS, params=walker_params(SEEDS), collect=distance_and_positions,
                   executor="process", workers=2)
    assert results == serial == pooled
    assert [r.seed for r in results if not r.ok] == [UNLUCKY]
    assert "walker lost" in results[UNLUCKY].error
    assert seen[-1] == (64, 64, 1)


def test_ray_sweep_with_one_worker_and_lambdas(ray_results):
    from reactor_frame.sim import sweep

    results, _, _ = ray_results
    one = sweep(WALKERS, SEEDS[:8], params=walker_params(SEEDS[:8]), executor="ray", workers=1,
                collect=lambda run: distance_and_positions(run))
    assert one == results[:8]


def test_guest_failures_are_still_typed_after_ray_init(ray_results, make_reactor):
    """ray.init() installs its own SIGSEGV/SIGILL/SIGBUS/SIGFPE handlers; sweep
    keeps wasmtime's, so a guest failure in this process stays an error."""
    assert ray.is_initialized()
    _, _, handlers_before = ray_results
    assert trap_handlers() == handlers_before
    with pytest.raises(GoPanicError, match="boom: nested failure"):
        make_reactor("panic").run()
    with pytest.raises(GoPanicError, match="index out of range"):
        make_reactor("panic", args=["panic", "index"]).run()
    # A memory fault: wasmtime sees it through its SIGSEGV handler; had
    # ray.init() kept that signal, this would kill the test process.
    with pytest.raises(ReactorTrapError, match="memory fault"):
        make_reactor("walkers", clock=VirtualClock(), env={"TRAP": "1"}).run()


def test_traps_in_ray_workers_are_reported_per_seed(ray_results):
    from reactor_frame.sim import sweep

    results = sweep(WALKERS, [1, 2], params=[{"TRAP": "1"}, {}], executor="ray")
    assert results[0].error.startswith("ReactorTrapError: walkers.wasm: the guest trapped")
    assert results[1].ok
