"""Resident memory of this process."""

from __future__ import annotations

import resource
import sys


def rss_mb() -> float:
    """Current resident set size in MB (``/proc/self/status``); where that is
    unavailable, the peak RSS (``getrusage``)."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1 << 20) if sys.platform == "darwin" else peak / 1024
