"""Loading and instantiating: every refusal is an InvalidModuleError that keeps
the cause, and a control block this host cannot read is refused."""

from __future__ import annotations

import struct

import pytest
import wasmtime

from reactor_frame import InvalidModuleError, Reactor
from reactor_frame.host.control import MAGIC, VERSION

from .conftest import QUIET


def reactor_with_control_block(magic: int, version: int) -> bytes:
    block = "".join(f"\\{b:02x}" for b in struct.pack("<II", magic, version))
    return wasmtime.wat2wasm(f"""(module
      (memory (export "memory") 1)
      (data (i32.const 256) "{block}")
      (func (export "_initialize")) (func (export "go_start_main"))
      (func (export "go_tick") (result i32) (i32.const -1))
      (func (export "go_tick_for") (param i64) (result i32) (i32.const -1))
      (func (export "go_reactor_control") (result i32) (i32.const 256)))""")


@pytest.mark.parametrize("delta, which", [(1, "newer"), (-1, "older"), (1000, "newer")])
def test_a_control_block_of_another_version_is_refused(delta, which):
    data = reactor_with_control_block(MAGIC, VERSION + delta)
    with pytest.raises(InvalidModuleError, match=f"built by an? {which} reactor-frame.*rebuild"):
        Reactor(data, **QUIET)


def test_the_current_version_and_no_control_block_both_load():
    with Reactor(reactor_with_control_block(MAGIC, VERSION), **QUIET) as r:
        assert r.run() == 0
    with Reactor(reactor_with_control_block(0, 0), **QUIET) as r:  # no magic: seed ABI
        assert r.run() == 0


def seed_reactor(extra: str, imports: str = "") -> bytes:
    return wasmtime.wat2wasm(f"""(module {imports}
      (memory (export "memory") 1)
      (func (export "_initialize")) (func (export "go_start_main"))
      (func (export "go_tick") (result i32) (i32.const -1))
      {extra})""")


def test_a_load_error_keeps_wasmtimes_cause():
    data = seed_reactor('(func (export "go_tick_for") (param i64) (result i32) (i32.const 0))'
                        '(func (export "go_tick_for") (param i64) (result i32) (i32.const 0))')
    with pytest.raises(InvalidModuleError, match="duplicate export name"):
        Reactor(data, **QUIET)


def test_a_start_function_that_exits_says_its_exit_code():
    data = seed_reactor("(func $s (call $exit (i32.const 4))) (start $s)",
                        '(import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))')
    with pytest.raises(InvalidModuleError, match="start function exited with code 4"):
        Reactor(data, **QUIET)


def test_a_start_function_that_traps_says_what_trap():
    data = seed_reactor("(func $s (drop (i32.load (i32.const 0x7ffffff0)))) (start $s)")
    with pytest.raises(InvalidModuleError, match="start function trapped: .*out of bounds"):
        Reactor(data, **QUIET)

