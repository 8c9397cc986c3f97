"""keep_trap_handlers: guest traps stay traps after other code takes over the
trap signals (as ``ray.init()`` does). Each case runs in a child process,
since the failure mode is the process dying."""

from __future__ import annotations

import platform
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


# ------------------------------------------------------------ pygame --
# Importing pygame re-installs wasmtime's SIGSEGV handler without SA_SIGINFO.
# The kernel then leaves the handler's siginfo unwritten, wasmtime reads a
# stale fault address from the stack and, when it is not a linear memory's,
# aborts the process ("Wasmtime caught a segfault ... not known to any linear
# memory"): a crash that comes and goes with stack contents. Found as a CI
# crash of the loader fuzz test.

PYGAME_CHILD = textwrap.dedent("""
    import ctypes, os, signal, sys
    os.environ["SDL_VIDEODRIVER"] = "dummy"
    os.environ["PYGAME_HIDE_SUPPORT_PROMPT"] = "1"
    import wasmtime
    import reactor_frame as rf
    from reactor_frame.host.traphandlers import restore_trap_handlers

    OOB = wasmtime.wat2wasm('''(module
        (import "wasi_snapshot_preview1" "proc_exit" (func (param i32)))
        (memory (export "memory") 1)
        (func (export "_initialize"))
        (func (export "go_start_main"))
        (func (export "go_tick") (result i32) (i32.load (i32.const -8))))''')

    def siginfo_flag():
        # glibc on x86-64: struct sigaction's sa_flags at byte 136; SA_SIGINFO = 4.
        buf = ctypes.create_string_buffer(512)
        ctypes.CDLL(None).sigaction(signal.SIGSEGV, None, buf)
        return bool(ctypes.c_uint.from_buffer(buf, 136).value & 4)

    def trap(r):
        try:
            r.loop_once()
        except rf.ReactorTrapError as exc:
            return "out of bounds" in str(exc)
        return "no trap"

    mode = sys.argv[1]
    first = rf.Reactor(OOB, tick_timeout=None)
    if mode == "integration":
        import reactor_frame.integrations.pygame  # the integrations import pygame safely
        print(siginfo_flag(), trap(first))
    elif mode == "raw-then-new":
        import pygame  # a user's own import, after a reactor was made
        print(siginfo_flag(), trap(rf.Reactor(OOB, tick_timeout=None)), siginfo_flag())
    elif mode == "raw-then-restore":
        import pygame
        print(siginfo_flag(), restore_trap_handlers(), siginfo_flag(), restore_trap_handlers(),
              trap(first))
""")


def _run_pygame(mode: str) -> subprocess.CompletedProcess[str]:
    pytest.importorskip("pygame")
    if not (sys.platform == "linux" and platform.machine() == "x86_64"):
        pytest.skip("reads glibc's x86-64 struct sigaction")
    return subprocess.run([sys.executable, "-c", PYGAME_CHILD, mode], check=False,
                          capture_output=True, text=True, timeout=120)


def test_importing_the_pygame_integration_keeps_guest_traps() -> None:
    proc = _run_pygame("integration")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == ["True", "True"]


def test_a_raw_pygame_import_breaks_the_handler_and_a_new_reactor_repairs_it() -> None:
    proc = _run_pygame("raw-then-new")
    assert proc.returncode == 0, proc.stderr
    # SA_SIGINFO gone after `import pygame` (the control), the trap clean, SA_SIGINFO back.
    assert proc.stdout.split() == ["False", "True", "True"]


def test_restore_trap_handlers_repairs_once_then_has_nothing_to_do() -> None:
    proc = _run_pygame("raw-then-restore")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == ["False", "True", "True", "False", "True"]
