"""A newcomer's path through the demo: no invisible runs, outputs checked
before the run, budgets judged on CPU time."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

from reactor_frame.integrations.display import NoDisplayError, has_display, require_display


def _no_display_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("DISPLAY", "WAYLAND_DISPLAY", "SDL_VIDEODRIVER")}
    return env


def test_require_display_decides_from_the_environment():
    assert not has_display({}, "linux")
    assert has_display({"DISPLAY": ":0"}, "linux")
    assert has_display({"WAYLAND_DISPLAY": "wayland-0"}, "linux")
    assert has_display({"SDL_VIDEODRIVER": "dummy"}, "linux")  # the user chose
    assert has_display({}, "darwin") and has_display({}, "win32")
    with pytest.raises(NoDisplayError, match="--headless"):
        require_display(environ={"DISPLAY": ""}, platform="linux")


@pytest.mark.skipif(sys.platform in ("win32", "darwin"), reason="always a display there")
def test_demo_without_a_display_says_so_within_seconds():
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "reactor_frame", "demo"], env=_no_display_env(),
                          capture_output=True, text=True, timeout=60)
    took = time.monotonic() - started
    assert done.returncode == 1, done.stderr
    assert "no display" in done.stderr
    assert "reactor-frame demo --headless --frames" in done.stderr
    assert "Traceback" not in done.stderr
    assert took < 30  # generous: it answers before building or opening anything
