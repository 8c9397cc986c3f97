"""A tiny seed-ABI reactor whose exports call WASI imports with whatever
arguments the caller passes (shared by the hostile-WASI tests and the fuzz
campaign)."""

from __future__ import annotations

import wasmtime

WAT = """(module
  (import "wasi_snapshot_preview1" "poll_oneoff"
    (func $poll (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "clock_time_get"
    (func $now (param i32 i64 i32) (result i32)))
  (import "wasi_snapshot_preview1" "random_get"
    (func $rand (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write"
    (func $write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 2 %(max)s)
  (func (export "_initialize"))
  (func (export "go_start_main"))
  (func (export "go_tick") (result i32) (i32.const -1))
  (func (export "poll") (param i32 i32 i32 i32) (result i32)
    (call $poll (local.get 0) (local.get 1) (local.get 2) (local.get 3)))
  (func (export "now") (param i32 i64 i32) (result i32)
    (call $now (local.get 0) (local.get 1) (local.get 2)))
  (func (export "rand") (param i32 i32) (result i32)
    (call $rand (local.get 0) (local.get 1)))
  (func (export "write") (param i32 i32 i32 i32) (result i32)
    (call $write (local.get 0) (local.get 1) (local.get 2) (local.get 3)))
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0))))"""


def hostile_module(max_pages: int | None = None) -> bytes:
    """The module; memory starts at 2 pages, grows to ``max_pages`` (None: no limit)."""
    return bytes(wasmtime.wat2wasm(WAT % {"max": "" if max_pages is None else str(max_pages)}))
