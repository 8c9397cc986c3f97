"""``GoVectorEnv``: N copies of a Go environment stepped together in this
process, one Python loop, observations stacked into numpy arrays."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from gymnasium.utils import seeding
from gymnasium.vector import AutoresetMode, VectorEnv
from gymnasium.vector.utils import batch_space

from ..errors import EnvUsageError, ResetNeededError
from ..host.reactor import DEFAULT_TICK_TIMEOUT_S, Source
from .guestenv import DEFAULT_SETUP_ROUNDS, GuestEnv, check_action, reactor_options

_GO_SEEDS = 2**63 - 1  # upper bound of the seeds drawn for unseeded resets


class GoVectorEnv(VectorEnv):  # type: ignore[type-arg]
    """``num_envs`` copies of one Go environment, each in its own reactor,
    stepped in one loop in this process (a ``gymnasium.vector.VectorEnv``).

    The program runs its setup once; the other copies are forked from the
    first one's post-init snapshot. Sub-environments reset themselves on the
    step after they terminate or are truncated (Gymnasium's ``NEXT_STEP``
    autoreset), and seeds follow :class:`~gymnasium.vector.SyncVectorEnv`:
    ``reset(seed=s)`` seeds copy ``i`` with ``s + i``, so a ``GoVectorEnv``
    and a ``SyncVectorEnv`` of :class:`GoEnv` give the same results. Other
    arguments are :class:`GoEnv`'s.
    """

    metadata: dict[str, Any] = {"autoreset_mode": AutoresetMode.NEXT_STEP,  # noqa: RUF012 - Gymnasium's
                                "render_modes": []}

    def __init__(self, source: Source, num_envs: int, *,
                 args: Sequence[str] | None = None, env: Mapping[str, str] | None = None,
                 stdout: Any = None, stderr: Any = None, engine: Any = None, imports: Any = None,
                 tick_timeout: float | None = DEFAULT_TICK_TIMEOUT_S,
                 setup_rounds: int = DEFAULT_SETUP_ROUNDS) -> None:
        if num_envs < 1:
            raise EnvUsageError(f"num_envs must be at least 1, not {num_envs}")
        self._guests: list[GuestEnv] = []
        options = reactor_options(args=args, env=env, stdout=stdout, stderr=stderr, engine=engine,
                                  imports=imports, tick_timeout=tick_timeout, label=source)
        first = GuestEnv(source, setup_rounds=setup_rounds, **options)
        self._guests.append(first)
        try:
            for _ in range(num_envs - 1):
                self._guests.append(first.fork())
        except BaseException:
            self.close()
            raise
        self.num_envs = num_envs
        self.single_action_space = first.spec.action_space
        self.single_observation_space = first.spec.observation_space
        self._obs_shape = (num_envs, *first.spec.observation_space.shape)
        self.action_space = batch_space(self.single_action_space, num_envs)
        self.observation_space = batch_space(self.single_observation_space, num_envs)
        self._rngs: list[np.random.Generator | None] = [None] * num_envs
        self._autoreset = np.zeros(num_envs, dtype=np.bool_)
        self._started = False

    def reset(self, *, seed: int | Sequence[int | None] | None = None,
              options: dict[str, Any] | None = None) -> tuple[np.ndarray, dict[str, Any]]:
        if options:
            raise EnvUsageError(
                f"reset options {sorted(options)} cannot be passed to a Go environment: its Reset "
                "takes a seed only")
        if seed is None:
            seeds: list[int | None] = [None] * self.num_envs
        elif isinstance(seed, int):
            seeds = [seed + i for i in range(self.num_envs)]
        else:
            seeds = list(seed)
            if len(seeds) != self.num_envs:
                raise EnvUsageError(f"{len(seeds)} seeds given for {self.num_envs} environments")
        if seed is not None:
            self._np_random, self._np_random_seed = seeding.np_random(seeds[0])
        for i, s in enumerate(seeds):
            self._reset_one(i, s)
        self._autoreset[:] = False
        self._started = True
        return self._observations(), {}

    def _reset_one(self, i: int, seed: int | None) -> None:
        rng = self._rngs[i]
        if seed is not None or rng is None:
            rng, _ = seeding.np_random(seed)
            self._rngs[i] = rng
        go_seed = seed if seed is not None else int(rng.integers(0, _GO_SEEDS))
        self._guests[i].reset(go_seed % 2**64)

    def step(self, actions: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, dict[str, Any]]:
        if not self._started:
            raise ResetNeededError("step() was called before reset(); call reset() first")
        batch = np.asarray(actions) if not isinstance(actions, np.ndarray) else actions
        if batch.shape[:1] != (self.num_envs,):
            raise EnvUsageError(
                f"step() needs one action per environment: a batch of {self.num_envs}, not an "
                f"array of shape {batch.shape}")
        values = [check_action(self.single_action_space, a) for a in batch]
        rewards = np.zeros(self.num_envs, dtype=np.float64)
        terminated = np.zeros(self.num_envs, dtype=np.bool_)
        truncated = np.zeros(self.num_envs, dtype=np.bool_)
        for i, (guest, value) in enumerate(zip(self._guests, values)):
            if self._autoreset[i]:
                self._reset_one(i, None)
            else:
                rewards[i], terminated[i], truncated[i] = guest.step(value)
        self._autoreset = terminated | truncated
        return self._observations(), rewards, terminated, truncated, {}

    def _observations(self) -> np.ndarray:
        out = np.empty(self._obs_shape, dtype=np.float32)
        for i, guest in enumerate(self._guests):
            out[i] = guest.observation()
        return out

    @property
    def guests(self) -> tuple[GuestEnv, ...]:
        """The sub-environments' reactors and contracts (for inspection)."""
        return tuple(self._guests)

    def close_extras(self, **kwargs: Any) -> None:
        for guest in self._guests:
            guest.close()
        self._guests = []


__all__ = ["GoVectorEnv"]
