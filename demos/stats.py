"""``FrameLog``: per-frame figures of a demo run, for ``--stats``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from reactor_frame.benchmarks.stats import median, percentile
from reactor_frame.integrations.frame import Frame
from reactor_frame.scheduling.step import OVERRUN_REPORT_MS


class FrameLog:
    """Collects what each frame's step did and writes it as JSON."""

    def __init__(self) -> None:
        self.per_frame: list[dict[str, float | int]] = []

    def add(self, frame: Frame) -> None:
        self.per_frame.append({
            "ticks": frame.ticks,
            "calls": frame.calls,
            "turns": frame.turns,
            "elapsed_ms": round(frame.elapsed_ms, 4),
            "cpu_ms": round(frame.cpu_ms, 4),
            "budget_ms": frame.budget_ms,
            "dt_ms": round(frame.dt_ms, 3),
            "preemptions": frame.preemptions,
            "overrun_ms": round(frame.overrun_ms, 4),
        })

    def summary(self) -> dict[str, float]:
        """Median and 99th percentile of the step time (wall and CPU), the
        worst frame, the median wall time the OS took from a step, the
        preemptions and the frames that overran their budget by ``OVERRUN_REPORT_MS``
        or more (what fires the ``overrun`` hook)."""
        elapsed = [f["elapsed_ms"] for f in self.per_frame]
        if not elapsed:
            return {}
        cpu = [f["cpu_ms"] for f in self.per_frame]
        taken = [max(0.0, f["elapsed_ms"] - f["cpu_ms"]) for f in self.per_frame]
        return {
            "elapsed_median_ms": round(median(elapsed), 3),
            "elapsed_p99_ms": round(percentile(elapsed, 99), 3),
            "elapsed_max_ms": round(max(elapsed), 3),
            "cpu_median_ms": round(median(cpu), 3),
            "cpu_p99_ms": round(percentile(cpu, 99), 3),
            "os_median_ms": round(median(taken), 3),
            "preemptions": sum(int(f["preemptions"]) for f in self.per_frame),
            "overrun_frames": sum(1 for f in self.per_frame if f["overrun_ms"] >= OVERRUN_REPORT_MS),
        }

    def write(self, path: str | Path, **extra: Any) -> None:
        """Write ``{"frames": N, "per_frame": [...], "summary": {...}, **extra}``."""
        data = {"frames": len(self.per_frame), "per_frame": self.per_frame,
                "summary": self.summary(), **extra}
        Path(path).write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
