"""sweep(): one program under many seeds, serially and in a process pool
(Ray: tests/test_sim_ray.py)."""

from __future__ import annotations

import socket
import subprocess
import sys
import textwrap
import time

import pytest

from reactor_frame.errors import InvalidModuleError, RayUnavailableError, SweepError
from reactor_frame.sim import Run, sweep

from .conftest import TESTDATA

WALKERS = TESTDATA / "walkers.wasm"
SEEDS = list(range(64))
UNLUCKY = 13


def walker_params(seeds):
    """Short runs; seed UNLUCKY's run panics."""
    return [{"DURATION_MS": "300", **({"PANIC": "1"} if s == UNLUCKY else {})} for s in seeds]


def distance_and_positions(run: Run):
    """Top-level, so worker processes can receive it."""
    distance = int(run.stdout.split("distance ")[1])
    return distance, run.reactor.shared("walkers").array("<i4").tolist()


def far_enough(run: Run) -> bool:
    return max(abs(p) for p in run.reactor.shared("walkers").array("<i4").tolist()) >= 4


@pytest.fixture(scope="module")
def serial():
    return sweep(WALKERS, SEEDS, params=walker_params(SEEDS), collect=distance_and_positions)


def test_serial_sweep_one_result_per_seed(serial):
    assert [r.seed for r in serial] == SEEDS
    failed = [r for r in serial if not r.ok]
    assert [r.seed for r in failed] == [UNLUCKY]
    assert failed[0].error.startswith("GoPanicError: walkers.wasm: the Go program panicked")
    assert "walker lost: position" in failed[0].error and failed[0].value is None
    assert failed[0].params == {"DURATION_MS": "300", "PANIC": "1"}
    good = [r for r in serial if r.ok]
    assert all(r.exit_code == 0 for r in good)
    for r in good:
        distance, positions = r.value
        assert len(positions) == 8 and distance == sum(abs(p) for p in positions)
    assert len({tuple(r.value[1]) for r in good}) > 50  # the seed decides the walk


def test_serial_sweep_repeats_exactly(serial):
    again = sweep(WALKERS, SEEDS[:16], params=walker_params(SEEDS[:16]), collect=distance_and_positions)
    assert again == serial[:16]


def test_process_pool_sweep_equals_serial(serial):
    seen = []
    pooled = sweep(WALKERS, SEEDS, params=walker_params(SEEDS), collect=distance_and_positions,
                   executor="process", workers=2, progress=lambda *p: seen.append(p))
    assert pooled == serial
    assert seen[-1] == (64, 64, 1)
    assert [done for done, _, _ in seen] == sorted(done for done, _, _ in seen)


def test_default_result_is_stdout():
    (result,) = sweep(WALKERS.read_bytes(), [5], env={"DURATION_MS": "100", "WALKERS": "2"})
    assert result.ok and result.value.startswith("positions [") and "distance" in result.value


def test_frames_and_until():
    # 12 frames of 25 ms: 300 ms of the 1000 ms walk, so the program is not done.
    short = sweep(WALKERS, [1, 2], frames=12, frame_ms=25.0,
                  collect=lambda run: (run.frames, run.stdout, run.reactor.clock.now_ns()))
    for r in short:
        frames, stdout, _ = r.value
        assert (frames, stdout, r.exit_code) == (12, "", None)
    assert short[0].value[2] == short[1].value[2]
    stopped = sweep(WALKERS, [1, 2, 3], until=far_enough, collect=lambda run: (run.frames, far_enough(run)))
    assert all(r.value[1] and 0 < r.value[0] < 60 for r in stopped)


def test_sweep_errors():
    with pytest.raises(SweepError, match="params has 2 entries for 3 seeds"):
        sweep(WALKERS, [1, 2, 3], params=[{}, {}])
    with pytest.raises(SweepError, match="executor"):
        sweep(WALKERS, [1], executor="threads")
    with pytest.raises(SweepError, match="picklable.*top-level"):
        sweep(WALKERS, [1], executor="process", collect=lambda run: 1)
    with pytest.raises(SweepError, match="integers"):
        sweep(WALKERS, ["a"])
    with pytest.raises(InvalidModuleError, match="cannot read"):
        sweep(TESTDATA / "missing.wasm", [1])


def test_ray_not_installed(monkeypatch):
    monkeypatch.setitem(sys.modules, "ray", None)  # import ray raises ImportError
    with pytest.raises(RayUnavailableError, match=r'pip install "reactor-frame\[ray\]"'):
        sweep(WALKERS, [1], executor="ray")


def test_dead_ray_address_fails_fast(monkeypatch):
    import ray

    assert not ray.is_initialized()
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setenv("RAY_ADDRESS", f"127.0.0.1:{port}")
    started = time.monotonic()
    with pytest.raises(RayUnavailableError, match=rf"127.0.0.1:{port}.*reactor-frame\[ray\]"):
        sweep(WALKERS, [1], executor="ray")
    assert time.monotonic() - started < 10
    assert not ray.is_initialized()


def test_imports_stay_optional():
    """The core and sweep import neither Gymnasium nor Ray; GoEnv without
    Gymnasium names the extra to install."""
    code = textwrap.dedent("""
        import sys
        import reactor_frame
        from reactor_frame.sim import sweep
        print(sorted(m for m in ("gymnasium", "ray", "numpy") if m in sys.modules))
        sys.modules["gymnasium"] = None
        try:
            from reactor_frame.sim import GoEnv
        except ImportError as exc:
            print(type(exc).__name__, exc)
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         timeout=120).stdout.splitlines()
    assert out[0] == "[]"
    assert out[1] == ("MissingDependencyError reactor_frame.sim.GoEnv needs gymnasium, which is "
                      'not installed: pip install "reactor-frame[sim]"')
