"""Order statistics of timing samples (no numpy needed)."""

from __future__ import annotations

import math
from collections.abc import Sequence


def percentile(samples: Sequence[float], q: float) -> float:
    """The ``q``-th percentile (0..100) of ``samples``, linearly interpolated
    between order statistics (numpy's default method)."""
    if not samples:
        return math.nan
    ordered = sorted(samples)
    pos = (len(ordered) - 1) * min(max(q, 0.0), 100.0) / 100.0
    low = math.floor(pos)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)


def median(samples: Sequence[float]) -> float:
    return percentile(samples, 50.0)


def summary(samples: Sequence[float]) -> dict[str, float]:
    """Count, min, p50, p90, p99, max and mean of ``samples``."""
    n = len(samples)
    return {
        "n": float(n),
        "min": min(samples) if n else math.nan,
        "p50": percentile(samples, 50),
        "p90": percentile(samples, 90),
        "p99": percentile(samples, 99),
        "max": max(samples) if n else math.nan,
        "mean": sum(samples) / n if n else math.nan,
    }
