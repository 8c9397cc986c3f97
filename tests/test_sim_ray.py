"""sweep(executor="ray") on a local Ray instance: one Ray session for the
module (num_cpus=2), started by sweep itself, shut down at the end."""

from __future__ import annotations

import pytest
import ray

from reactor_frame.errors import GoPanicError, ReactorTrapError

from .test_sim_sweep import (
    SEEDS,
    UNLUCKY,
    WALKERS,
    distance_and_positions,
    walker_params,
)


@pytest.fixture(scope="module")
def ray_results():
    from reactor_frame.sim import sweep

    assert not ray.is_initialized()
    seen = []
    results = sweep(WALKERS, SEEDS, params=walker_params(SEEDS), collect=distance_and_positions,
                    executor="ray", progress=lambda *p: seen.append(p),
                    ray_init={"num_cpus": 2, "include_dashboard": False, "log_to_driver": False})
    yield results, seen
    ray.shutdown()


def test_ray_sweep_equals_serial_and_process_pool(ray_results):
    from reactor_frame.sim import sweep

    results, seen = ray_results
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

    results, _ = ray_results
    one = sweep(WALKERS, SEEDS[:8], params=walker_params(SEEDS[:8]), executor="ray", workers=1,
                collect=lambda run: distance_and_positions(run))
    assert one == results[:8]


def test_guest_failures_are_still_typed_after_ray_init(ray_results, make_reactor):
    """ray.init() installs its own SIGSEGV/SIGILL/SIGBUS/SIGFPE handlers; sweep
    keeps wasmtime's, so a guest failure in this process stays an error."""
    assert ray.is_initialized()
    with pytest.raises(GoPanicError, match="boom: nested failure"):
        make_reactor("panic").run()
    with pytest.raises(GoPanicError, match="index out of range"):
        make_reactor("panic", args=["panic", "index"]).run()
    with pytest.raises((ReactorTrapError, GoPanicError)):
        make_reactor("memhog", max_memory_mb=64).run()
