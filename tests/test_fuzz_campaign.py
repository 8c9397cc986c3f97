"""A short run of the fuzz campaign (``python -m fuzz.campaign``): hostile
modules, hostile WASI arguments and thread races, each batch in a child
process, must end with no signal, hang, foreign exception or finding."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from .conftest import ROOT

pytestmark = pytest.mark.slow  # child processes for minutes of fuzzing


def run_campaign(tmp_path, kinds: str, minutes: float) -> dict:
    out = tmp_path / "counts.json"
    proc = subprocess.run(
        [sys.executable, "-m", "fuzz.campaign", "--minutes", str(minutes), "--kinds", kinds,
         "--seed", "7", "--json", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=600, check=False)
    assert out.exists(), proc.stderr[-2000:]
    counts = json.loads(out.read_text())
    assert counts["clean"] == (proc.returncode == 0)
    return counts


@pytest.mark.parametrize("kinds, minutes", [("module,wasi", 0.5), ("race", 0.25)])
def test_short_fuzz_campaign_is_clean(tmp_path, kinds, minutes):
    counts = run_campaign(tmp_path, kinds, minutes)
    for kind in kinds.split(","):
        assert counts["cases"][kind] > 0, counts
    problems = {k: counts[k] for k in ("signals", "hangs", "foreign", "findings")}
    assert problems == dict.fromkeys(problems, 0), counts["examples"]
