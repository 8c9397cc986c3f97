"""Out of memory from a goroutine bomb is reported as a Go fatal error, with
the first lines of the report as well as its end; guest writes to stdout and
stderr are cheap and checked like WASI."""

from __future__ import annotations

import tempfile
import time

import pytest
import wasmtime

import reactor_frame as rf
from reactor_frame import Reactor

SUCCESS, EBADF, EFAULT, EINVAL = 0, 8, 21, 28


def test_goroutine_bomb_under_a_memory_cap_is_a_fatal_out_of_memory(make_reactor):
    seen: list[str] = []
    r = make_reactor("goroutinebomb", max_memory_mb=16, tick_timeout=60.0, stderr=seen.append)
    cpu = time.thread_time()
    with pytest.raises(rf.GoPanicError) as info:
        r.run()
    cpu = time.thread_time() - cpu
    message = str(info.value)
    assert message.startswith("goroutinebomb.wasm: the Go program panicked:\nfatal error: out of memory\n")
    assert "runtime.stackpoolalloc" in message.split("left out")[0]  # the head: where it failed
    assert "bytes of stderr left out" in message
    stderr = "".join(seen)
    assert len(stderr) > 100_000  # the full goroutine dump went to the callback
    assert message.endswith(stderr.rstrip()[-200:])  # the tail: how the dump ended
    assert r.closed
    assert cpu < 60, f"took {cpu:.1f} s of CPU"


def writes_module(body: str) -> bytes:
    return wasmtime.wat2wasm(f"""(module
      (import "wasi_snapshot_preview1" "fd_write" (func $w (param i32 i32 i32 i32) (result i32)))
      (memory (export "memory") 1)
      (data (i32.const 100) "hello\\n")
      (func (export "_initialize")) (func (export "go_start_main"))
      (func (export "go_tick") (result i32) (local $i i32) {body} (i32.const -1))
      (func (export "write") (param i32 i32 i32 i32) (result i32)
        (call $w (local.get 0) (local.get 1) (local.get 2) (local.get 3))))""")


def test_stdio_writes_check_their_arguments_like_wasi():
    out: list[str] = []
    with Reactor(writes_module(""), stdout=out.append, stderr=out.append) as r:
        size = r.mem.size
        r.mem.write_bytes(16, bytes.fromhex("64000000 06000000 64000000 03000000"))
        assert r.exports.write(1, 16, 2, 40) == SUCCESS
        assert r.mem.read_bytes(40, 4) == (9).to_bytes(4, "little")
        assert r.exports.write(2, 16, 0, 40) == SUCCESS  # nothing: no chunk
        assert r.exports.write(0, 16, 1, 40) == EBADF
        assert r.exports.write(3, 16, 1, 40) == EBADF
        assert r.exports.write(-1, 16, 1, 40) == EBADF
        assert r.exports.write(1, 18, 1, 40) == EINVAL
        assert r.exports.write(1, 16, 1, 41) == EINVAL
        assert r.exports.write(1, -16, 1, 40) == EFAULT
        assert r.exports.write(1, 16, -1, 40) == EFAULT
        assert r.exports.write(1, 16, 1, size) == EFAULT
        r.mem.write_bytes(24, (size - 2).to_bytes(4, "little") + (3).to_bytes(4, "little"))
        assert r.exports.write(1, 16, 2, 40) == EFAULT
        r.loop_once()
    assert "".join(out) == "hello\nhel"


def test_small_writes_cost_less_cpu_than_through_wasmtimes_wasi():
    n = 20_000
    body = f"""(i32.store (i32.const 16) (i32.const 100)) (i32.store (i32.const 20) (i32.const 6))
      (loop $l (drop (call $w (i32.const 2) (i32.const 16) (i32.const 1) (i32.const 24)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $l (i32.lt_u (local.get $i) (i32.const {n}))))"""
    data = writes_module(body)
    cpu = {}
    with tempfile.TemporaryDirectory() as tmp:
        for label, kw in (("wasmtime", {"preopens": {"/d": tmp}}), ("own", {})):
            got: list[str] = []
            with Reactor(data, stderr=got.append, **kw) as r:
                started = time.thread_time()
                r.loop_once()
                cpu[label] = time.thread_time() - started
            assert "".join(got) == "hello\n" * n
    assert cpu["own"] < cpu["wasmtime"], cpu
