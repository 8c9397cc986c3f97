"""Threads and lifecycle: close racing a call, exceptions staying on their own
thread, close from an output callback, and out-of-range tick results.

Tests that could crash the interpreter on a regression (a call into a freed
store is a SIGSEGV) run in a subprocess, so a crash fails the test instead of
ending the session."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import threading

import pytest
import wasmtime

import reactor_frame as rf
from reactor_frame import Reactor

from .conftest import QUIET, ROOT, TESTDATA


def run_python(code: str, timeout: float = 240.0) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], cwd=ROOT,
                          capture_output=True, text=True, timeout=timeout)


# ------------------------------------------------ #14.1: close racing a call --

def test_close_racing_calls_on_another_thread_never_crashes_or_hangs():
    # Short calls in a tight loop (idle ticks, export calls) make the window
    # between an entry point's state check and its guest call as wide as it
    # gets; the main thread retries close() until it is accepted.
    rounds = 200
    done = run_python(f"""
        import sys, threading
        from reactor_frame import Reactor, ReactorClosedError, ConcurrentUseError
        from reactor_frame.host.engine import ReactorEngine
        from tests.interop_support import CheckHost
        engine = ReactorEngine()
        module = engine.compile(open({str(TESTDATA / "interopcheck.wasm")!r}, "rb").read())
        closed, other = 0, []
        for round_ in range({rounds}):
            r = Reactor(module, engine=engine, imports=CheckHost().imports(),
                        stdout=lambda t: None, stderr=lambda t: None)
            add = r.exports.add_i32
            started = threading.Event()
            def drive():
                global closed
                try:
                    while True:
                        r.loop_once() if round_ % 2 else add(1, 2)
                        started.set()
                except ReactorClosedError:
                    closed += 1
                except BaseException as exc:
                    other.append(repr(exc))
                finally:
                    started.set()
            worker = threading.Thread(target=drive)
            worker.start()
            started.wait(5)
            while True:
                try:
                    r.close()
                    break
                except ConcurrentUseError:
                    pass
            worker.join(10)
            if worker.is_alive():
                print("hang"); sys.exit(3)
        print(closed, other)
    """)
    assert done.returncode == 0, (done.returncode, done.stdout, done.stderr[-2000:])
    assert done.stdout.split()[0] == str(rounds), done.stdout  # every worker told "closed"


def test_a_close_between_a_calls_check_and_its_guest_call_is_refused_not_a_crash():
    # Converting an argument runs Python code after the export call checked
    # the state and before it enters the guest: a close() there must make
    # the call fail with ReactorClosedError, not call into the freed store.
    done = run_python(f"""
        from reactor_frame import Reactor, ReactorClosedError
        from tests.interop_support import CheckHost
        r = Reactor({str(TESTDATA / "interopcheck.wasm")!r}, imports=CheckHost().imports(),
                    stdout=lambda t: None, stderr=lambda t: None)
        add = r.exports.add_i32
        class ClosesOnUse:
            def __index__(self):
                r.close()
                return 1
        try:
            add(ClosesOnUse(), 2)
        except ReactorClosedError as exc:
            print("closed:", exc)
    """)
    assert done.returncode == 0, (done.returncode, done.stderr[-2000:])
    assert done.stdout.startswith("closed:"), done.stdout


def test_close_during_another_threads_call_is_refused_then_succeeds(check):
    inside, release = threading.Event(), threading.Event()

    def slow(v: rf.interop.i32) -> rf.interop.i32:
        inside.set()
        release.wait(10)
        return v

    r = check(replace={"echo_i32": slow})
    results = []
    worker = threading.Thread(target=lambda: results.append(r.exports.rt_i32(7)))
    worker.start()
    assert inside.wait(10)
    with pytest.raises(rf.ConcurrentUseError):
        r.close()
    with pytest.raises(rf.ConcurrentUseError):
        r.exports.add_i32(1, 2)
    release.set()
    worker.join(10)
    assert results == [7]
    r.close()
    with pytest.raises(rf.ReactorClosedError):
        r.exports.add_i32(1, 2)


# ------------------------------ #14.2: exceptions stay on their own thread --

class Tagged(Exception):
    pass


@pytest.mark.slow
def test_host_function_exceptions_never_surface_on_another_thread(rf_engine, host):
    module = rf_engine.compile((TESTDATA / "interopcheck.wasm").read_bytes())
    cycles = 1500
    wrong: list[str] = []

    def hammer(tag: str) -> None:
        def raising(v: rf.interop.i32) -> rf.interop.i32:
            raise Tagged(tag)

        imports = host.imports(echo_i32=raising)
        for _ in range(cycles):
            r = Reactor(module, engine=rf_engine, imports=imports, **QUIET)
            try:
                r.exports.rt_i32(1)
                wrong.append(f"{tag}: nothing raised")
            except Tagged as exc:
                if exc.args != (tag,):
                    wrong.append(f"{tag} got {exc.args}")
            except Exception as exc:  # noqa: BLE001 - any other outcome is the bug
                wrong.append(f"{tag} got {exc!r}")
            finally:
                r.close()

    threads = [threading.Thread(target=hammer, args=(tag,)) for tag in ("A", "B")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert wrong == []


# ------------------------------------- #14.6: close from an output callback --

def test_close_from_an_output_callback_sticks_when_the_call_exits(make_reactor):
    holder: list[Reactor] = []
    exits: list[int] = []

    def on_out(text: str) -> None:
        holder[0].close()

    r = make_reactor("exitcode", args=["exitcode", "3"], stdout=on_out)
    holder.append(r)
    r.hooks.on("exit", lambda _r, code: exits.append(code))
    r.run()
    assert r.closed and "closed" in repr(r)
    assert exits == [3]
    for use in (r.loop_once, r.start_main, lambda: r.step(1), lambda: r.exports):
        with pytest.raises(rf.ReactorClosedError):
            use()


# ------------------------------------- #14.11: tick results below -1 --------

BAD_TICK = """(module
  (memory (export "memory") 1)
  (func (export "_initialize"))
  (func (export "go_start_main"))
  (func (export "go_tick") (result i32) (i32.const -7)))"""


def test_a_tick_result_below_minus_one_is_a_trap_error_not_a_busy_loop():
    r = Reactor(wasmtime.wat2wasm(BAD_TICK), **QUIET)
    with pytest.raises(rf.ReactorTrapError, match="go_tick returned -7") as info:
        r.run()
    assert "rebuild" in str(info.value)
    assert r.closed
    with pytest.raises(rf.ReactorClosedError, match="go_tick returned -7"):
        r.loop_once()


def test_the_cli_reports_a_tick_result_below_minus_one(tmp_path):
    path = tmp_path / "badtick.wasm"
    path.write_bytes(wasmtime.wat2wasm(BAD_TICK))
    done = subprocess.run([sys.executable, "-m", "reactor_frame", "run", str(path)],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode != 0
    assert "go_tick returned -7" in done.stderr
