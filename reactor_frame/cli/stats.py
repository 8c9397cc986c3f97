"""``RunStats``: what ``reactor-frame run --stats`` counts and prints."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class RunStats:
    """Counters of one run. Times are in ns; ``waited_ns`` is on the
    reactor's clock (virtual time under ``--virtual``), the rest wall time."""

    virtual: bool
    budget_ms: float | None = None
    load_ns: int = 0
    """Loading, compiling (or a cache hit) and ``_initialize``."""
    guest_ns: int = 0
    """Inside guest calls (``go_start_main``, ticks, steps)."""
    ticks: int = 0
    waits: int = 0
    """Times the host waited for the guest's next timer."""
    waited_ns: int = 0
    frames: int = 0
    longest_frame_ns: int = 0
    wall_ns: int = 0
    guest_cpu_ns: int = 0
    """CPU time of the driving thread while it drove the guest (timer waits
    sleep, so it is the guest calls and the host's bookkeeping): next to
    ``guest_ns`` it tells a guest that overran from a busy machine. Read
    once around the whole drive: a CPU-clock read costs about a guest tick."""

    def render(self, name: str) -> str:
        """A small table for stderr."""
        clock = "virtual" if self.virtual else "real"
        rows = [
            ("ticks", f"{self.ticks}"),
            ("guest time", f"{_ms(self.guest_ns)} wall, {_ms(self.guest_cpu_ns)} CPU, "
                           f"{_ms(max(0, self.guest_ns - self.guest_cpu_ns))} taken by the OS"),
            ("timer waits", f"{self.waits}, {_ms(self.waited_ns)} of {clock} time"),
        ]
        if self.budget_ms is not None:
            rows.append(("frames", f"{self.frames} of {self.budget_ms:g} ms budget, "
                                   f"longest {_ms(self.longest_frame_ns)}"))
        rows += [("load time", _ms(self.load_ns)), ("wall time", _ms(self.wall_ns))]
        width = max(len(label) for label, _ in rows)
        lines = [f"reactor-frame: stats for {name}"]
        lines += [f"  {label:<{width}}  {value}" for label, value in rows]
        return "\n".join(lines)


def _ms(ns: int) -> str:
    return f"{ns / 1e6:.1f} ms"
