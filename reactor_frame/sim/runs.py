"""One run of a sweep: its plan, what ``collect`` sees, and its result.

Shared by every executor (this process, spawned processes, Ray workers).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..clock import VirtualClock
from ..errors import ReactorError
from ..host.engine import ReactorEngine
from ..host.reactor import Reactor

#: Default simulated length of one frame when ``frames`` or ``until`` is given.
DEFAULT_FRAME_MS = 1000.0 / 60.0
#: Wall-time budget per frame; on a virtual clock it does not cut frames short.
_FRAME_BUDGET_MS = 1000.0


@dataclass
class Run:
    """One run as ``collect`` and ``until`` see it: its reactor (still open),
    seed, parameters, the output so far and the frames run."""

    reactor: Reactor
    seed: int
    params: Mapping[str, str]
    frames: int = 0
    _stdout: list[str] = field(default_factory=list, repr=False)

    @property
    def stdout(self) -> str:
        """Everything the program wrote to stdout so far."""
        return "".join(self._stdout)


@dataclass(frozen=True)
class RunResult:
    """The outcome of one run: ``value`` is what ``collect`` returned (the
    program's stdout by default), or ``error`` says why the run failed (the
    error's type and message: a Go panic's text and trace)."""

    seed: int
    params: Mapping[str, str]
    value: Any = None
    error: str | None = None
    exit_code: int | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


@dataclass(frozen=True)
class Plan:
    """What every run of a sweep does; shipped once to each worker."""

    name: str
    frames: int | None
    until: Callable[[Run], bool] | None
    collect: Callable[[Run], Any] | None
    frame_ms: float
    args: tuple[str, ...] | None
    env: Mapping[str, str]
    tick_timeout: float | None


def run_one(module: Any, engine: ReactorEngine, plan: Plan, seed: int,
            params: Mapping[str, str]) -> RunResult:
    """One run of a sweep (in whichever process runs it)."""
    out: list[str] = []
    reactor = None
    try:
        reactor = Reactor(module, engine=engine, clock=VirtualClock(), seed=seed, name=plan.name,
                          args=plan.args, env={**plan.env, **params}, stdout=out.append,
                          stderr=lambda _text: None, tick_timeout=plan.tick_timeout)
        run = Run(reactor, seed, params, _stdout=out)
        if plan.frames is None and plan.until is None:
            reactor.run()
        else:
            _run_frames(run, plan)
        value = plan.collect(run) if plan.collect is not None else run.stdout
        return RunResult(seed, params, value, None, reactor.exit_code)
    except ReactorError as exc:
        return RunResult(seed, params, None, f"{type(exc).__name__}: {exc}",
                         reactor.exit_code if reactor is not None else None)
    finally:
        if reactor is not None:
            reactor.close()


def _run_frames(run: Run, plan: Plan) -> None:
    reactor = run.reactor
    while plan.frames is None or run.frames < plan.frames:
        report = reactor.step(_FRAME_BUDGET_MS, advance_ms=plan.frame_ms)
        run.frames += 1
        if plan.until is not None and plan.until(run):
            return
        if reactor.done or (report.idle and reactor.next_timer_ns() is None):
            return
