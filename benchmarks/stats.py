"""Order statistics of timing samples (no numpy needed)."""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence


def percentile(samples: Sequence[float], q: float) -> float:
    """The ``q``-th percentile (0..100, in steps of 0.1) of ``samples``,
    linearly interpolated between order statistics (numpy's default method,
    ``statistics.quantiles(method="inclusive")``)."""
    if not samples:
        return math.nan
    if len(samples) == 1 or q <= 0:
        return min(samples)
    if q >= 100:
        return max(samples)
    cuts = statistics.quantiles(samples, n=1000, method="inclusive")
    return cuts[round(q * 10) - 1]


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
