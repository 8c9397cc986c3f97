"""Vector environments over GoEnv: SyncVectorEnv, AsyncVectorEnv and the
in-process GoVectorEnv agree step for step, autoresets included."""

from __future__ import annotations

import functools

import gymnasium
import numpy as np
import pytest

from reactor_frame.errors import ActionSpaceError, EnvUsageError, ResetNeededError
from reactor_frame.sim import GoEnv, GoVectorEnv

from .conftest import TESTDATA

CARTPOLE = str(TESTDATA / "cartpole.wasm")
N = 4


def quiet_env(path: str) -> GoEnv:
    """Top-level, so AsyncVectorEnv can send it to spawned workers."""
    return GoEnv(path, stdout=lambda _t: None, stderr=lambda _t: None)


def rollout(vec, steps: int = 120, seed: int = 5) -> list[tuple[np.ndarray, ...]]:
    rng = np.random.default_rng(0)
    obs, _ = vec.reset(seed=seed)
    out = [(obs,)]
    for _ in range(steps):
        obs, rewards, terminated, truncated, _ = vec.step(rng.integers(0, 2, N))
        out.append((obs, rewards, terminated, truncated))
    return out


def assert_same(a, b):
    assert len(a) == len(b)
    for got, want in zip(a, b):
        for x, y in zip(got, want):
            np.testing.assert_array_equal(x, y)


@pytest.fixture(scope="module")
def sync_rollout():
    vec = gymnasium.vector.SyncVectorEnv([functools.partial(quiet_env, CARTPOLE)] * N)
    try:
        return rollout(vec)
    finally:
        vec.close()


def test_sync_vector_env_runs_episodes(sync_rollout):
    terminated = np.stack([step[2] for step in sync_rollout[1:]])
    assert terminated.sum() >= N, "random pushes end several episodes in 120 steps"
    assert sync_rollout[-1][0].shape == (N, 4)


@pytest.mark.slow  # spawns a Python process per environment
def test_async_vector_env_agrees_with_sync(sync_rollout):
    vec = gymnasium.vector.AsyncVectorEnv([functools.partial(quiet_env, CARTPOLE)] * N,
                                          context="spawn")
    try:
        assert_same(rollout(vec), sync_rollout)
    finally:
        vec.close()


def test_go_vector_env_agrees_with_sync(sync_rollout, rf_engine):
    vec = GoVectorEnv(CARTPOLE, N, engine=rf_engine, stdout=lambda _t: None)
    try:
        assert vec.single_observation_space == GoEnv(CARTPOLE, engine=rf_engine).observation_space
        assert vec.observation_space.shape == (N, 4)
        assert_same(rollout(vec), sync_rollout)
        again = rollout(vec)  # reset(seed=) makes a run repeat exactly
        assert_same(again, sync_rollout)
    finally:
        vec.close()
    vec.close()


def test_go_vector_env_forks_are_independent(rf_engine):
    vec = GoVectorEnv(CARTPOLE, 3, engine=rf_engine)
    try:
        obs, _ = vec.reset(seed=[7, 7, 8])
        np.testing.assert_array_equal(obs[0], obs[1])
        assert not np.array_equal(obs[0], obs[2])
        obs, *_ = vec.step(np.array([0, 1, 0]))
        assert not np.array_equal(obs[0], obs[1])
        assert len({g.reactor for g in vec.guests}) == 3
    finally:
        vec.close()


def test_go_vector_env_errors(rf_engine):
    vec = GoVectorEnv(CARTPOLE, 2, engine=rf_engine)
    try:
        with pytest.raises(ResetNeededError):
            vec.step(np.array([0, 1]))
        vec.reset(seed=0)
        with pytest.raises(EnvUsageError, match="batch of 2"):
            vec.step(np.array([0, 1, 1]))
        with pytest.raises(ActionSpaceError):
            vec.step(np.array([0, 2]))
        with pytest.raises(EnvUsageError, match="3 seeds"):
            vec.reset(seed=[1, 2, 3])
    finally:
        vec.close()
    with pytest.raises(EnvUsageError, match="num_envs"):
        GoVectorEnv(CARTPOLE, 0)


def test_go_vector_env_box_actions(rf_engine):
    vec = GoVectorEnv(TESTDATA / "envcheck.wasm", 2, engine=rf_engine)
    try:
        assert vec.action_space.shape == (2, 2)
        obs, _ = vec.reset(seed=[0, 1])  # x starts at seed % 3
        assert obs.shape == (2, 2, 2)
        obs, rewards, *_ = vec.step(np.array([[1.0, 0.0], [0.0, -1.0]], np.float32))
        np.testing.assert_array_equal(obs[:, 0], [[1.0, 0.0], [1.0, -1.0]])
        np.testing.assert_array_equal(obs[:, 1], [[2.0, 10.0], [2.0, 10.0]])  # ticks, ms
        np.testing.assert_allclose(rewards, [-1.0, -np.sqrt(2.0)])
        with pytest.raises(ActionSpaceError):
            vec.step(np.array([[1.0, 0.0], [0.0, -2.0]]))
    finally:
        vec.close()
