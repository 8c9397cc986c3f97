"""Regenerate the README's performance table from a suite run's JSON.

    reactor-frame bench --json bench.json --plot bench.png
    python -m benchmarks.readme_table bench.json [README.md]

The table sits between the two marker comments below in README.md; each line
is one figure of the run next to its baseline from the same run. A figure
whose benchmark did not run is left out.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .table import fmt

BEGIN = "<!-- performance table: python -m benchmarks.readme_table BENCH.json -->"
END = "<!-- end of performance table -->"

#: (what, benchmark, row name or its start); the row's figure and baseline.
LINES: tuple[tuple[str, str, str], ...] = (
    ("idle `go_tick`, CPU per `loop_once`", "peers", "idle go_tick: loop_once CPU"),
    ("idle `go_tick`, naive wasmtime-py host", "peers", "idle go_tick: naive wasmtime-py CPU"),
    ("one ctypes call of a trivial export (the floor)", "peers", "idle: bare ctypes call"),
    ("one ctypes call of a C no-op", "peers", "idle: ctypes call of a C no-op"),
    ("`go_tick` with 3 always-yielding goroutines", "peers", "runnable go_tick: loop_once CPU"),
    ("CPU-heavy guest (busywork 48 goroutines), default engine", "engine",
     "busywork 48 20: default (watchdog, speed)"),
    ("the same, `ReactorEngine(watchdog=False)`", "engine", "busywork 48 20: watchdog=False, speed"),
    ("the same on V8 (our Node host)", "peers", "busywork 48 20: V8 CPU"),
    ("ordinary Go compute (mixedwork), default engine", "engine",
     "mixedwork 10: default (watchdog, speed)"),
    ("RSS of 40 reactors by path", "sharing", "RSS growth, 40 reactors by path"),
    ("start from the compiled-module cache", "startup", "cached module"),
    ("`step(4.0)`, 50 goroutines of 0.2 ms chunks, p99", "step", "step(4) go_tick_for p99"),
    ("the same, p99 of thread CPU time", "step", "step(4) go_tick_for p99 CPU time"),
    ("idle reactor stepped in a 60 FPS loop", "fps", "idle step cost"),
    ("timerstorm (1,000 goroutines, 10 s), simulated s per CPU s", "fastforward",
     "timerstorm 1000 goroutines, 10 s: simulated s per CPU s"),
    ("timerstorm with 10 goroutines, simulated s per CPU s", "fastforward",
     "timerstorm 10 goroutines, 10 s: simulated s per CPU s"),
    ("host function called from Go", "interop", "host function called from Go"),
)


def _find(data: dict[str, Any], bench: str, name: str) -> dict[str, Any] | None:
    rows = data["benchmarks"].get(bench, {}).get("rows", [])
    return next((row for row in rows if row["name"].startswith(name)), None)


def render(data: dict[str, Any]) -> str:
    """The markdown table (with its markers) for suite JSON ``data``."""
    env = data["environment"]
    out = [BEGIN, "",
           f"Measured with `reactor-frame bench` on {env['cpus']} CPUs (load average "
           f"{env['load_average']}, {env['time'][:10]}; python {env['python']}, wasmtime "
           f"{env['wasmtime']}): medians, each figure next to a baseline measured in the same run. "
           "Wall-time figures include time the OS gave to other processes; CPU figures do not.",
           "", "| what | reactor-frame | baseline (same run) |", "|---|---|---|"]
    for what, bench, name in LINES:
        row = _find(data, bench, name)
        if row is None:
            continue
        base = "-"
        if row["baseline"] is not None:
            base = f"{row['baseline_label']}: {fmt(row['baseline'], row['unit'])}"
            if row["ratio"] is not None:
                base += f" ({row['ratio']:.3g}×)"
        out.append(f"| {what} | {fmt(row['figure'], row['unit'])} | {base} |")
    out += ["", END]
    return "\n".join(out)


def update(readme: Path, data: dict[str, Any]) -> None:
    """Replace the marked table in ``readme`` (RuntimeError without markers)."""
    text = readme.read_text()
    start, end = text.find(BEGIN), text.find(END)
    if start < 0 or end < start:
        raise RuntimeError(f"{readme} has no performance table markers ({BEGIN} ... {END})")
    readme.write_text(text[:start] + render(data) + text[end + len(END):])


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or len(args) > 2:
        print(__doc__, file=sys.stderr)
        return 2
    readme = Path(args[1]) if len(args) > 1 else Path(__file__).resolve().parents[1] / "README.md"
    update(readme, json.loads(Path(args[0]).read_text()))
    print(f"updated {readme}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
