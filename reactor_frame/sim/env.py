"""``GoEnv``: a Go program as a Gymnasium environment."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import gymnasium
import numpy as np

from ..errors import EnvUsageError, ReactorClosedError, ResetNeededError
from ..host.reactor import DEFAULT_TICK_TIMEOUT_S, Source
from .guestenv import DEFAULT_SETUP_ROUNDS, GuestEnv, check_action, reactor_options

#: The largest seed passed to the Go environment's Reset (int64).
_MAX_GO_SEED = 2**63 - 1


class GoEnv(gymnasium.Env):  # type: ignore[type-arg]
    """A Gymnasium environment implemented in Go (``guest.RegisterEnv``),
    run in a reactor on a virtual clock.

    ``source`` is a reactor built from the program (path, bytes or compiled
    module). ``render_mode`` is None or ``"rgb_array"`` (when the program
    implements ``guest.Renderer``). ``args``, ``env``, ``stdout``,
    ``stderr``, ``engine``, ``imports`` and ``tick_timeout`` are passed to
    :class:`~reactor_frame.Reactor`.

    ``reset()`` puts the reactor back to the snapshot taken right after the
    program registered (microseconds, no re-instantiation) and calls the
    environment's ``Reset``; without a seed it draws one from the env's
    ``np_random``, so a seeded first reset fixes every later episode.
    ``step()`` before ``reset()`` or after the episode ended raises
    :class:`~reactor_frame.errors.ResetNeededError`; an action outside the
    action space raises :class:`~reactor_frame.errors.ActionSpaceError`.
    """

    def __init__(self, source: Source, *, render_mode: str | None = None,
                 args: Sequence[str] | None = None, env: Mapping[str, str] | None = None,
                 stdout: Any = None, stderr: Any = None, engine: Any = None, imports: Any = None,
                 tick_timeout: float | None = DEFAULT_TICK_TIMEOUT_S,
                 setup_rounds: int = DEFAULT_SETUP_ROUNDS) -> None:
        self._guest: GuestEnv | None = None
        options = reactor_options(args=args, env=env, stdout=stdout, stderr=stderr, engine=engine,
                                  imports=imports, tick_timeout=tick_timeout, label=source)
        guest = GuestEnv(source, setup_rounds=setup_rounds, **options)
        spec = guest.spec
        self.metadata = {"render_modes": ["rgb_array"] if spec.renders else [],
                         "render_fps": spec.render_fps or None}
        if render_mode is not None and render_mode not in self.metadata["render_modes"]:
            guest.close()
            offered = ", ".join(self.metadata["render_modes"]) or "none: it does not implement guest.Renderer"
            raise EnvUsageError(
                f"{guest.reactor.name}: render_mode={render_mode!r} is not offered (render modes: {offered})")
        self._guest = guest
        self.render_mode = render_mode
        self.action_space = spec.action_space
        self.observation_space = spec.observation_space
        self._needs_reset: str | None = "step() was called before reset()"

    @property
    def guest(self) -> GuestEnv:
        """The reactor and contract underneath (for inspection: its output,
        its shared records)."""
        if self._guest is None:
            raise ReactorClosedError("the environment is closed")
        return self._guest

    def reset(self, *, seed: int | None = None,
              options: dict[str, Any] | None = None) -> tuple[np.ndarray, dict[str, Any]]:
        super().reset(seed=seed)
        if options:
            raise EnvUsageError(
                f"reset options {sorted(options)} cannot be passed to a Go environment: its Reset "
                "takes a seed only; configure the program through its args or env instead")
        go_seed = seed if seed is not None else int(self.np_random.integers(0, _MAX_GO_SEED))
        guest = self.guest
        guest.reset(go_seed % 2**64)  # the export takes int64; larger seeds wrap
        self._needs_reset = None
        return guest.observation().copy(), {}

    def step(self, action: Any) -> tuple[np.ndarray, float, bool, bool, dict[str, Any]]:
        if self._needs_reset is not None:
            raise ResetNeededError(f"{self._needs_reset}; call reset() to start an episode")
        value = check_action(self.action_space, action)
        guest = self.guest
        reward, terminated, truncated = guest.step(value)
        if terminated or truncated:
            self._needs_reset = ("step() was called after the episode "
                                 + ("terminated" if terminated else "was truncated"))
        return guest.observation().copy(), reward, terminated, truncated, {}

    def render(self) -> np.ndarray | None:  # type: ignore[override]
        if self.render_mode is None:
            gymnasium.logger.warn("render() called without a render_mode; pass render_mode='rgb_array'")
            return None
        return self.guest.render()

    def close(self) -> None:
        if self._guest is not None:
            self._guest.close()
            self._guest = None
