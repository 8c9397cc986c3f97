"""What a benchmark reports: rows of figures with baselines and targets."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Literal

Op = Literal["<=", ">="]


@dataclass(frozen=True)
class Target:
    """A pass condition on a row's ``figure`` or its ``ratio`` to the baseline."""

    on: Literal["figure", "ratio"]
    op: Op
    value: float

    def check(self, figure: float, ratio: float | None) -> bool:
        x = figure if self.on == "figure" else ratio
        if x is None or math.isnan(x):
            return False
        return x <= self.value if self.op == "<=" else x >= self.value

    def describe(self, unit: str) -> str:
        if self.on == "ratio":
            return f"ratio {self.op} {self.value:g}"
        return f"{self.op} {self.value:g} {unit}".rstrip()


@dataclass
class Row:
    """One reported figure, optionally against a baseline measured in the same run."""

    name: str
    figure: float
    unit: str
    baseline: float | None = None
    baseline_label: str = ""
    target: Target | None = None
    note: str = ""

    @property
    def ratio(self) -> float | None:
        if self.baseline is None or self.baseline == 0:
            return None
        return self.figure / self.baseline

    @property
    def passed(self) -> bool | None:
        """True/False against the target; None when the row has none."""
        return None if self.target is None else self.target.check(self.figure, self.ratio)

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name, "figure": self.figure, "unit": self.unit,
            "baseline": self.baseline, "baseline_label": self.baseline_label,
            "ratio": self.ratio,
            "target": self.target.describe(self.unit) if self.target else None,
            "passed": self.passed, "note": self.note,
        }


@dataclass
class BenchResult:
    """Everything one benchmark measured.

    ``samples`` holds raw series (ms) for plots; ``details`` any other
    figures worth keeping in the JSON; ``notes`` short explanations printed
    under the table.
    """

    name: str
    title: str
    rows: list[Row] = field(default_factory=list)
    samples: dict[str, list[float]] = field(default_factory=dict)
    details: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0
    error: str | None = None

    def add(self, *args: Any, **kwargs: Any) -> Row:
        row = Row(*args, **kwargs)
        self.rows.append(row)
        return row

    @property
    def failed(self) -> list[Row]:
        return [r for r in self.rows if r.passed is False]

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name, "title": self.title, "seconds": self.seconds,
            "error": self.error, "rows": [r.to_json() for r in self.rows],
            "details": self.details, "notes": self.notes, "samples": self.samples,
        }
