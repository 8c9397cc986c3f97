"""The fuzz campaign: ``python -m fuzz.campaign --minutes N [--seed S] [--json OUT]``.

Runs batches of each kind of case (see :mod:`fuzz.cases`) in turn, each batch
in a child process (:mod:`fuzz.worker`) with a time limit, until the time is
up. Counts cases, signals (a child killed by one), hangs (a batch past its
limit: the child is killed), foreign exceptions (anything not a
ReactorError) and findings (a wrong outcome), and prints a summary; exits 1
if any of the last four is non-zero.
"""

from __future__ import annotations

import argparse
import json
import signal
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from .cases import CASES

#: Cases per child process, by kind (a fresh process costs ~0.5 s).
BATCH = {"module": 200, "wasi": 100, "race": 40}
#: A batch still running after this many seconds is a hang.
BATCH_LIMIT_S = 120.0
ROOT = Path(__file__).resolve().parents[1]


@dataclass
class Counts:
    cases: dict[str, int] = field(default_factory=lambda: dict.fromkeys(CASES, 0))
    signals: int = 0
    hangs: int = 0
    foreign: int = 0
    findings: int = 0
    batches: int = 0
    examples: list[str] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        return not (self.signals or self.hangs or self.foreign or self.findings)

    def note(self, text: str) -> None:
        if len(self.examples) < 20:
            self.examples.append(text)


def run_batch(kind: str, seed: int, count: int, counts: Counts) -> None:
    cmd = [sys.executable, "-m", "fuzz.worker", kind, str(seed), str(count)]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        out, err = proc.communicate(timeout=BATCH_LIMIT_S)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
        counts.hangs += 1
        counts.note(f"hang: {kind} batch from seed {seed} (last case started: {_last_start(out)})")
    counts.batches += 1
    for line in out.splitlines():
        try:
            record = json.loads(line)
        except ValueError:
            continue
        if "case" not in record:
            continue
        counts.cases[kind] += 1
        if "foreign" in record:
            counts.foreign += 1
            counts.note(f"foreign: {kind} seed {record['case']}: {record['foreign']}")
        elif "finding" in record:
            counts.findings += 1
            counts.note(f"finding: {kind} seed {record['case']}: {record['finding']}")
    if proc.returncode is not None and proc.returncode < 0:
        counts.signals += 1
        name = signal.Signals(-proc.returncode).name
        counts.note(f"signal {name}: {kind} case seed {_last_start(out)}")
    elif proc.returncode not in (0, None, -signal.SIGKILL) and not counts.hangs:
        counts.foreign += 1
        counts.note(f"worker exited {proc.returncode}: {kind} seed {seed}: {err.strip()[-300:]}")


def _last_start(out: str) -> object:
    starts = [json.loads(line)["start"] for line in out.splitlines() if line.startswith('{"start"')]
    return starts[-1] if starts else None


def campaign(seconds: float, seed: int, kinds: list[str], say=print) -> Counts:
    counts = Counts()
    end = time.monotonic() + seconds
    next_seed = dict.fromkeys(kinds, seed)
    while time.monotonic() < end:
        for kind in kinds:
            if time.monotonic() >= end:
                break
            run_batch(kind, next_seed[kind], BATCH[kind], counts)
            next_seed[kind] += BATCH[kind]
        say(f"[{time.strftime('%H:%M:%S')}] cases {counts.cases} signals {counts.signals} "
            f"hangs {counts.hangs} foreign {counts.foreign} findings {counts.findings}")
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m fuzz.campaign", description=__doc__)
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--kinds", default=",".join(CASES), help="comma-separated: " + ", ".join(CASES))
    parser.add_argument("--json", type=Path, help="also write the counts here")
    args = parser.parse_args(argv)
    kinds = [k for k in args.kinds.split(",") if k]
    started = time.monotonic()
    counts = campaign(args.minutes * 60, args.seed, kinds)
    summary = asdict(counts) | {"seconds": round(time.monotonic() - started, 1), "clean": counts.clean}
    print(json.dumps(summary, indent=1))
    if args.json:
        args.json.write_text(json.dumps(summary, indent=1) + "\n")
    return 0 if counts.clean else 1


if __name__ == "__main__":
    sys.exit(main())
