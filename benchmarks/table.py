"""Printing results as a table, and writing them as JSON."""

from __future__ import annotations

import json
import math
import os
import platform
import sys
from collections.abc import Sequence
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path
from typing import Any, TextIO

from .result import BenchResult, Row

HEADERS = ("benchmark", "measure", "figure", "baseline", "ratio", "target", "result")


def fmt(value: float | None, unit: str = "") -> str:
    """``value`` to 3 significant digits, with ``unit``."""
    if value is None:
        return "-"
    if math.isnan(value) or math.isinf(value):
        return str(value)
    text = f"{value:.3g}" if abs(value) < 1000 else f"{value:.0f}"
    return f"{text} {unit}".rstrip()


def _cells(bench: str, row: Row) -> tuple[str, ...]:
    baseline = fmt(row.baseline, row.unit) if row.baseline is not None else "-"
    if row.baseline_label:
        baseline = f"{baseline} ({row.baseline_label})"
    ratio = row.ratio
    verdict = {True: "pass", False: "FAIL", None: ""}[row.passed]
    return (bench, row.name, fmt(row.figure, row.unit), baseline,
            f"{ratio:.3g}" if ratio is not None else "-",
            row.target.describe(row.unit) if row.target else "-", verdict)


def print_table(results: Sequence[BenchResult], out: TextIO = sys.stdout) -> None:
    """All rows of ``results`` as one aligned table, then notes and errors."""
    lines: list[tuple[str, ...]] = [HEADERS]
    for res in results:
        lines.extend(_cells(res.name, row) for row in res.rows)
        if res.error:
            lines.append((res.name, "ERROR", "-", "-", "-", "-", "ERROR"))
    widths = [max(len(line[i]) for line in lines) for i in range(len(HEADERS))]
    for n, line in enumerate(lines):
        out.write("  ".join(cell.ljust(w) for cell, w in zip(line, widths)).rstrip() + "\n")
        if n == 0:
            out.write("  ".join("-" * w for w in widths) + "\n")
    for res in results:
        out.writelines(f"[{res.name}] {note}\n" for note in res.notes)
        if res.error:
            out.write(f"[{res.name}] error: {res.error}\n")
    rows = [row for res in results for row in res.rows if row.passed is not None]
    failed = sum(1 for row in rows if row.passed is False)
    errors = sum(1 for res in results if res.error)
    out.write(f"targets met: {len(rows) - failed}/{len(rows)}"
              + (f"; {errors} benchmark(s) failed to run" if errors else "") + "\n")


def environment() -> dict[str, Any]:
    """Where the figures were taken."""
    def version(name: str) -> str | None:
        try:
            return metadata.version(name)
        except metadata.PackageNotFoundError:
            return None
    return {
        "time": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "python": sys.version.split()[0],
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "machine": platform.machine(),
        "cpus": os.cpu_count(),
        "load_average": _load_average(),
        "wasmtime": version("wasmtime"),
        "reactor_frame": version("reactor-frame"),
    }


def _load_average() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "unknown"


def write_json(path: str | Path, results: Sequence[BenchResult], quick: bool) -> None:
    """Write ``results`` and the environment to ``path``."""
    data = {
        "suite": "reactor-frame benchmarks",
        "quick": quick,
        "environment": environment(),
        "benchmarks": {res.name: res.to_json() for res in results},
    }
    Path(path).write_text(json.dumps(data, indent=2, allow_nan=True) + "\n")
