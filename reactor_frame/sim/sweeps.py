"""``sweep``: one program under many seeds, a result per seed.

Every run gets its own reactor on its own :class:`VirtualClock`, seeded
with its seed, so a run's result depends only on the program, the seed and
its parameters: serial, process-pool and Ray sweeps return equal results.
"""

from __future__ import annotations

import os
import pickle
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from ..errors import InvalidModuleError, SweepError
from ..host.engine import default_engine
from .executors import Item, process_sweep, ray_sweep
from .progress import Progress, ProgressSpec
from .runs import DEFAULT_FRAME_MS, Plan, Run, RunResult, run_one

__all__ = ["Run", "RunResult", "sweep"]


def sweep(source: str | os.PathLike[str] | bytes, seeds: Iterable[int], *,
          frames: int | None = None, until: Callable[[Run], bool] | None = None,
          collect: Callable[[Run], Any] | None = None,
          params: Sequence[Mapping[str, str]] | None = None,
          executor: str | None = None, workers: int | None = None,
          frame_ms: float = DEFAULT_FRAME_MS, args: Sequence[str] | None = None,
          env: Mapping[str, str] | None = None, tick_timeout: float | None = 60.0,
          progress: ProgressSpec = None, ray_address: str | None = None,
          ray_init: Mapping[str, Any] | None = None) -> list[RunResult]:
    """Run the reactor ``source`` once per seed and return one
    :class:`RunResult` per seed, in the order of ``seeds``.

    Each run is a fresh reactor on its own ``VirtualClock`` with
    ``seed=seed``. Without ``frames`` and ``until`` it runs to completion
    (``Reactor.run``); otherwise frame by frame (``step`` with
    ``advance_ms=frame_ms``) for at most ``frames`` frames, stopping early
    once ``until(run)`` is true after a frame, the program is done, or it is
    idle with no timer. Then ``collect(run)`` makes the result (default: the program's
    stdout). ``params`` gives each run (same order as ``seeds``) extra
    environment variables on top of ``env``.

    A run that fails (a Go panic, a trap, the watchdog) gets its error in
    its result; the other runs go on. ``executor``: None runs here, one after
    the other; ``"process"`` in a pool of ``workers`` spawned processes;
    ``"ray"`` as Ray tasks on the cluster ``ray.init()`` reaches
    (``ray_address``, else ``RAY_ADDRESS``, else a new local one started
    with ``ray_init`` options), at most ``workers`` at a time. Module bytes
    travel once to each worker, which compiles them once (through the
    module cache). ``until`` and ``collect`` must be picklable (top-level
    functions) for ``"process"``; Ray also takes lambdas.

    ``progress``: None shows a progress line on a terminal once a sweep has
    run for 2 s; True always, False never; or a callable receiving (runs
    done, runs in all, runs failed).
    """
    wasm, name = _read_source(source)
    seeds = [_seed(s) for s in seeds]
    runs: list[Item]
    if params is None:
        runs = [(s, {}) for s in seeds]
    else:
        params = list(params)
        if len(params) != len(seeds):
            raise SweepError(f"params has {len(params)} entries for {len(seeds)} seeds: give one "
                             "mapping per seed, in the same order")
        runs = [(s, _params(p)) for s, p in zip(seeds, params)]
    if frames is not None and frames < 0:
        raise SweepError(f"frames must be >= 0, not {frames}")
    if not frame_ms > 0:
        raise SweepError(f"frame_ms must be > 0, not {frame_ms}")
    if workers is not None and workers < 1:
        raise SweepError(f"workers must be >= 1, not {workers}")
    plan = Plan(name=name, frames=frames, until=until, collect=collect, frame_ms=float(frame_ms),
                args=tuple(args) if args is not None else None, env=dict(env or {}),
                tick_timeout=tick_timeout)
    report = Progress(progress, len(runs))
    try:
        if executor is None:
            return _serial(wasm, plan, runs, report)
        if executor == "process":
            _check_picklable(plan)
            return process_sweep(wasm, plan, runs, workers, report)
        if executor == "ray":
            return ray_sweep(wasm, plan, runs, workers, report, ray_address, ray_init)
        raise SweepError(f"executor must be None, 'process' or 'ray', not {executor!r}")
    finally:
        report.close()


def _serial(wasm: bytes, plan: Plan, runs: list[Item],
            report: Progress) -> list[RunResult]:
    engine = default_engine()
    module = engine.compile(wasm)
    results = []
    for seed, params in runs:
        result = run_one(module, engine, plan, seed, params)
        results.append(result)
        report.add(1, 0 if result.ok else 1)
    return results


def _read_source(source: str | os.PathLike[str] | bytes) -> tuple[bytes, str]:
    if isinstance(source, (bytes, bytearray, memoryview)):
        return bytes(source), "reactor"
    if isinstance(source, (str, os.PathLike)):
        try:
            with open(source, "rb") as f:
                return f.read(), os.path.basename(os.fspath(source))
        except OSError as exc:
            raise InvalidModuleError(f"{source}: cannot read: {exc.strerror}") from None
    raise SweepError(f"sweep source must be a path or the module bytes, not {type(source).__name__}")


def _seed(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) and not hasattr(value, "__index__"):
        raise SweepError(f"seeds must be integers, not {value!r}")
    return int(value)


def _params(value: Any) -> dict[str, str]:
    if not isinstance(value, Mapping) or not all(isinstance(k, str) for k in value):
        raise SweepError(f"each params entry must be a mapping of str to str, not {value!r}")
    return {k: str(v) for k, v in value.items()}


def _check_picklable(plan: Plan) -> None:
    try:
        pickle.dumps(plan)
    except Exception as exc:  # noqa: BLE001 - pickle raises several types
        raise SweepError(
            f"until and collect must be picklable to run in worker processes ({exc}); use "
            "top-level functions, not lambdas or closures (Ray's executor takes those too)"
        ) from None
