"""The whole benchmark suite: ``reactor-frame bench`` / ``python -m benchmarks.suite``.

Runs every benchmark (or ``--only`` some), prints one table of figures,
baselines measured in the same run, ratios and targets, and optionally
writes JSON (``--json``) and a PNG of the step-time distributions
(``--plot``). ``--quick`` is a CI-sized run of every benchmark (~10 s).
Exit status: 0 all targets met, 1 a target missed, 2 a benchmark failed.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from types import ModuleType
from typing import Any

from . import interop
from .context import Context
from .result import BenchResult
from .runner import exit_code, run_module
from .table import environment, print_table, write_json
from .testdata import MissingTestdata, testdata_dir

#: Benchmark modules in running order.
MODULES = ("bench_tick", "bench_startup", "bench_step", "bench_spin", "bench_fps",
           "bench_scaling", "bench_vclock", "bench_snapshot", "bench_sim", "bench_peers",
           "bench_engine", "bench_sharing", "bench_fastforward", "bench_preempt")


def benchmarks() -> dict[str, ModuleType | BaseException]:
    """Benchmark name -> module, in running order; ``interop`` last if
    ``bench_interop`` exists (mapped to its import error if it fails to import)."""
    found: dict[str, ModuleType | BaseException] = {}
    for name in MODULES:
        module = importlib.import_module(f"{__package__}.{name}")
        found[module.NAME] = module
    try:
        extra = interop.find()
    except Exception as exc:  # noqa: BLE001 - report it as that benchmark's error
        found[interop.NAME] = exc
    else:
        if extra is not None:
            found[interop.NAME] = extra
    return found


def parse(argv: Sequence[str] | None, names: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="reactor-frame bench", description=__doc__.split("\n\n")[1].replace("``", ""))
    parser.add_argument("--quick", action="store_true", help="a fast, CI-sized run")
    parser.add_argument("--json", metavar="FILE", help="write all results as JSON")
    parser.add_argument("--plot", metavar="FILE.png", help="render step-time distributions (matplotlib)")
    parser.add_argument("--only", nargs="+", metavar="NAME", choices=list(names),
                        help=f"run only these benchmarks ({', '.join(names)})")
    return parser.parse_args(argv)


def preflight(args: argparse.Namespace) -> str | None:
    """Why the suite cannot run (no testdata, no matplotlib for --plot), or None."""
    try:
        testdata_dir()
        if args.plot:
            from .plot import require_matplotlib
            require_matplotlib()
    except (MissingTestdata, RuntimeError) as exc:
        return str(exc)
    return None


def run_all(available: dict[str, ModuleType | BaseException], only: Sequence[str] | None,
            ctx: Context) -> list[BenchResult]:
    """Run the selected benchmarks in order (progress on stderr)."""
    results = []
    for name, module in available.items():
        if only and name not in only:
            continue
        print(f"  running {name} ...", file=sys.stderr, flush=True)
        if isinstance(module, BaseException):
            results.append(BenchResult(name, interop.TITLE, error=f"cannot import: {module!r}"))
        elif name == interop.NAME:
            results.append(interop.run(module, ctx))
        else:
            results.append(run_module(module, ctx))
    return results


def report(results: list[BenchResult], args: argparse.Namespace, env: dict[str, Any]) -> None:
    """The table, the interop benchmark's own output, tracebacks, JSON and plot."""
    print()
    print_table(results)
    for res in results:
        if res.name == interop.NAME and res.details.get("output"):
            print(f"\n--- {res.name} ---\n{res.details['output'].rstrip()}")
        if res.error and res.details.get("traceback"):
            print(f"\n[{res.name}] {res.details['traceback']}", file=sys.stderr)
    if args.json:
        write_json(args.json, results, args.quick)
        print(f"wrote {args.json}")
    if args.plot:
        from .plot import render
        render(results, args.plot,
               f"reactor-frame benchmarks{' (quick run)' if args.quick else ''}\n"
               f"{env['cpus']} CPUs, load average {env['load_average']} (wall time includes "
               "time the OS gave to other processes; thread CPU time does not)")
        print(f"wrote {args.plot}")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the suite; returns the exit status (see module doc)."""
    available = benchmarks()
    args = parse(argv, list(available))
    problem = preflight(args)
    if problem:
        print(f"error: {problem}", file=sys.stderr)
        return 2
    env = environment()
    print(f"reactor-frame benchmarks{' (quick)' if args.quick else ''}: python {env['python']}, "
          f"wasmtime {env['wasmtime']}, {env['cpus']} CPUs, load average {env['load_average']}",
          flush=True)
    try:
        results = run_all(available, args.only, Context(quick=args.quick))
    except MissingTestdata as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    report(results, args, env)
    return exit_code(results)


if __name__ == "__main__":
    sys.exit(main())
