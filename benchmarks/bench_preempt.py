"""Benchmark: the frame budget on goroutines that do not yield (preemption).

``hog``'s goroutines compute 30-80 ms between yields (function calls,
recursion with stack growth, allocation with GC, leaf loops). Each reactor is
stepped with ``step(4.0)`` to the end, once with the host's preemption and
once without it (``Reactor.preemption = False``), in the same run; per step
the thread CPU time and the wall time are recorded, and both outputs are
compared with an unpreempted ``run()``. ``hog spin`` (a bare ``for {}``
beside a 10 ms ticker) can only finish with preemption.

Two costs are measured next to their baselines: an idle ``tick_for`` with
and without arming the preemption, and guest compute in a binary built with
``GOEXPERIMENT=preemptibleloops`` (the default) against one built without
(run() CPU time of the ``leaf`` and ``calls`` kinds).
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from reactor_frame import Reactor
from reactor_frame.build import build_if_stale

from .context import Context, Output
from .result import BenchResult, Target
from .runner import standalone
from .stats import median, percentile
from .testdata import testdata_dir

NAME = "preempt"
TITLE = "Non-yielding goroutines: step(4.0) with and without host preemption"
BUDGET_MS = 4.0


def _steps(r: Reactor, limit: int = 100_000) -> tuple[list[float], list[float], int]:
    """Step ``r`` to the end: per-step thread CPU ms, wall ms, preemptions."""
    cpu: list[float] = []
    wall: list[float] = []
    preemptions = 0
    for _ in range(limit):
        if r.done:
            break
        c0, w0 = time.thread_time(), time.perf_counter()
        report = r.step(BUDGET_MS)
        cpu.append((time.thread_time() - c0) * 1e3)
        wall.append((time.perf_counter() - w0) * 1e3)
        preemptions += report.preemptions
        if report.result > 0:
            time.sleep((report.next_timer_ms or 0) / 1e3)
    return cpu, wall, preemptions


def _stepped(ctx: Context, args: Sequence[str], preemption: bool) -> tuple[list[float], list[float], int, str]:
    out = Output()
    with ctx.reactor("hog", args, output=out) as r:
        r.preemption = preemption
        cpu, wall, n = _steps(r)
    return cpu, wall, n, out.text


def _run_cpu_ms(module_path: Path, ctx: Context, args: Sequence[str]) -> float:
    r = Reactor(ctx.engine.compile(module_path.read_bytes()), args=["hog", *args],
                engine=ctx.engine, stdout=Output())
    with r:
        started = time.thread_time()
        r.run()
        return (time.thread_time() - started) * 1e3


def _idle_tick_us(ctx: Context, preemption: bool, n: int) -> float:
    with ctx.reactor("blockforever", ["main"]) as r:
        r.preemption = preemption
        r.run()
        samples = []
        for _ in range(5):
            started = time.perf_counter_ns()
            for _ in range(n):
                r.tick_for(1_000_000)
            samples.append((time.perf_counter_ns() - started) / n / 1e3)
        return median(samples)


def run(ctx: Context) -> BenchResult:
    res = BenchResult(NAME, TITLE)
    repeats = ctx.pick(1, 3)
    args = ["calls,stack,alloc,leaf", str(ctx.pick(1, 3))]
    reference = Output()
    with ctx.reactor("hog", args, output=reference) as r:
        r.preemption = False
        r.run()
    on_cpu: list[float] = []
    on_wall: list[float] = []
    off_cpu: list[float] = []
    off_wall: list[float] = []
    preemptions = 0
    equal = True
    for _ in range(repeats):
        cpu, wall, n, text = _stepped(ctx, args, True)
        on_cpu += cpu
        on_wall += wall
        preemptions += n
        equal &= text == reference.text
        cpu, wall, _, text = _stepped(ctx, args, False)
        off_cpu += cpu
        off_wall += wall
        equal &= text == reference.text
    res.add("step thread CPU p99, preempted", percentile(on_cpu, 99), "ms",
            percentile(off_cpu, 99), "not preempted", Target("figure", "<=", 5.0))
    res.add("step thread CPU p50, preempted", median(on_cpu), "ms", median(off_cpu), "not preempted")
    res.add("step wall p50, preempted", median(on_wall), "ms", median(off_wall), "not preempted",
            Target("figure", "<=", 4.5))
    res.add("step wall p99, preempted", percentile(on_wall, 99), "ms",
            percentile(off_wall, 99), "not preempted")
    res.add("outputs equal to run()", float(equal), "bool", target=Target("figure", ">=", 1.0))
    res.add("preemptions", preemptions, "count", note=f"{len(on_cpu)} preempted steps")
    spin_cpu, _, _, spin_text = _stepped(ctx, ["spin"], True)
    res.add("bare for{} beside a ticker: step CPU max", max(spin_cpu), "ms",
            note="unpreempted it never returns (the watchdog closes it)")
    res.add("bare for{}: ticker ran", float(spin_text.count("tick") == 5), "bool",
            target=Target("figure", ">=", 1.0))

    n = ctx.pick(2000, 20000)
    armed, plain = _idle_tick_us(ctx, True, n), _idle_tick_us(ctx, False, n)
    res.add("idle tick_for, preemption armed", armed, "us", plain, "not armed")

    if not ctx.quick:
        with tempfile.TemporaryDirectory(prefix="bench-preempt-") as tmp:
            plain_hog = build_if_stale(testdata_dir() / "hog", Path(tmp) / "hog.wasm",
                                       preemptible_loops=False)
            looped_hog = testdata_dir() / "hog.wasm"
            for kind in ("leaf", "calls"):
                with_loops = median([_run_cpu_ms(looped_hog, ctx, [kind, "2"]) for _ in range(3)])
                without = median([_run_cpu_ms(plain_hog, ctx, [kind, "2"]) for _ in range(3)])
                res.add(f"guest compute ({kind}), preemptibleloops", with_loops, "ms CPU",
                        without, "built without")
    res.samples.update(preempted_cpu_ms=on_cpu, unpreempted_cpu_ms=off_cpu,
                       preempted_wall_ms=on_wall, unpreempted_wall_ms=off_wall)
    res.notes.append("hog: 4 goroutines, 30-80 ms of compute between yields; thread CPU "
                     "excludes time the OS gave to other processes")
    return res


def main(argv: Sequence[str] | None = None) -> int:
    return standalone(sys.modules[__name__], argv)


if __name__ == "__main__":
    sys.exit(main())
