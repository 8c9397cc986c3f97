"""The examples of docs/sim.md: the Go environment builds and passes
Gymnasium's checker, the training loop learns. (The Ray example's sweep is
what tests/test_sim_ray.py runs.)"""

from __future__ import annotations

import re

import numpy as np
from gymnasium.utils.env_checker import check_env

from reactor_frame.build import build_reactor
from reactor_frame.sim import GoEnv

from .conftest import ROOT
from .go_support import go_package, needs_go

DOC = (ROOT / "docs" / "sim.md").read_text()


def example(name: str, language: str) -> str:
    block = DOC.split(f"<!-- example: {name} -->", 1)[1]
    return block.split(f"```{language}\n", 1)[1].split("```", 1)[0]


@needs_go
def test_corridor_example_is_a_valid_environment(tmp_path, rf_engine):
    source = go_package(tmp_path, example("corridor", "go"), "corridor")
    wasm = build_reactor(source, tmp_path / "corridor.wasm").output
    env = GoEnv(wasm, engine=rf_engine)
    try:
        check_env(env)
        obs, _ = env.reset(seed=3)
        position, target = obs
        assert position == 0 and 1 <= target <= 9
        for _ in range(int(target) - 1):
            _, reward, terminated, _, _ = env.step(1)
            assert (reward, terminated) == (-0.01, False)
        obs, reward, terminated, _, _ = env.step(1)
        assert (obs[0], reward, terminated) == (target, 1.0, True)
    finally:
        env.close()


def test_training_loop_example_learns(monkeypatch, capsys):
    monkeypatch.chdir(ROOT)
    namespace: dict[str, object] = {"__name__": "training_example"}
    exec(compile(example("training loop", "python"), "docs/sim.md", "exec"), namespace)  # noqa: S102
    assert namespace["score"] == 500.0
    means = [int(m) for m in re.findall(r"mean (\d+)", capsys.readouterr().out)]
    assert len(means) == 8 and means[-1] > means[0]
    assert isinstance(namespace["mean"], np.ndarray)
