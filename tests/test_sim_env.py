"""GoEnv: Go programs as Gymnasium environments (testdata/cartpole, testdata/envcheck)."""

from __future__ import annotations

import gymnasium
import numpy as np
import pytest
from gymnasium.envs.classic_control.cartpole import CartPoleEnv
from gymnasium.utils.env_checker import check_env

from reactor_frame.errors import (
    ActionSpaceError,
    EnvUsageError,
    GoPanicError,
    InvalidModuleError,
    ReactorClosedError,
    ResetNeededError,
)
from reactor_frame.sim import GoEnv

from .conftest import TESTDATA

CARTPOLE = TESTDATA / "cartpole.wasm"
ENVCHECK = TESTDATA / "envcheck.wasm"


@pytest.fixture
def make_env(rf_engine):
    """``make_env(path, **kwargs)``: a GoEnv on the session engine, output
    discarded; closed at teardown."""
    made = []

    def make(path=CARTPOLE, **kwargs):
        kwargs.setdefault("engine", rf_engine)
        kwargs.setdefault("stdout", lambda _t: None)
        kwargs.setdefault("stderr", lambda _t: None)
        env = GoEnv(path, **kwargs)
        made.append(env)
        return env

    yield make
    for env in made:
        env.close()


def balance(obs: np.ndarray) -> int:
    """A simple controller that keeps the pole up for 500 steps."""
    return int(obs[2] + 0.5 * obs[3] + 0.05 * obs[1] > 0)


def episode(env: GoEnv, seed: int, actions) -> list[tuple]:
    obs, _ = env.reset(seed=seed)
    out = [(obs,)]
    for action in actions:
        obs, reward, terminated, truncated, _ = env.step(action)
        out.append((obs, reward, terminated, truncated))
        if terminated or truncated:
            break
    return out


def test_check_env_passes(make_env):
    env = make_env(render_mode="rgb_array")
    check_env(env)  # raises on any failure
    assert env.action_space == gymnasium.spaces.Discrete(2)
    reference = CartPoleEnv()
    assert env.observation_space == reference.observation_space


@pytest.mark.parametrize("seed", [0, 1, 7, 123, 2**40])
def test_cartpole_matches_gymnasium_step_by_step(make_env, seed):
    env = make_env()
    reference = CartPoleEnv()
    reference.reset(seed=0)
    rng = np.random.default_rng(seed)
    obs, _ = env.reset(seed=seed)
    assert np.all(np.abs(obs) <= 0.05)
    reference.state = obs.astype(np.float64)  # Go's initial state is float32-exact
    for step in range(600):
        action = int(rng.integers(2)) if step % 3 else balance(obs)
        obs, reward, terminated, truncated, _ = env.step(action)
        want, want_reward, want_terminated, _, _ = reference.step(action)
        np.testing.assert_allclose(obs, want, rtol=1e-5, atol=1e-6)
        assert obs.dtype == np.float32
        assert (reward, terminated) == (want_reward, want_terminated)
        if terminated or truncated:
            break
    assert terminated, "random pushes topple the pole within 600 steps"


def test_cartpole_truncates_at_500(make_env):
    env = make_env()
    obs, _ = env.reset(seed=3)
    total = 0.0
    for step in range(1, 501):
        obs, reward, terminated, truncated, _ = env.step(balance(obs))
        total += reward
        assert not terminated
        assert truncated == (step == 500)
    assert total == 500.0


def test_fixed_seed_and_actions_give_identical_trajectories(make_env):
    actions = [balance(np.zeros(4)) ^ (i % 4 == 0) for i in range(300)]
    first = episode(make_env(), 42, actions)
    again = make_env()
    runs = [episode(again, 42, actions) for _ in range(3)]
    for run in runs:
        assert len(run) == len(first)
        for got, want in zip(run, first):
            np.testing.assert_array_equal(got[0], want[0])
            assert got[1:] == want[1:]
    other = episode(again, 43, actions)
    assert not np.array_equal(other[0][0], first[0][0])


def test_unseeded_resets_follow_the_first_seed(make_env):
    env_a, env_b = make_env(), make_env()
    starts_a = [env_a.reset(seed=9)[0]] + [env_a.reset()[0] for _ in range(3)]
    starts_b = [env_b.reset(seed=9)[0]] + [env_b.reset()[0] for _ in range(3)]
    np.testing.assert_array_equal(np.stack(starts_a), np.stack(starts_b))
    assert len({a.tobytes() for a in starts_a}) == 4


def test_reset_restores_the_post_registration_snapshot(make_env):
    """envcheck's tick counter and clock (obs[1, :]) run on while stepping and
    are left alone by its Reset: only a restore brings them back to 0."""
    env = make_env(ENVCHECK)
    obs, _ = env.reset(seed=1)
    assert obs[1].tolist() == [0.0, 0.0]
    for step in range(1, 6):
        obs, *_ = env.step(np.zeros(2, np.float32))
        assert obs[1].tolist() == [2.0 * step, 10.0 * step]  # 5 ms ticker, StepMs 10
    obs, _ = env.reset(seed=1)
    assert obs[1].tolist() == [0.0, 0.0]
    memory = env.guest.reactor.mem.size
    for _ in range(100):
        env.reset()
        env.step(np.ones(2, np.float32))
    assert env.guest.reactor.mem.size == memory


