"""The fireflies demo, run as ``reactor-frame demo`` runs it: off-screen, on
virtual time, and in a real X window under Xvfb."""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
from pathlib import Path

import pytest

pygame = pytest.importorskip("pygame")
np = pytest.importorskip("numpy")

from reactor_frame.demos.app import main as demo_main  # noqa: E402

BUDGET_MS = 4.0
#: How far past its budget the frame scheduler may run a step.
BOUND_MS = BUDGET_MS + 1.5


def run_demo(out: Path, *args: str, env: dict[str, str] | None = None,
             timeout: float = 120) -> tuple[dict, Path]:
    """Run the demo in a subprocess; returns its stats and screenshot path."""
    shot, stats = out / "demo.png", out / "stats.json"
    done = subprocess.run(
        [sys.executable, "-m", "reactor_frame.demos.app", *args,
         "--screenshot", str(shot), "--stats", str(stats)],
        env=env, capture_output=True, text=True, timeout=timeout,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(stats.read_text()), shot


def assert_not_blank(png: Path) -> None:
    pixels = pygame.surfarray.array3d(pygame.image.load(str(png)))
    w, h, _ = pixels.shape
    assert w >= 640 and h >= 480
    luma = pixels.astype(np.float32) @ np.array([0.299, 0.587, 0.114], dtype=np.float32)
    assert (luma > 120).sum() > 2000, "too few bright pixels"
    # Fireflies in the open sky, away from the text panels and the moon.
    field = luma[int(w * 0.22):int(w * 0.75), int(h * 0.21):int(h * 0.66)]
    assert (field > 60).sum() > 40, "no fireflies in the sky"
    assert len(np.unique(pixels.reshape(-1, 3), axis=0)) > 2000, "too few distinct colours"


@pytest.fixture(scope="module")
def headless(tmp_path_factory) -> tuple[dict, Path]:
    """300 off-screen frames on real time at the default budget."""
    return run_demo(tmp_path_factory.mktemp("headless"), "--headless", "--frames", "300",
                    "--budget", str(BUDGET_MS))


def test_headless_screenshot_shows_the_meadow(headless):
    stats, shot = headless
    assert stats["frames"] == 300 and len(stats["per_frame"]) == 300
    elapsed = [f["elapsed_ms"] for f in stats["per_frame"]]
    summary = stats["summary"]
    assert summary["elapsed_median_ms"] == round(statistics.median(elapsed), 3)
    assert summary["elapsed_median_ms"] <= summary["elapsed_p99_ms"] <= summary["elapsed_max_ms"]
    assert summary["elapsed_max_ms"] == round(max(elapsed), 3)
    assert stats["video_driver"] == "dummy"
    assert_not_blank(shot)


def test_go_runs_every_frame(headless):
    stats, _ = headless
    idle = [i for i, f in enumerate(stats["per_frame"]) if i and not (f["ticks"] or f["calls"])]
    assert idle == []
    assert stats["meadow"]["alive"] == 360 and stats["meadow"]["flashes"] > 360


def test_steps_keep_to_the_budget(headless):
    """No step runs past the scheduler's bound. The stats give each step's
    wall time and its thread's CPU time: a step over the bound in wall time
    but not in CPU time was paused by the operating system (a loaded
    machine), which no scheduler can prevent, so only CPU time over the
    bound fails, and the typical step is judged on CPU time too."""
    stats, _ = headless
    frames = stats["per_frame"]
    assert all(f["budget_ms"] == BUDGET_MS for f in frames)
    overruns = [(i, f["elapsed_ms"], f["cpu_ms"]) for i, f in enumerate(frames)
                if f["elapsed_ms"] > BOUND_MS and f["cpu_ms"] > BOUND_MS]
    assert overruns == []
    assert stats["summary"]["cpu_median_ms"] <= BUDGET_MS


def test_virtual_time_runs_are_identical(tmp_path):
    args = ("--headless", "--virtual", "--fps", "0", "--frames", "90", "--no-hud", "--seed", "7")
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first, shot_a = run_demo(tmp_path / "a", *args)
    second, shot_b = run_demo(tmp_path / "b", *args)
    work = [[(f["ticks"], f["calls"], f["turns"]) for f in s["per_frame"]] for s in (first, second)]
    assert work[0] == work[1]
    assert first["meadow"] == second["meadow"]
    assert np.array_equal(pygame.surfarray.array3d(pygame.image.load(str(shot_a))),
                          pygame.surfarray.array3d(pygame.image.load(str(shot_b))))


def test_virtual_rewind_ends_equal_to_the_plain_run(tmp_path):
    """Rewinding (scripted: frames 80-109) restores snapshots from the ring;
    the run resumed from there is the plain run, frame for frame."""
    common = ("--headless", "--virtual", "--fps", "0", "--no-hud", "--seed", "7")
    (tmp_path / "rewound").mkdir()
    (tmp_path / "plain").mkdir()
    rewound, _ = run_demo(tmp_path / "rewound", *common, "--frames", "120", "--rewind-at", "80:30")
    assert rewound["rewound"] >= 15
    sim = rewound["sim_frames"]
    assert 0 < sim < 80 - 15
    plain, _ = run_demo(tmp_path / "plain", *common, "--frames", str(sim))
    assert plain["sim_frames"] == sim and plain["rewound"] == 0
    assert rewound["meadow"] == plain["meadow"]
    assert rewound["fireflies_sha256"] == plain["fireflies_sha256"]
    resumed = 120 - 110  # frames stepped after the rewind ended
    work = [[(f["ticks"], f["calls"], f["turns"]) for f in frames]
            for frames in (rewound["per_frame"][-resumed:], plain["per_frame"][-resumed:])]
    assert work[0] == work[1]


@pytest.mark.skipif(shutil.which("Xvfb") is None,
                    reason="Xvfb is not installed (Debian package xvfb); the real-window test needs it")
def test_real_window_under_xvfb(tmp_path):
    xvfb, display = _start_xvfb()
    try:
        env = dict(os.environ, DISPLAY=display, SDL_VIDEODRIVER="x11")
        stats, shot = run_demo(tmp_path, "--frames", "90", "--budget", str(BUDGET_MS), env=env)
    finally:
        xvfb.terminate()
        xvfb.wait(timeout=10)
    assert stats["video_driver"] == "x11"
    assert stats["frames"] == 90
    assert_not_blank(shot)


def _start_xvfb() -> tuple[subprocess.Popen, str]:
    """Start Xvfb on a free display (it picks one and reports it)."""
    read_end, write_end = os.pipe()
    xvfb = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write_end), "-screen", "0", "1280x720x24", "-nolisten", "tcp"],
        pass_fds=(write_end,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    os.close(write_end)
    try:
        with os.fdopen(read_end, "rb") as reader:
            number = reader.readline().strip()
        if not number:
            raise RuntimeError("Xvfb did not report a display")
    except BaseException:
        xvfb.kill()
        xvfb.wait()
        raise
    return xvfb, ":" + number.decode()


def test_demo_program_is_built_from_its_sources(tmp_path):
    """The demo's binary is built from demos/fireflies and is reproducible."""
    from reactor_frame.demos.build import build_demo, fireflies_wasm

    fresh = build_demo(tmp_path / "fireflies.wasm")
    assert fresh.read_bytes() == fireflies_wasm()


@pytest.mark.parametrize("argv, message", [
    (["--headless"], "--headless needs --frames"),
    (["--count", "5000"], "between 0 and 1500"),
    (["--budget", "-1"], "must be >= 0"),
    (["--size", "big"], "WIDTHxHEIGHT"),
    (["--rewind-at", "80"], "expected N:M"),
    (["--rewind-at", "5:0"], "M >= 1"),
])
def test_bad_arguments_are_refused(argv, message, capsys):
    with pytest.raises(SystemExit) as exit_:
        demo_main(argv)
    assert exit_.value.code == 2
    assert message in capsys.readouterr().err
