"""Issue #16: compiled modules shared per engine, the epoch ticker asleep
between guest calls, compile progress, and the watchdog-free engine."""

from __future__ import annotations

import io
import logging
import time

import pytest

import reactor_frame as rf
from reactor_frame import Reactor, ReactorEngine
from reactor_frame.host.progress import CompileNotice
from reactor_frame.host.watchdog import PERIOD_S, EpochTicker

from .conftest import QUIET, TESTDATA
from .timing_support import time_to_timeout, wait_until


def test_reactors_by_path_share_one_compiled_module(make_reactor):
    a = make_reactor("hello")
    b = make_reactor("hello")
    assert a.module is b.module
    assert make_reactor("exitcode").module is not a.module


def test_ticker_sleeps_while_no_call_is_in_flight(make_reactor, rf_engine):
    r = make_reactor("blockforever", args=["blockforever", "main"])
    ticker = EpochTicker.for_engine(rf_engine.wasmtime)
    r.start_main()
    for _ in range(5):
        r.loop_once()
    sleeps = ticker.sleeps
    assert wait_until(lambda: ticker.asleep), "the ticker never went to sleep"
    before = ticker.epoch
    time.sleep(20 * PERIOD_S)
    assert ticker.epoch - before <= 1
    assert ticker.sleeps > sleeps
    r.loop_once()  # a call wakes it
    assert not ticker.asleep


def test_spinning_call_is_stopped_after_the_ticker_slept(make_reactor, rf_engine):
    spinner = make_reactor("spin", tick_timeout=0.2)
    ticker = EpochTicker.for_engine(rf_engine.wasmtime)
    assert wait_until(lambda: ticker.asleep), "the ticker did not sleep: the test proves nothing"
    wall, cpu = time_to_timeout(spinner)
    # Not stopped early (wall), and stopped: the call's CPU time is bounded.
    assert wall >= 0.2
    assert cpu < 0.2 + 3.0


def test_a_compile_is_announced_once(tmp_path, caplog):
    events: list[rf.CompileEvent] = []
    engine = ReactorEngine(cache_dir=tmp_path, progress=events.append)
    with caplog.at_level(logging.INFO, logger="reactor_frame.compile"):
        Reactor(TESTDATA / "hello.wasm", engine=engine, **QUIET).close()
        Reactor(TESTDATA / "hello.wasm", engine=engine, **QUIET).close()
    assert [(e.name, e.phase) for e in events] == [("hello.wasm", "start"), ("hello.wasm", "done")]
    assert events[1].elapsed_s > 0
    assert "compiling hello.wasm" in caplog.text and "cached afterwards" in caplog.text
    later: list[rf.CompileEvent] = []
    Reactor(TESTDATA / "hello.wasm", engine=ReactorEngine(cache_dir=tmp_path, progress=later.append),
            **QUIET).close()
    assert later == []  # loaded from the cache


def test_compile_notice_prints_start_and_end():
    out = io.StringIO()
    notice = CompileNotice(out, interval_s=0.01, quiet_s=0.01)
    notice(rf.CompileEvent("x.wasm", "start", 0.0, 2_500_000))
    assert wait_until(lambda: "still compiling x.wasm" in out.getvalue()), "no heartbeat"
    notice(rf.CompileEvent("x.wasm", "done", 1.25, 2_500_000))
    err = out.getvalue()
    assert err.startswith("reactor-frame: compiling x.wasm (2.5 MB; once, cached afterwards) ...")
    assert "still compiling x.wasm" in err
    assert err.rstrip().endswith("compiled x.wasm in 1.2 s (cached for next time)")


def test_compile_notice_keeps_quiet_about_a_quick_compile(capsys):
    import sys
    notice = CompileNotice(sys.stderr, quiet_s=5.0)
    notice(rf.CompileEvent("tiny.wasm", "start", 0.0, 100))
    notice(rf.CompileEvent("tiny.wasm", "done", 0.001, 100))
    time.sleep(0.05)
    assert capsys.readouterr().err == ""


def test_engine_without_watchdog_refuses_a_tick_timeout(tmp_path):
    engine = ReactorEngine(cache_dir=tmp_path, watchdog=False)
    with pytest.raises(rf.WatchdogUnavailableError, match="tick_timeout=None"):
        Reactor(TESTDATA / "hello.wasm", engine=engine, **QUIET)
    out: list[str] = []
    with Reactor(TESTDATA / "hello.wasm", engine=engine, tick_timeout=None,
                 stdout=out.append) as r:
        assert r.run() == 0
    assert out == ["hello from go\n"]


def test_engine_settings_do_not_share_cache_entries(tmp_path):
    data = (TESTDATA / "hello.wasm").read_bytes()
    safe = ReactorEngine(cache_dir=tmp_path)
    fast = ReactorEngine(cache_dir=tmp_path, watchdog=False, opt_level="none")
    assert safe.cache.key(data) != fast.cache.key(data)


def test_build_leaves_the_module_compiled_for_the_first_run(tmp_path):
    """``build`` says it compiles, and the first ``run`` then starts from the cache."""
    import os
    import subprocess
    import sys
    env = dict(os.environ, REACTOR_FRAME_CACHE=str(tmp_path / "cache"))

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "reactor_frame", *args], capture_output=True,
                              text=True, timeout=600, env=env, cwd=tmp_path)

    built = cli("build", str(TESTDATA / "hello"), "-o", str(tmp_path / "hello.wasm"))
    assert built.returncode == 0, built.stderr
    assert "compiling hello.wasm (" in built.stderr and "cached afterwards" in built.stderr
    ran = cli("run", str(tmp_path / "hello.wasm"))
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout == "hello from go\n"
    assert "compiling" not in ran.stderr
    (tmp_path / "cache").rename(tmp_path / "gone")
    again = cli("run", str(tmp_path / "hello.wasm"))
    assert "compiling hello.wasm (" in again.stderr and again.returncode == 0


SPINNING_START = """(module
  (memory (export "memory") 1)
  (func (export "_initialize"))
  (func (export "go_start_main"))
  (func (export "go_tick") (result i32) (i32.const -1))
  (func $spin (loop $l (br $l)))
  (start $spin))"""


def test_spinning_start_function_is_stopped_after_the_ticker_slept(make_reactor, rf_engine):
    """Instantiation counts as a call in flight: the ticker must not sleep through it."""
    import threading

    import wasmtime
    make_reactor("hello").run()
    assert wait_until(lambda: EpochTicker.for_engine(rf_engine.wasmtime).asleep), \
        "the test proves nothing"
    outcome: list[BaseException] = []

    def load() -> None:
        try:
            Reactor(wasmtime.wat2wasm(SPINNING_START), engine=rf_engine, tick_timeout=0.2, **QUIET)
        except BaseException as exc:  # noqa: BLE001 - checked below
            outcome.append(exc)

    worker = threading.Thread(target=load, daemon=True)
    worker.start()
    worker.join(30)
    assert not worker.is_alive(), "the spinning start function was never stopped"
    assert outcome and isinstance(outcome[0], rf.InvalidModuleError), outcome
    assert "interrupt" in str(outcome[0])
