"""Where a sweep's runs execute besides this process: a pool of spawned
processes, or Ray tasks. Either way the module bytes travel once to each
worker, which compiles them once and keeps the compiled module for every
run it gets."""

from __future__ import annotations

import hashlib
import math
import os
import socket
from collections.abc import Mapping
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from multiprocessing import get_context
from typing import Any

from ..errors import RayUnavailableError
from ..host.engine import default_engine
from ..host.traphandlers import keep_trap_handlers
from .progress import Progress
from .runs import Plan, RunResult, run_one

Item = tuple[int, dict[str, str]]

_RAY_HINT = 'pip install "reactor-frame[ray]"'
#: Seconds to wait for a Ray cluster's port before calling it unreachable.
_PROBE_TIMEOUT_S = 3.0
#: Chunks per worker: small enough to balance, large enough to amortise calls.
_CHUNKS_PER_WORKER = 4


def _chunks(runs: list[Item], workers: int) -> list[list[Item]]:
    size = max(1, math.ceil(len(runs) / (workers * _CHUNKS_PER_WORKER)))
    return [runs[i:i + size] for i in range(0, len(runs), size)]


def _failed(chunk: list[Item], exc: BaseException) -> list[RunResult]:
    """Results for a chunk whose worker failed outside any run."""
    text = f"worker failed: {type(exc).__name__}: {exc}"
    return [RunResult(seed, params, None, text) for seed, params in chunk]


def _count_failed(results: list[RunResult]) -> int:
    return sum(1 for r in results if not r.ok)


# ------------------------------------------------------------- processes --
_worker: dict[str, Any] = {}


def _init_process(wasm: bytes, plan: Plan) -> None:
    engine = default_engine()
    _worker.update(engine=engine, module=engine.compile(wasm), plan=plan)


def _process_chunk(chunk: list[Item]) -> list[RunResult]:
    return [run_one(_worker["module"], _worker["engine"], _worker["plan"], seed, params)
            for seed, params in chunk]


def process_sweep(wasm: bytes, plan: Plan, runs: list[Item], workers: int | None,
                  report: Progress) -> list[RunResult]:
    """Run the sweep in a pool of ``workers`` spawned processes."""
    count = workers or os.cpu_count() or 1
    chunks = _chunks(runs, count)
    results: list[list[RunResult] | None] = [None] * len(chunks)
    with ProcessPoolExecutor(max_workers=min(count, len(chunks)) or 1, mp_context=get_context("spawn"),
                             initializer=_init_process, initargs=(wasm, plan)) as pool:
        pending = {pool.submit(_process_chunk, chunk): i for i, chunk in enumerate(chunks)}
        while pending:
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                i = pending.pop(future)
                try:
                    results[i] = future.result()
                except Exception as exc:  # noqa: BLE001 - a dead worker fails its chunk only
                    results[i] = _failed(chunks[i], exc)
                report.add(len(chunks[i]), _count_failed(results[i]))  # type: ignore[arg-type]
    return [r for chunk in results for r in chunk]  # type: ignore[union-attr]


# ------------------------------------------------------------------- Ray --
_ray_modules: dict[str, Any] = {}


def _ray_chunk(digest: str, module_holder: list[Any], plan: Plan, chunk: list[Item]) -> list[RunResult]:
    """A Ray task: the module reference arrives inside a list so that Ray
    does not fetch the bytes for every task; they are fetched and compiled
    once per worker process."""
    engine = default_engine()
    module = _ray_modules.get(digest)
    if module is None:
        import ray
        module = _ray_modules[digest] = engine.compile(ray.get(module_holder[0]))
    return [run_one(module, engine, plan, seed, params) for seed, params in chunk]


def ray_sweep(wasm: bytes, plan: Plan, runs: list[Item], workers: int | None, report: Progress,
              address: str | None, init_options: Mapping[str, Any] | None) -> list[RunResult]:
    """Run the sweep as Ray tasks, at most ``workers`` at a time (default:
    the cluster's CPUs)."""
    ray = import_ray()
    connect_ray(ray, address, init_options)
    count = workers or max(1, int(ray.cluster_resources().get("CPU", 1)))
    digest = hashlib.sha256(wasm).hexdigest()
    module_ref = ray.put(wasm)
    plan_ref = ray.put(plan)
    task = ray.remote(num_cpus=1, max_retries=0)(_ray_chunk)
    chunks = _chunks(runs, count)
    results: list[list[RunResult] | None] = [None] * len(chunks)
    pending: dict[Any, int] = {}
    next_chunk = 0
    while next_chunk < len(chunks) or pending:
        while next_chunk < len(chunks) and len(pending) < count:
            ref = task.remote(digest, [module_ref], plan_ref, chunks[next_chunk])
            pending[ref] = next_chunk
            next_chunk += 1
        ready, _ = ray.wait(list(pending), num_returns=1)
        for ref in ready:
            i = pending.pop(ref)
            try:
                results[i] = ray.get(ref)
            except Exception as exc:  # noqa: BLE001 - a dead worker fails its chunk only
                results[i] = _failed(chunks[i], exc)
            report.add(len(chunks[i]), _count_failed(results[i]))  # type: ignore[arg-type]
    return [r for chunk in results for r in chunk]  # type: ignore[union-attr]


def import_ray() -> Any:
    """The ``ray`` module, or RayUnavailableError saying how to install it."""
    try:
        import ray
    except ImportError:
        raise RayUnavailableError(
            f"executor='ray' needs Ray, which is not installed: {_RAY_HINT}") from None
    return ray


def connect_ray(ray: Any, address: str | None, init_options: Mapping[str, Any] | None) -> None:
    """Connect to (or start) a Ray cluster unless already connected. An
    address that does not answer fails within seconds. wasmtime's trap
    handlers survive ``ray.init()`` (it installs its own for the signals
    wasmtime turns into traps)."""
    if ray.is_initialized():
        return
    address = address or os.environ.get("RAY_ADDRESS") or None
    if address and address not in ("auto", "local"):
        _probe(address)
    try:
        with keep_trap_handlers():
            ray.init(address=address, **dict(init_options or {}))
    except (ConnectionError, RuntimeError, ValueError, TimeoutError) as exc:
        where = f"at {address!r}" if address else "(starting a local one failed)"
        raise RayUnavailableError(
            f"no Ray cluster reachable {where}: {exc}. Start one (`ray start --head`), fix or unset "
            f"RAY_ADDRESS; Ray itself comes with {_RAY_HINT}") from None


def _probe(address: str) -> None:
    target = address.split("://", 1)[-1]
    host, _, port = target.rpartition(":")
    try:
        socket.create_connection((host or "127.0.0.1", int(port)), timeout=_PROBE_TIMEOUT_S).close()
    except ValueError:
        raise RayUnavailableError(
            f"Ray address {address!r} is not HOST:PORT (or ray://HOST:PORT, auto, local)") from None
    except OSError as exc:
        raise RayUnavailableError(
            f"no Ray cluster reachable at {address!r} (RAY_ADDRESS or ray_address=): "
            f"{exc.strerror or exc}. Start one (`ray start --head`), fix or unset RAY_ADDRESS; Ray "
            f"itself comes with {_RAY_HINT}") from None
