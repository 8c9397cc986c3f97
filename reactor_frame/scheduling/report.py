"""``StepReport``: what one ``step`` did."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(slots=True)
class StepReport:
    """The outcome of one ``Reactor.step(budget_ms)``.

    ``ticks`` counts scheduling rounds: ``go_tick`` calls on seed-ABI
    binaries, rounds reported by the runtime on extended ones (a call that
    ends inside a round counts that round). ``calls`` counts host-to-guest
    calls; 0 means the step was skipped because the guest provably had
    nothing to do.
    """

    budget_ms: float
    ticks: int = 0
    calls: int = 0
    turns: int = 0
    """Goroutine turns (yields/blocks) the runtime counted; 0 on seed binaries."""
    elapsed_ms: float = 0.0
    """Wall time this step took, guest and host overhead together."""
    result: int = -1
    """The last go_tick result, always a plain ``int``: -1 idle (also once the
    guest exited or the reactor closed), 0 ready, > 0 ms to the next timer."""
    next_timer_ms: float | None = None
    """Milliseconds from now to the guest's next timer, or None."""
    deadline_ns: int | None = None
    """Absolute time of the next timer on the reactor's clock, or None."""
    idle: bool = False
    """Nothing runnable and no timer pending, or the reactor is done."""
    exit_code: int | None = None
    """Set once the guest exited (or main returned: 0)."""
    wall_capped: bool = False
    """Virtual clock only: the step ran ``max_step_wall_s`` of wall time and
    stopped between scheduling rounds before its simulated time was done.
    The clock stays where it got to; the next step carries on from there.
    Such a step depends on the machine's speed, so it is not deterministic."""
    cpu_ms: float = 0.0
    """CPU time of the stepping thread during this step (0 when it made no
    guest call). Well below ``elapsed_ms``, the operating system paused the
    thread (a busy machine); close to it, the time went to the guest and the
    host."""

    @property
    def os_ms(self) -> float:
        """Wall time the step was not on the CPU: the operating system's share
        (0 for a step that made no guest call, whose CPU time is not read)."""
        return max(0.0, self.elapsed_ms - self.cpu_ms) if self.calls else 0.0
    overrun_ms: float = 0.0
    """Real clock: how far the step ran past ``budget_ms`` (wall), else 0."""
    preemptions: int = 0
    """Times the host preempted a goroutine that ran past the budget (host/preempt.py)."""
    preempted_goid: int | None = None
    """The goroutine the last preemption stopped, if any."""
    preempted_func: str | None = None
    """The function it was in (innermost outside the runtime), where known."""

    @property
    def preempted(self) -> bool:
        """Whether the host had to preempt a goroutine to end this step."""
        return self.preemptions > 0

    @property
    def utilisation(self) -> float:
        """Fraction of the budget used (may exceed 1.0 on overrun)."""
        return self.elapsed_ms / self.budget_ms if self.budget_ms > 0 else 0.0
