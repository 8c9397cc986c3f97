"""Benchmark 3: how well ``step(budget)`` keeps to its budget.

``busywork`` (50 goroutines doing ~0.2 ms chunks of arithmetic with
``runtime.Gosched`` between them) is stepped with ``step(4.0)`` until it
finishes; the wall time of every step taken while work remained is one
sample. Twice: on the reactor-frame ABI extension (``go_tick_for`` checks
the budget at every yield) and on the seed-ABI fallback, forced by clearing
the reactor's ``_tick_for_call`` (the step then calls ``go_tick``, which on
these binaries runs one full scheduling round: every runnable goroutine
gets a turn, ~50 x 0.2 ms, and cannot be cut short).

Then six busywork reactors share ``FrameScheduler.step(8.0)`` frames: frame
wall time, whether all finish, and whether any starves (gets no call in a
frame while it has work).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from time import perf_counter_ns, thread_time_ns

from reactor_frame import FrameScheduler, Reactor

from .context import Context, Output
from .result import BenchResult, Target
from .runner import standalone
from .stats import median, percentile

NAME = "step"
TITLE = "Step adherence: step(4.0) on busywork, extension vs seed-ABI fallback; FrameScheduler"
BUDGET_MS = 4.0
FRAME_MS = 8.0
WORKERS = 50
SCHEDULED_REACTORS = 6
PREEMPTED_MS = 1.0


@dataclass
class StepRun:
    """Step wall times (ms) of one run while work remained, and its outcome."""

    step_ms: list[float] = field(default_factory=list)
    cpu_ms: list[float] = field(default_factory=list)
    """Thread CPU time of each sampled step: wall minus CPU is time the OS
    gave to other processes (preemption), not guest overrun."""
    finished: bool = False
    output: str = ""


def step_until_done(reactor: Reactor, output: Output, max_steps: int = 100_000) -> StepRun:
    """Call ``reactor.step(BUDGET_MS)`` until the guest is done; record every
    step that ended with work remaining (the last one may use only part)."""
    run = StepRun()
    for _ in range(max_steps):
        cpu_start = thread_time_ns()
        started = perf_counter_ns()
        report = reactor.step(BUDGET_MS)
        elapsed = (perf_counter_ns() - started) / 1e6
        cpu_ms = (thread_time_ns() - cpu_start) / 1e6
        if reactor.done or report.idle:
            break
        run.step_ms.append(elapsed)
        run.cpu_ms.append(cpu_ms)
    run.finished = reactor.exit_code == 0
    run.output = output.text
    return run


def busywork_runs(ctx: Context, chunks: int, runs: int, fallback: bool) -> list[StepRun]:
    out = []
    for _ in range(runs):
        sink = Output()
        reactor = ctx.reactor("busywork", [str(WORKERS), str(chunks)], sink)
        if fallback:
            reactor._tick_for_call = None  # behave as on a seed-ABI binary
        try:
            out.append(step_until_done(reactor, sink))
        finally:
            reactor.close()
    return out


def add_step_rows(res: BenchResult, label: str, runs: list[StepRun],
                  base: list[StepRun] | None, targets: bool) -> None:
    """p50, p99, max, utilisation and completion rows for one variant."""
    samples = [x for run in runs for x in run.step_ms]
    base_samples = [x for run in base for x in run.step_ms] if base else None
    vs = "fallback" if base else "budget"

    def baseline(q: float) -> float | None:
        return percentile(base_samples, q) if base_samples else BUDGET_MS

    res.add(f"{label} p50", percentile(samples, 50), "ms", baseline(50), vs,
            Target("figure", ">=", 3.0) if targets else None)
    res.add(f"{label} p99", percentile(samples, 99), "ms", baseline(99), vs,
            Target("figure", "<=", 5.0) if targets else None)
    res.add(f"{label} max", max(samples), "ms", baseline(100), vs)
    cpu = [x for run in runs for x in run.cpu_ms]
    res.add(f"{label} p99 CPU time", percentile(cpu, 99), "ms",
            note="thread CPU time: the step without time lost to other processes")
    preempted = sum(1 for w, c in zip(samples, cpu) if w - c > PREEMPTED_MS)
    res.add(f"{label} preempted steps", preempted, "steps", len(samples), "steps",
            note=f"steps whose wall time exceeds their CPU time by > {PREEMPTED_MS} ms")
    res.add(f"{label} utilisation", median(samples) / BUDGET_MS, "x budget",
            note="median step wall time / budget")
    done = sum(run.finished and "checksum" in run.output for run in runs)
    res.add(f"{label} runs completed", done, "runs", len(runs), "runs",
            Target("ratio", ">=", 1.0) if targets else None)


def scheduled_frames(ctx: Context, chunks: int
                     ) -> tuple[list[float], list[float], list[dict[str, int]], int]:
    """Six busywork reactors in one FrameScheduler, ``step(FRAME_MS)`` until
    all are done: wall and CPU times of frames with work remaining,
    per-reactor call counts and starved frames, and how many finished."""
    sinks = [Output() for _ in range(SCHEDULED_REACTORS)]
    reactors = [ctx.reactor("busywork", [str(WORKERS), str(chunks)], s) for s in sinks]
    sched = FrameScheduler(reactors)
    frames: list[float] = []
    cpu: list[float] = []
    stats = [{"calls": 0, "starved_frames": 0, "frames_with_work": 0} for _ in reactors]
    try:
        for _ in range(100_000):
            had_work = [not r.done for r in reactors]
            cpu_start = thread_time_ns()
            started = perf_counter_ns()
            reports = sched.step(FRAME_MS)
            elapsed = (perf_counter_ns() - started) / 1e6
            cpu_ms = (thread_time_ns() - cpu_start) / 1e6
            for st, rep, work in zip(stats, reports, had_work):
                st["calls"] += rep.calls
                st["frames_with_work"] += work
                st["starved_frames"] += int(work and rep.calls == 0)
            if sched.all_done:
                break
            frames.append(elapsed)
            cpu.append(cpu_ms)
        finished = sum(r.exit_code == 0 and "checksum" in s.text for r, s in zip(reactors, sinks))
    finally:
        for r in reactors:
            r.close()
    return frames, cpu, stats, finished


def add_scheduler_rows(res: BenchResult, frames: list[float], cpu: list[float],
                       stats: list[dict[str, int]], finished: int) -> None:
    """Frame-time, fairness and completion rows of the FrameScheduler run."""
    res.add("scheduler(6) frame p50", percentile(frames, 50), "ms", FRAME_MS, "budget")
    res.add("scheduler(6) frame p99", percentile(frames, 99), "ms", FRAME_MS, "budget",
            Target("figure", "<=", 9.5))
    res.add("scheduler(6) frame max", max(frames), "ms", FRAME_MS, "budget")
    res.add("scheduler(6) frame p99 CPU time", percentile(cpu, 99), "ms", FRAME_MS, "budget")
    res.add("scheduler(6) preempted frames",
            sum(1 for w, c in zip(frames, cpu) if w - c > PREEMPTED_MS), "frames",
            len(frames), "frames")
    calls = [st["calls"] for st in stats]
    res.add("scheduler(6) calls/reactor min", min(calls), "calls", max(calls), "max")
    res.add("scheduler(6) starved frames", sum(st["starved_frames"] for st in stats), "frames",
            target=Target("figure", "<=", 0),
            note="frames in which a reactor with work got no call")
    res.add("scheduler(6) reactors finished", finished, "reactors", len(stats), "reactors",
            Target("ratio", ">=", 1.0))
    res.samples["scheduler_frame_ms"] = frames
    res.samples["scheduler_frame_cpu_ms"] = cpu
    res.details["scheduler_reactors"] = stats


def run(ctx: Context) -> BenchResult:
    res = BenchResult(NAME, TITLE)
    chunks, runs = ctx.pick(10, 20), ctx.pick(1, 3)
    fallback = busywork_runs(ctx, chunks, runs, fallback=True)
    extension = busywork_runs(ctx, chunks, runs, fallback=False)
    add_step_rows(res, "step(4) go_tick_for", extension, fallback, targets=True)
    add_step_rows(res, "step(4) seed fallback", fallback, None, targets=False)
    same = {run.output for run in extension + fallback}
    res.details["checksums_agree"] = len(same) == 1
    for key, runs_ in (("extension", extension), ("fallback", fallback)):
        res.samples[f"{key}_step_ms"] = [x for run in runs_ for x in run.step_ms]
        res.samples[f"{key}_step_cpu_ms"] = [x for run in runs_ for x in run.cpu_ms]

    add_scheduler_rows(res, *scheduled_frames(ctx, ctx.pick(4, 20)))
    res.details["busywork"] = {"workers": WORKERS, "chunks": chunks, "runs": runs,
                               "scheduler_chunks": ctx.pick(4, 20)}
    res.notes.append(
        f"busywork {WORKERS} goroutines x {chunks} chunks, {runs} run(s) per variant; a step "
        "is sampled while work remains (the last, partial step is left out); fallback = "
        "_tick_for_call cleared, so each go_tick runs a whole round (all 50 goroutines) and "
        "overruns the budget; a forked-toolchain seed binary's go_tick would run until "
        "nothing is runnable (all the work in one step)")
    if not res.details["checksums_agree"]:
        res.notes.append("WARNING: busywork checksums differ between runs")
    return res


def main(argv: Sequence[str] | None = None) -> int:
    return standalone(sys.modules[__name__], argv)


if __name__ == "__main__":
    sys.exit(main())
