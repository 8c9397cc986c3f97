"""keep_trap_handlers: guest traps stay traps after other code takes over the
trap signals (as ``ray.init()`` does). Each case runs in a child process,
since the failure mode is the process dying."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")

CHILD = textwrap.dedent("""
    import ctypes, signal, sys
    import wasmtime
    from reactor_frame.host.traphandlers import TRAP_SIGNALS, keep_trap_handlers

    engine = wasmtime.Engine()
    module = wasmtime.Module(engine, '''(module (memory 1)
        (func (export "oob") (result i32) (i32.load (i32.const 0x7ffffff0))))''')

    def take_over_signals():
        # What a library installing its own crash handlers does.
        libc = ctypes.CDLL(None)
        libc.signal.restype = ctypes.c_void_p
        libc.signal.argtypes = [ctypes.c_int, ctypes.c_void_p]
        for signum in TRAP_SIGNALS:
            libc.signal(signum, None)  # SIG_DFL

    if sys.argv[1] == "kept":
        with keep_trap_handlers():
            take_over_signals()
    elif sys.argv[1] == "kept-raise":
        try:
            with keep_trap_handlers():
                take_over_signals()
                raise RuntimeError("the wrapped call failed")
        except RuntimeError:
            pass
    else:
        take_over_signals()
    store = wasmtime.Store(engine)
    oob = wasmtime.Instance(store, module, []).exports(store)["oob"]
    try:
        oob(store)
    except wasmtime.Trap as exc:
        print("TRAP", "out of bounds" in str(exc))
""")


def _run(mode: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", CHILD, mode], check=False,
                          capture_output=True,
                          text=True, timeout=120)


def test_guest_trap_is_a_trap_after_handlers_are_taken_over_inside_keep() -> None:
    proc = _run("kept")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "TRAP True"


def test_without_keep_the_same_takeover_kills_the_process() -> None:
    # The control: shows the child above would die if the handlers were not restored.
    proc = _run("lost")
    assert proc.returncode < 0, (proc.returncode, proc.stdout, proc.stderr)
    assert "TRAP" not in proc.stdout


def test_handlers_are_restored_when_the_body_raises() -> None:
    proc = _run("kept-raise")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "TRAP True"
