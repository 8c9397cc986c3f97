"""Ctrl-C while the guest is in and out of Python host functions (its every
write to stdout is one) is never lost: Python raises a pending
KeyboardInterrupt as a function is entered, before any ``try`` in it, where
a ctypes callback can only report it as unraisable."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from .conftest import ROOT

SCRIPT = textwrap.dedent('''
    import os, signal, threading, time, wasmtime
    import reactor_frame as rf
    WAT = """(module
      (import "wasi_snapshot_preview1" "fd_write" (func $w (param i32 i32 i32 i32) (result i32)))
      (memory (export "memory") 1)
      (data (i32.const 100) "hello\\\\n")
      (func (export "_initialize")) (func (export "go_start_main"))
      (func (export "go_tick") (result i32) (local $i i32)
        (i32.store (i32.const 16) (i32.const 100)) (i32.store (i32.const 20) (i32.const 6))
        (loop $l
          (drop (call $w (i32.const 2) (i32.const 16) (i32.const 1) (i32.const 24)))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br_if $l (i32.lt_u (local.get $i) (i32.const 2000000))))
        (i32.const -1)))"""
    data = wasmtime.wat2wasm(WAT)
    for _ in range(5):
        r = rf.Reactor(data, stderr=lambda t: None)
        threading.Timer(0.05, os.kill, (os.getpid(), signal.SIGINT)).start()
        try:
            r.loop_once()
            time.sleep(0.5)
            print("lost")
        except KeyboardInterrupt:
            print("interrupted", r.closed)
        r.close()
''')


def test_ctrl_c_during_a_flood_of_host_calls_is_raised():
    proc = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True,
                          timeout=120, cwd=ROOT, check=False)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split("\n")[:5] == ["interrupted True"] * 5, proc.stdout + proc.stderr
