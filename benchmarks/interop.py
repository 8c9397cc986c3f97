"""Running the interop benchmark (``bench_interop``, owned by the interop
work) from the suite, if that module exists.

If it follows this suite's protocol (``NAME``, ``TITLE``,
``run(ctx) -> BenchResult``) it runs like any other benchmark. Otherwise its
own ``main(argv)`` is called (with ``["--quick"]`` in quick runs), its
output captured and kept, and the result records the exit status and time.
"""

from __future__ import annotations

import contextlib
import importlib
import importlib.util
import io
import traceback
from time import perf_counter
from types import ModuleType

from .context import Context
from .result import BenchResult, Target
from .runner import run_module

NAME = "interop"
TITLE = "Interop (benchmarks/bench_interop.py)"


def find() -> ModuleType | None:
    """The ``bench_interop`` module of this package, or None if absent."""
    name = f"{__package__}.bench_interop"
    if importlib.util.find_spec(name) is None:
        return None
    return importlib.import_module(name)


def run(module: ModuleType, ctx: Context) -> BenchResult:
    if callable(getattr(module, "run", None)) and hasattr(module, "NAME"):
        result = run_module(module, ctx)
        result.name = NAME
        return result
    res = BenchResult(NAME, TITLE)
    out = io.StringIO()
    started = perf_counter()
    try:
        with contextlib.redirect_stdout(out):
            code = module.main(["--quick"] if ctx.quick else [])
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    except Exception as exc:  # noqa: BLE001 - report, keep the suite going
        res.error = f"{type(exc).__name__}: {exc}"
        res.details["traceback"] = traceback.format_exc()
        code = 1
    res.seconds = perf_counter() - started
    status = float(code) if isinstance(code, int) else 0.0  # main may return None
    res.add("exit status of its main", status, "", target=Target("figure", "<=", 0))
    res.add("wall time", res.seconds, "s")
    res.details["output"] = out.getvalue()
    res.notes.append("its own report follows the table")
    return res