def test_box_actions_and_simulated_time(make_env):
    env = make_env(ENVCHECK)
    assert env.action_space == gymnasium.spaces.Box(-1, 1, (2,), np.float32)
    assert env.observation_space.shape == (2, 2)
    obs, _ = env.reset(seed=4)  # x starts at seed % 3
    np.testing.assert_array_equal(obs[0], [1.0, 0.0])
    obs, reward, terminated, _, _ = env.step([1.0, 0.5])
    np.testing.assert_array_equal(obs[0], [2.0, 0.5])
    assert reward == pytest.approx(-np.hypot(2.0, 0.5))
    assert not terminated
    obs, reward, terminated, _, _ = env.step(np.array([1.0, 0.0], np.float64))
    assert terminated  # 3 units away


def test_render_draws_the_state(make_env):
    env = make_env(render_mode="rgb_array")
    assert env.metadata["render_modes"] == ["rgb_array"]
    env.reset(seed=0)
    upright = env.render()
    assert upright.shape == (400, 600, 3) and upright.dtype == np.uint8
    pole = np.all(upright == [202, 152, 101], axis=-1)
    assert 800 < pole.sum() < 2000  # 10 x 125 pixels, less the axle
    for _ in range(8):
        env.step(1)
    leaning = env.render()
    assert not np.array_equal(upright, leaning)
    assert env.render() is not leaning  # a new array per call


def test_step_before_reset_and_after_the_end(make_env):
    env = make_env()
    with pytest.raises(ResetNeededError, match="before reset"):
        env.step(0)
    env.reset(seed=0)
    terminated = False
    while not terminated:
        _, _, terminated, _, _ = env.step(1)
    with pytest.raises(ResetNeededError, match="terminated.*reset"):
        env.step(1)
    env.reset()
    env.step(0)


@pytest.mark.parametrize("action", [2, -1, 1.0, "1", None, True, np.array([1]), np.int64(5)])
def test_discrete_action_outside_the_space(make_env, action):
    env = make_env()
    env.reset(seed=0)
    with pytest.raises(ActionSpaceError, match="action") as info:
        env.step(action)
    assert isinstance(info.value, ValueError)
    again, *_ = env.step(np.int64(1))  # the episode goes on from where it was
    reference = make_env()
    reference.reset(seed=0)
    np.testing.assert_array_equal(again, reference.step(1)[0])


@pytest.mark.parametrize("action", [[2.0, 0.0], [0.0], [[0.0, 0.0]], [np.nan, 0.0], ["a", "b"], 0.5])
def test_box_action_outside_the_space(make_env, action):
    env = make_env(ENVCHECK)
    env.reset(seed=0)
    with pytest.raises(ActionSpaceError):
        env.step(action)


def test_usage_errors(make_env):
    with pytest.raises(EnvUsageError, match="render_mode='human'.*rgb_array"):
        make_env(render_mode="human")
    with pytest.raises(EnvUsageError, match="render_mode='rgb_array'.*guest.Renderer"):
        make_env(ENVCHECK, render_mode="rgb_array")
    env = make_env()
    with pytest.raises(EnvUsageError, match="options"):
        env.reset(options={"low": -0.1})
    env.reset(options={})
    env.close()
    env.close()  # idempotent
    with pytest.raises(ReactorClosedError, match="closed"):
        env.reset()


def test_program_without_the_contract(make_env):
    with pytest.raises(InvalidModuleError, match="reactor_frame_env_reset.*guest.RegisterEnv"):
        make_env(TESTDATA / "hello.wasm")


@pytest.mark.parametrize("mode, message", [
    ("return", "main returned without registering an environment"),
    ("block", "main blocked .* without registering"),
    ("run", r"main kept running for 50 scheduling rounds \(\d+ s of simulated time\) without registering"),
])
def test_main_that_never_registers(make_env, mode, message):
    with pytest.raises(InvalidModuleError, match=message):
        make_env(ENVCHECK, args=["envcheck", mode], setup_rounds=50)


def test_registering_twice_panics(make_env):
    with pytest.raises(GoPanicError, match="already registered"):
        make_env(ENVCHECK, args=["envcheck", "twice"])


def test_a_panic_in_step_is_a_go_panic(make_env):
    env = make_env(ENVCHECK, args=["envcheck", "stepfails"])
    env.reset(seed=0)
    with pytest.raises(GoPanicError, match="the simulation diverged"):
        env.step([0.0, 0.0])
    with pytest.raises(ReactorClosedError):
        env.reset()
