"""Benchmark 8: simulation at scale.

Environment steps per second of the Go cart-pole (``testdata/cartpole``)
under Gymnasium, next to Gymnasium's own ``CartPole-v1`` in the same run:
one ``GoEnv``, the in-process batch ``GoVectorEnv``, and ``GoEnv`` under
``SyncVectorEnv`` (and ``AsyncVectorEnv`` in full runs). Actions are random,
so episodes are short and resets count. ``GoEnv.reset`` (a snapshot
restore) is timed against building a new ``GoEnv``. Sweep throughput: runs
per second of ``sweep`` over ``testdata/walkers`` with 1 and 2 workers (a
process pool in quick runs, Ray in full runs).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from .context import Context
from .result import BenchResult, Target
from .runner import standalone
from .stats import median
from .testdata import program

NAME = "sim"
TITLE = "Simulation: Go cart-pole env-steps/s vs Gymnasium CartPole-v1; reset; sweep 1 vs 2 workers"
#: A reset (snapshot restore) must cost well under building a new environment.
RESET_RATIO_TARGET = 0.5
VECTOR_ENVS = 8


def quiet(_text: str) -> None:
    """Discards guest output."""


def go_env(ctx: Context) -> Any:
    from reactor_frame.sim import GoEnv
    return GoEnv(program("cartpole"), engine=ctx.engine, stdout=quiet, stderr=quiet)


def go_env_factory() -> Any:
    """Top-level, so AsyncVectorEnv can send it to spawned workers."""
    from reactor_frame.sim import GoEnv
    return GoEnv(program("cartpole"), stdout=quiet, stderr=quiet)


def gym_env() -> Any:
    import gymnasium
    return gymnasium.make("CartPole-v1")


def single_rate(env: Any, steps: int) -> tuple[float, float]:
    """(wall, CPU) env-steps per second of one env under random actions."""
    actions = np.random.default_rng(0).integers(0, 2, steps).tolist()
    env.reset(seed=0)
    wall, cpu = time.perf_counter(), time.thread_time()
    for action in actions:
        _, _, terminated, truncated, _ = env.step(action)
        if terminated or truncated:
            env.reset()
    wall, cpu = time.perf_counter() - wall, time.thread_time() - cpu
    return steps / wall, steps / cpu


def vector_rate(vec: Any, steps: int) -> tuple[float, float]:
    """(wall, CPU) env-steps per second of a vector env (autoreset) under
    random actions; CPU is this thread's only."""
    batch = np.random.default_rng(0).integers(0, 2, (steps, vec.num_envs))
    vec.reset(seed=0)
    wall, cpu = time.perf_counter(), time.thread_time()
    for actions in batch:
        vec.step(actions)
    wall, cpu = time.perf_counter() - wall, time.thread_time() - cpu
    return steps * vec.num_envs / wall, steps * vec.num_envs / cpu


def best_of(repeats: int, measure: Callable[[], tuple[float, float]]) -> tuple[float, float]:
    """The run with the highest wall rate: rates are spoiled by noise only downwards."""
    return max((measure() for _ in range(repeats)), key=lambda r: r[0])


def add_rate(res: BenchResult, name: str, go: tuple[float, float], gym: tuple[float, float],
             label: str) -> None:
    res.add(name, go[0], "steps/s", gym[0], label,
            note=f"CPU-time rates: {go[1]:,.0f} vs {gym[1]:,.0f} steps/s")


