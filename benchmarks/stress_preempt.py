"""Preemption stress: ``step(0.05)`` with preemption to the end, 10 runs per
program, outputs compared with an unpreempted ``run()``; a run that takes
over 60 s is reported as stalled.

Usage: python -m benchmarks.stress_preempt DIR [DIR...]   (DIRs of built
hog.wasm and gcmain.wasm, e.g. testdata and a Go 1.24 build made with
``python testdata/build.py --go GO124 --out-dir DIR hog gcmain``)
"""

from __future__ import annotations

import sys
import time
from collections.abc import Sequence

from reactor_frame import Reactor

#: (args, env) of each program stressed.
CASES: tuple[tuple[list[str], dict[str, str] | None], ...] = (
    (["hog", "calls,stack,alloc,leaf", "1"], None),
    (["hog", "alloc,alloc,calls", "1"], {"GOGC": "5"}),
    (["gcmain"], None),
)
RUNS = 10
BUDGET_MS = 0.05
STALL_S = 60.0


def reference_output(path: str, args: list[str], env: dict[str, str] | None) -> str:
    """The program's output from an unpreempted ``run()``."""
    out: list[str] = []
    with Reactor(path, args=args, env=env, stdout=out.append) as r:
        r.preemption = False
        r.run()
    return "".join(out)


def stress(path: str, args: list[str], env: dict[str, str] | None) -> tuple[str, int, int, bool]:
    """Step to the end at ``BUDGET_MS``: output, steps, preemptions, stalled."""
    out: list[str] = []
    steps = preemptions = 0
    with Reactor(path, args=args, env=env, stdout=out.append, tick_timeout=20) as r:
        started = time.monotonic()
        while not r.done:
            report = r.step(BUDGET_MS)
            steps += 1
            preemptions += report.preemptions
            if report.result > 0:
                time.sleep(report.next_timer_ms / 1e3)
            if time.monotonic() - started > STALL_S:
                return "".join(out), steps, preemptions, True
    return "".join(out), steps, preemptions, False


def main(argv: Sequence[str] | None = None) -> int:
    directories = list(sys.argv[1:] if argv is None else argv)
    if not directories:
        print(__doc__, file=sys.stderr)
        return 2
    failed = False
    for directory in directories:
        for args, env in CASES:
            path = f"{directory}/{args[0]}.wasm"
            expected = reference_output(path, args, env)
            runs = [stress(path, args, env) for _ in range(RUNS)]
            equal = sum(out == expected for out, _, _, _ in runs)
            stalled = sum(stall for _, _, _, stall in runs)
            failed |= equal < RUNS or stalled > 0
            print(f"{directory} {args} {env}: equal {equal}/{RUNS}, stalled {stalled}, "
                  f"steps ~{runs[0][1]}, preemptions ~{runs[0][2]}", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
