"""The README's performance table is generated from a suite run's JSON."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks import readme_table

from .conftest import ROOT

DATA = {
    "environment": {"cpus": 2, "load_average": "1.00 1.00 1.00", "time": "2026-12-06T08:00:00+00:00",
                    "python": "3.11.7", "wasmtime": "50.0.1"},
    "benchmarks": {"peers": {"rows": [
        {"name": "idle go_tick: loop_once CPU", "figure": 1.7, "unit": "us", "baseline": 0.25,
         "baseline_label": "V8 node", "ratio": 6.8},
    ]}},
}


def test_table_lines_carry_figure_baseline_and_ratio(tmp_path: Path) -> None:
    readme = tmp_path / "README.md"
    readme.write_text(f"intro\n{readme_table.BEGIN}\nold\n{readme_table.END}\nafter\n")
    readme_table.update(readme, DATA)
    text = readme.read_text()
    assert "old" not in text and text.startswith("intro\n") and text.endswith("after\n")
    assert "| idle `go_tick`, CPU per `loop_once` | 1.7 us | V8 node: 0.25 us (6.8×) |" in text
    assert "load average 1.00 1.00 1.00" in text
    assert "naive wasmtime-py host" not in text  # rows of benchmarks that did not run are left out


def test_readme_without_markers_is_refused(tmp_path: Path) -> None:
    readme = tmp_path / "README.md"
    readme.write_text("no table here\n")
    with pytest.raises(RuntimeError, match="no performance table markers"):
        readme_table.update(readme, DATA)


def test_the_project_readme_has_the_markers() -> None:
    text = (ROOT / "README.md").read_text()
    assert readme_table.BEGIN in text and readme_table.END in text
