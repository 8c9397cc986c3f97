"""``FrameLog``: per-frame figures of a demo run, for ``--stats``."""

from __future__ import annotations

import json
import statistics
from pathlib import Path
from typing import Any

from reactor_frame.integrations.frame import Frame


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
        """Median and 99th percentile of the step time, the worst frame, the
        preemptions and the frames that overran their budget by 0.5 ms or more."""
        elapsed = sorted(f["elapsed_ms"] for f in self.per_frame)
        if not elapsed:
            return {}
        p99 = elapsed[min(len(elapsed) - 1, round(0.99 * (len(elapsed) - 1)))]
        return {
            "elapsed_median_ms": round(statistics.median(elapsed), 3),
            "elapsed_p99_ms": round(p99, 3),
            "elapsed_max_ms": round(elapsed[-1], 3),
            "preemptions": sum(int(f.get("preemptions", 0)) for f in self.per_frame),
            "overrun_frames": sum(1 for f in self.per_frame if f.get("overrun_ms", 0) >= 0.5),
        }

    def write(self, path: str | Path, **extra: Any) -> None:
        """Write ``{"frames": N, "per_frame": [...], "summary": {...}, **extra}``."""
        data = {"frames": len(self.per_frame), "per_frame": self.per_frame,
                "summary": self.summary(), **extra}
        Path(path).write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
