"""Small things a newcomer trips on at the command line and in the demo:
each answered with a clear message."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from .conftest import TESTDATA


def cli(*args: object, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "reactor_frame", *map(str, args)],
                          capture_output=True, text=True, timeout=timeout)


def test_cli_watchdog_message_names_the_flag():
    done = cli("run", TESTDATA / "spin.wasm", "--tick-timeout", "0.3")
    assert done.returncode == 1
    assert "--tick-timeout 0" in done.stderr
    assert "pass None" not in done.stderr
    assert "VirtualClock" not in done.stderr  # real time: no virtual-time advice


def test_watchdog_on_virtual_time_mentions_virtual_time():
    done = cli("run", TESTDATA / "spin.wasm", "--virtual", "--tick-timeout", "0.3")
    assert done.returncode == 1
    assert "VirtualClock, where time does not pass during a guest call" in done.stderr


def test_run_stats_show_cpu_next_to_wall_time():
    done = cli("run", TESTDATA / "timers.wasm", "--stats")
    assert done.returncode == 0, done.stderr
    row = next(line for line in done.stderr.splitlines() if "guest time" in line)
    wall, cpu, taken = row.split("guest time", 1)[1].split(",")
    assert wall.strip().endswith("ms wall") and cpu.strip().endswith("ms CPU")
    assert taken.strip().endswith("ms taken by the OS")


def test_run_seed_help_says_reproducible_needs_virtual():
    done = cli("run", "--help")
    assert "reproducible only with --virtual" in " ".join(done.stdout.split())


def test_hud_shows_cpu_and_the_os_share():
    pytest.importorskip("pygame")
    from reactor_frame import StepReport
    from reactor_frame.integrations.pygame import Frame, Hud

    report = StepReport(budget_ms=4.0, elapsed_ms=31.33, cpu_ms=4.73)
    frame = Frame(index=1, dt_ms=40.0, budget_ms=4.0, reports=(report,), names=("g",),
                  states=("running",), cpu_ms=4.73)
    rows = dict(Hud().lines(frame))
    assert rows["go"].startswith("31.33 / 4.0 ms")
    assert rows["cpu"] == " 4.73 ms   os 26.60 ms"


@pytest.mark.parametrize("shot, message", [
    ("/nonexistent/x.png", "does not exist"),
    ("x.jpgx", "use a file name ending in .png"),
])
def test_demo_checks_the_screenshot_path_before_running(tmp_path, shot, message):
    pytest.importorskip("pygame")
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "reactor_frame", "demo", "--headless",
                           "--frames", "100000", "--screenshot", shot],
                          capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert done.returncode == 2
    assert message in done.stderr and "Traceback" not in done.stderr
    assert time.monotonic() - started < 60  # refused before the run, not after it


@pytest.mark.skipif(sys.platform == "win32", reason="SIGINT")
def test_ctrl_c_on_the_demo_ends_without_a_traceback(tmp_path):
    pytest.importorskip("pygame")
    env = dict(os.environ, SDL_AUDIODRIVER="dummy")
    proc = subprocess.Popen([sys.executable, "-m", "reactor_frame", "demo", "--headless",
                             "--frames", "1000000", "--fps", "30", "--stats",
                             str(tmp_path / "s.json")],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        time.sleep(4)  # well into the frame loop (the demo's program is built already)
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 130, err
    assert "interrupted" in err and "Traceback" not in err


def test_stock_c_shared_module_is_told_to_use_reactor_frame_build():
    import wasmtime

    import reactor_frame as rf

    stock = wasmtime.wat2wasm('(module (memory (export "memory") 1) '
                              '(func (export "_initialize")))')
    with pytest.raises(rf.InvalidModuleError) as caught:
        rf.Reactor(stock)
    message = str(caught.value)
    assert "a WASI library, not a Go reactor" in message
    assert "reactor-frame build PKGDIR" in message
    assert "go_start_main" in message
    # It does not suggest the very command that made the module.
    assert "GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared)" not in message
