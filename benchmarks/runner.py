"""Running benchmark modules: error capture, timing, and the command line
each ``bench_*`` module offers when run alone."""

from __future__ import annotations

import argparse
import traceback
from collections.abc import Sequence
from time import perf_counter
from types import ModuleType

from .context import Context
from .result import BenchResult
from .table import print_table, write_json
from .testdata import MissingTestdata


def run_module(module: ModuleType, ctx: Context) -> BenchResult:
    """``module.run(ctx)``; an exception becomes a result with ``error`` set
    (except a missing testdata directory, which no other benchmark survives)."""
    started = perf_counter()
    try:
        result: BenchResult = module.run(ctx)
    except MissingTestdata:
        raise
    except Exception as exc:  # noqa: BLE001 - report it, run the others
        result = BenchResult(module.NAME, module.TITLE,
                             error=f"{type(exc).__name__}: {exc}")
        result.details["traceback"] = traceback.format_exc()
    result.seconds = perf_counter() - started
    return result


def exit_code(results: Sequence[BenchResult]) -> int:
    """0 when all ran and met their targets, 1 when a target was missed,
    2 when a benchmark failed to run."""
    if any(res.error for res in results):
        return 2
    return 1 if any(res.failed for res in results) else 0


def standalone(module: ModuleType, argv: Sequence[str] | None = None) -> int:
    """The ``main`` of one benchmark module: ``[--quick] [--json FILE]``."""
    parser = argparse.ArgumentParser(prog=f"python -m {module.__name__}",
                                     description=module.TITLE)
    parser.add_argument("--quick", action="store_true", help="a fast, CI-sized run")
    parser.add_argument("--json", metavar="FILE", help="also write the results as JSON")
    args = parser.parse_args(argv)
    try:
        result = run_module(module, Context(quick=args.quick))
    except MissingTestdata as exc:
        parser.exit(2, f"error: {exc}\n")
    print_table([result])
    if result.error:
        print(result.details.get("traceback", ""))
    if args.json:
        write_json(args.json, [result], args.quick)
    return exit_code([result])
