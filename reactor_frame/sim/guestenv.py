"""The host side of the Go environment contract: one reactor running a
program that called ``guest.RegisterEnv``, and the calls that drive it.

:class:`GuestEnv` is what :class:`~reactor_frame.sim.GoEnv` and
:class:`~reactor_frame.sim.GoVectorEnv` are built on. It waits for the
program to register, takes a snapshot right after (the post-init state every
episode starts from), and exchanges actions and observations through the
buffers the guest package shares, so an observation is read in place with no
guest call and no serialisation.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from ..abi import LoopResult
from ..clock import VirtualClock
from ..errors import ActionSpaceError, InteropError, InvalidModuleError
from ..host.reactor import DEFAULT_TICK_TIMEOUT_S, Reactor, Source
from ..snapshot import ReactorSnapshot
from . import spec as S

#: Default bound on the scheduling rounds main may run before registering.
DEFAULT_SETUP_ROUNDS = 10_000
#: Wall-time budget handed to ``Reactor.step`` when a step advances time; on
#: a virtual clock it does not cut the step short (see scheduling.step).
_STEP_BUDGET_MS = 1000.0


class GuestEnv:
    """One Go environment in one reactor on its own :class:`VirtualClock`.

    ``reactor_options`` are :class:`Reactor`'s (``args``, ``env``,
    ``stdout``, ``imports``, ``engine``...); ``seed`` seeds the guest
    runtime's randomness (episodes get theirs from ``reset(seed)``).
    """

    def __init__(self, source: Source, *, seed: int = 0,
                 setup_rounds: int = DEFAULT_SETUP_ROUNDS,
                 post_init: ReactorSnapshot | None = None, **reactor_options: Any) -> None:
        reactor_options.setdefault("tick_timeout", DEFAULT_TICK_TIMEOUT_S)
        reactor_options["seed"] = seed
        self._options = reactor_options
        if post_init is not None:  # a fork: no setup to run
            self.reactor = Reactor.from_snapshot(post_init, source, **reactor_options)
        else:
            self.reactor = Reactor(source, clock=VirtualClock(), **reactor_options)
        try:
            if post_init is None:
                _check_exports(self.reactor)
                _wait_for_registration(self.reactor, setup_rounds)
            self.spec = S.parse_spec(bytes(self.reactor.shared(S.SPEC).memoryview()), self.reactor.name)
            self._post_init = post_init or self.reactor.snapshot()
            self._bind()
        except BaseException:
            self.reactor.close()
            raise

    def fork(self) -> GuestEnv:
        """A new environment in its own reactor, started from this one's
        post-registration snapshot instead of running the program's setup
        again."""
        return GuestEnv(self.reactor.module, post_init=self._post_init, **self._options)

    def _bind(self) -> None:
        """Look up the exports and the views of the shared buffers. Restores
        keep them valid: guest memory never moves, and the buffers live at
        the addresses they had when the snapshot was taken."""
        r = self.reactor
        exports = r.exports
        self._reset_call = exports[S.RESET_EXPORT]
        self._step_call = exports[S.STEP_EXPORT]
        self._observe_call = exports[S.OBSERVE_EXPORT]
        self._render_call = exports[S.RENDER_EXPORT]
        self._obs = r.shared(S.OBS).array("<f4").reshape(self.spec.observation_space.shape)
        self._reward = r.shared(S.REWARD).array("<f8").reshape(-1)
        self._action = r.shared(S.ACTION).array("<f4").reshape(-1)
        self._frame = (r.shared(S.FRAME).array("u1").reshape(
            self.spec.render_height, self.spec.render_width, 3) if self.spec.renders else None)

    # ------------------------------------------------------------ driving --
    def reset(self, seed: int) -> None:
        """Go back to the post-init snapshot, then start an episode with
        ``seed`` (``Env.Reset(seed)``, ``Env.Observe``)."""
        self.reactor.restore(self._post_init)
        self._reset_call(seed)

    def step(self, action: int | np.ndarray) -> tuple[float, bool, bool]:
        """Apply a checked action (see :func:`check_action`); returns reward,
        terminated, truncated, and leaves the new observation in place."""
        if isinstance(action, int):
            index = action
        else:
            self._action[:] = action.reshape(-1)
            index = -1
        if self.spec.step_ms > 0:
            flags = self._step_call(index, 0)
            self.reactor.step(_STEP_BUDGET_MS, advance_ms=self.spec.step_ms)
            self._observe_call()
        else:
            flags = self._step_call(index, 1)
        return float(self._reward[0]), bool(flags & S.TERMINATED), bool(flags & S.TRUNCATED)

    def observation(self) -> np.ndarray:
        """The current observation, read zero-copy from guest memory (do not
        keep it across steps: the guest overwrites it; copy it)."""
        return self._obs

    def render(self) -> np.ndarray:
        """A new frame, drawn by the guest: a copy, (height, width, 3) uint8."""
        assert self._frame is not None
        self._render_call()
        return self._frame.copy()

    def close(self) -> None:
        self.reactor.close()


def check_action(space: Any, action: Any) -> int | np.ndarray:
    """``action`` converted for the guest (an int for Discrete, a float32
    array for Box), or :class:`ActionSpaceError` when it is not in ``space``."""
    import gymnasium

    if isinstance(space, gymnasium.spaces.Discrete):
        value = action
        if isinstance(value, np.ndarray) and value.shape == () and value.dtype.kind in "iu":
            value = value.item()
        if isinstance(value, np.integer):
            value = int(value)
        if not isinstance(value, int) or isinstance(value, bool):
            raise ActionSpaceError(
                f"action {action!r} ({type(action).__name__}) is not an integer; the action space is "
                f"{space}")
        if not int(space.start) <= value < int(space.start) + int(space.n):
            raise ActionSpaceError(f"action {value} is outside the action space {space}")
        return value - int(space.start)
    try:
        array = np.asarray(action)
    except Exception:  # noqa: BLE001 - anything numpy cannot read is a bad action
        raise ActionSpaceError(f"action {action!r} is not an array; the action space is {space}") from None
    if array.shape != space.shape or array.dtype.kind not in "biuf":
        raise ActionSpaceError(
            f"action of shape {array.shape} and dtype {array.dtype} is not in the action space "
            f"{space} (shape {space.shape}, float32)")
    values = array.astype(np.float32)
    if not (np.all(values >= space.low) and np.all(values <= space.high)):
        raise ActionSpaceError(
            f"action {values.tolist()} is outside the bounds of the action space {space} "
            f"(low {space.low.tolist()}, high {space.high.tolist()})")
    return values


def _check_exports(r: Reactor) -> None:
    missing = [name for name in S.EXPORTS if name not in r.exports]
    if missing:
        raise InvalidModuleError(
            f"{r.name} does not implement the environment contract: the exports "
            f"{', '.join(missing)} are missing. A Go environment imports \"reactorframe/guest\", "
            "implements guest.Env and calls guest.RegisterEnv(env) from main (see docs/sim.md)."
        )


def _registered(r: Reactor) -> bool:
    try:
        r.shared(S.SPEC)
    except InteropError:
        return False
    return True


def _wait_for_registration(r: Reactor, rounds: int) -> None:
    """Run main, on virtual time, until it registers an environment."""
    clock = r.clock
    assert isinstance(clock, VirtualClock)
    start_ns = clock.now_ns()
    r.start_main()
    hint = "call guest.RegisterEnv(env) from main (see docs/sim.md)"
    for _ in range(rounds):
        result = r.loop_once()
        if _registered(r):
            return
        if r.done:
            how = "main returned" if r.exit_code == 0 else f"the program exited with code {r.exit_code}"
            raise InvalidModuleError(f"{r.name}: {how} without registering an environment; {hint}")
        if result == LoopResult.IDLE:
            raise InvalidModuleError(
                f"{r.name}: main blocked (every goroutine is waiting) without registering an "
                f"environment; {hint}")
        if result > 0:
            clock.advance_ns(r.next_timer_ns() or 0)
    elapsed_s = (clock.now_ns() - start_ns) / 1e9
    raise InvalidModuleError(
        f"{r.name}: main kept running for {rounds} scheduling rounds ({elapsed_s:g} s of simulated "
        f"time) without registering an environment; {hint}")


def reactor_options(*, args: Sequence[str] | None, env: Mapping[str, str] | None,
                    stdout: Any, stderr: Any, engine: Any, imports: Any,
                    tick_timeout: float | None, label: Source) -> dict[str, Any]:
    """The Reactor options GoEnv and GoVectorEnv pass through, named after the
    source (a path's file name) so messages say which program failed."""
    options: dict[str, Any] = {"args": args, "env": env, "stdout": stdout, "stderr": stderr,
                               "engine": engine, "imports": imports, "tick_timeout": tick_timeout}
    if isinstance(label, (str, os.PathLike)):
        options["name"] = os.path.basename(os.fspath(label))
    return options