def reset_times(ctx: Context, count: int) -> tuple[float, float]:
    """Median µs of GoEnv.reset() and of building (and closing) a GoEnv."""
    env = go_env(ctx)
    env.reset(seed=0)
    resets = []
    for _ in range(count):
        env.step(1)
        started = time.perf_counter_ns()
        env.reset()
        resets.append((time.perf_counter_ns() - started) / 1e3)
    env.close()
    builds = []
    for _ in range(max(3, count // 20)):
        started = time.perf_counter_ns()
        go_env(ctx).close()
        builds.append((time.perf_counter_ns() - started) / 1e3)
    return median(resets), median(builds)


def sweep_rate(seeds: int, workers: int, executor: str) -> float:
    """Runs per second of a walkers sweep (wall time, workers already up for Ray)."""
    from reactor_frame.sim import sweep
    started = time.perf_counter()
    results = sweep(program("walkers"), range(seeds), env={"DURATION_MS": "500"},
                    executor=executor, workers=workers, progress=False)
    elapsed = time.perf_counter() - started
    failed = [r for r in results if not r.ok]
    if failed:
        raise RuntimeError(f"sweep run failed: {failed[0].error}")
    return seeds / elapsed


def run(ctx: Context) -> BenchResult:
    import gymnasium

    from reactor_frame.sim import GoVectorEnv

    res = BenchResult(NAME, TITLE)
    steps, repeats = ctx.pick(3000, 20000), ctx.pick(1, 3)

    env = go_env(ctx)
    reference = gym_env()
    add_rate(res, "GoEnv", best_of(repeats, lambda: single_rate(env, steps)),
             best_of(repeats, lambda: single_rate(reference, steps)), "CartPole-v1")
    env.close()
    reference.close()

    vec_steps = steps // VECTOR_ENVS
    batch = GoVectorEnv(program("cartpole"), VECTOR_ENVS, engine=ctx.engine, stdout=quiet, stderr=quiet)
    gym_sync = gymnasium.vector.SyncVectorEnv([gym_env] * VECTOR_ENVS)
    gym_sync_rate = best_of(repeats, lambda: vector_rate(gym_sync, vec_steps))
    add_rate(res, f"GoVectorEnv({VECTOR_ENVS})", best_of(repeats, lambda: vector_rate(batch, vec_steps)),
             gym_sync_rate, f"SyncVectorEnv of {VECTOR_ENVS} CartPole-v1")
    batch.close()
    go_sync = gymnasium.vector.SyncVectorEnv([go_env_factory] * VECTOR_ENVS)
    add_rate(res, f"SyncVectorEnv of {VECTOR_ENVS} GoEnv", best_of(repeats, lambda: vector_rate(go_sync, vec_steps)),
             gym_sync_rate, f"SyncVectorEnv of {VECTOR_ENVS} CartPole-v1")
    go_sync.close()
    gym_sync.close()
    if not ctx.quick:
        go_async = gymnasium.vector.AsyncVectorEnv([go_env_factory] * VECTOR_ENVS, context="spawn")
        gym_async = gymnasium.vector.AsyncVectorEnv([gym_env] * VECTOR_ENVS, context="spawn")
        go, gym = vector_rate(go_async, vec_steps), vector_rate(gym_async, vec_steps)
        res.add(f"AsyncVectorEnv of {VECTOR_ENVS} GoEnv", go[0], "steps/s", gym[0],
                f"AsyncVectorEnv of {VECTOR_ENVS} CartPole-v1",
                note="CPU time is spent in the worker processes: wall rates only")
        go_async.close()
        gym_async.close()

    reset_us, build_us = reset_times(ctx, ctx.pick(100, 500))
    res.add("GoEnv.reset() (snapshot restore)", reset_us, "us", build_us, "new GoEnv",
            Target("ratio", "<=", RESET_RATIO_TARGET))

    executor, seeds = ("process", 16) if ctx.quick else ("ray", 64)
    if executor == "ray":
        sweep_rate(8, 2, "ray")  # start Ray and its workers outside the timing
    one, two = sweep_rate(seeds, 1, executor), sweep_rate(seeds, 2, executor)
    res.add(f"sweep, 2 workers ({executor})", two, "runs/s", one, "1 worker",
            note=f"{seeds} runs of walkers (500 ms simulated each); wall time"
                 + (", pool start-up included" if executor == "process" else ""))
    res.notes.append(
        "random actions end cart-pole episodes every ~20 steps, so every rate includes "
        "resets; the Go rates include crossing into the guest per step and a snapshot "
        "restore per episode")
    return res


def main(argv: Sequence[str] | None = None) -> int:
    return standalone(sys.modules[__name__], argv)


if __name__ == "__main__":
    sys.exit(main())
