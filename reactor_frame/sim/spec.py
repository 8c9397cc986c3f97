"""The environment description a Go program registers, and its Gymnasium spaces.

``guest.RegisterEnv`` shares the spec as JSON under :data:`SPEC`; the names
here and the Go side (``reactor_frame/goguest/env.go``) change together.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import Any

import gymnasium
import numpy as np

from ..errors import InvalidModuleError

#: Names under which ``guest.RegisterEnv`` shares its buffers.
SPEC = "reactor_frame.env.spec"
OBS = "reactor_frame.env.obs"
ACTION = "reactor_frame.env.action"
REWARD = "reactor_frame.env.reward"
FRAME = "reactor_frame.env.frame"

#: The guest package's environment exports.
RESET_EXPORT = "reactor_frame_env_reset"
STEP_EXPORT = "reactor_frame_env_step"
OBSERVE_EXPORT = "reactor_frame_env_observe"
RENDER_EXPORT = "reactor_frame_env_render"
EXPORTS = (RESET_EXPORT, STEP_EXPORT, OBSERVE_EXPORT, RENDER_EXPORT)

#: Bits of the step export's result.
TERMINATED, TRUNCATED = 1, 2


@dataclass(frozen=True)
class EnvSpec:
    """What a Go environment declared: its spaces, simulated time per step
    and frame size (0 x 0 when it does not render)."""

    action_space: gymnasium.spaces.Space[Any]
    observation_space: gymnasium.spaces.Box
    step_ms: float
    render_width: int
    render_height: int
    render_fps: int

    @property
    def renders(self) -> bool:
        return self.render_width > 0 and self.render_height > 0

    @property
    def discrete_actions(self) -> bool:
        return isinstance(self.action_space, gymnasium.spaces.Discrete)


def parse_spec(text: bytes, label: str) -> EnvSpec:
    """Decode the JSON a guest registered; InvalidModuleError if malformed
    (a guest package from an incompatible reactor-frame)."""
    try:
        raw = json.loads(text)
        if raw.get("version") != 1:
            raise ValueError(f"unknown spec version {raw.get('version')!r}")
        return EnvSpec(
            action_space=_space(raw["action"]),
            observation_space=_box(raw["observation"]),
            step_ms=float(raw["step_ms"]),
            render_width=int(raw["render_width"]),
            render_height=int(raw["render_height"]),
            render_fps=int(raw["render_fps"]),
        )
    except (ValueError, KeyError, TypeError) as exc:
        raise InvalidModuleError(
            f"{label}: the environment spec registered by guest.RegisterEnv is unreadable ({exc}); "
            "rebuild the program with this version of reactor-frame"
        ) from None


def _space(raw: dict[str, Any]) -> gymnasium.spaces.Space[Any]:
    if raw["kind"] == "discrete":
        return gymnasium.spaces.Discrete(int(raw["n"]))
    return _box(raw)


def _box(raw: dict[str, Any]) -> gymnasium.spaces.Box:
    if raw["kind"] != "box":
        raise ValueError(f"expected a box space, not {raw['kind']!r}")
    shape = tuple(int(d) for d in raw["shape"])
    low = np.array([_bound(v) for v in raw["low"]], dtype=np.float32).reshape(shape)
    high = np.array([_bound(v) for v in raw["high"]], dtype=np.float32).reshape(shape)
    return gymnasium.spaces.Box(low, high, shape=shape, dtype=np.float32)


def _bound(value: float | str) -> float:
    if isinstance(value, str):
        if value not in ("inf", "-inf"):
            raise ValueError(f"bad bound {value!r}")
        return math.inf if value == "inf" else -math.inf
    return float(value)
