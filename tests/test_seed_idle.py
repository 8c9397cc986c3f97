"""Seed-ABI binaries: a lone -1 is not trusted (scheduling/seedidle.py).

The stand-in below is a hand-written WAT module, not a binary of the seed's
forked toolchain: like those, its ``go_tick`` runs one pass and then reports
-1 whatever work remains. It prints "pass" on each of its first ``N``
ticks, then exits (``proc_exit(0)``) or, with no exit, goes quiet for ever,
as a main blocked for ever would.
"""

from __future__ import annotations

import time

import pytest

from reactor_frame import Reactor, VirtualClock

QUIET = {"stderr": lambda _t: None}


def stand_in(passes: int, exits: bool) -> str:
    finish = "(call $exit (i32.const 0))" if exits else ""
    return f"""(module
  (import "wasi_snapshot_preview1" "fd_write"
    (func $write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "pass\\n")
  (func (export "_initialize")
    (i32.store (i32.const 0) (i32.const 16))
    (i32.store (i32.const 4) (i32.const 5)))
  (func (export "go_start_main"))
  (func (export "go_tick") (result i32)
    (local $n i32)
    (local.set $n (i32.load (i32.const 8)))
    (if (i32.lt_s (local.get $n) (i32.const {passes}))
      (then
        (drop (call $write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 12)))
        (i32.store (i32.const 8) (i32.add (local.get $n) (i32.const 1)))
        (if (i32.eq (i32.add (local.get $n) (i32.const 1)) (i32.const {passes}))
          (then {finish}))))
    (i32.const -1)))"""


def _reactor(passes: int, exits: bool, out: list[str], **kw) -> Reactor:
    import wasmtime

    wasm = wasmtime.wat2wasm(stand_in(passes, exits))
    return Reactor(bytes(wasm), stdout=out.append, **QUIET, **kw)


def test_run_ticks_on_after_minus_one_until_exit():
    out: list[str] = []
    with _reactor(5, True, out) as r:
        assert r.seed_abi
        assert r.run() == 0
        assert r.exit_code == 0
    assert "".join(out) == "pass\n" * 5


def test_run_ends_after_the_idle_timeout_for_a_main_blocked_forever():
    out: list[str] = []
    with _reactor(3, False, out) as r:
        started, cpu = time.monotonic(), time.thread_time()
        assert r.run(idle_timeout_s=0.2) == 0
        took, cpu = time.monotonic() - started, time.thread_time() - cpu
        assert r.exit_code is None
    assert "".join(out) == "pass\n" * 3
    assert took >= 0.2  # it waited out the idle timeout...
    assert cpu < 2.0  # ...backing off between ticks, not spinning


def test_run_on_a_virtual_clock_times_out_in_virtual_time(monkeypatch):
    out: list[str] = []
    clock = VirtualClock()

    def no_real_wait(_s: float) -> None:
        raise AssertionError("a virtual-time run slept for real")

    with _reactor(3, False, out, clock=clock) as r:
        started = clock.now_ns()
        monkeypatch.setattr(time, "sleep", no_real_wait)
        assert r.run(idle_timeout_s=5) == 0
        monkeypatch.undo()
        waited_ms = (clock.now_ns() - started) / 1e6
    # The idle timeout passed on the virtual clock, within one back-off pause.
    assert 5000 <= waited_ms <= 5000 + 10, waited_ms
    assert "".join(out) == "pass\n" * 3


def test_steps_call_go_tick_every_frame_until_exit():
    out: list[str] = []
    with _reactor(5, True, out) as r:
        reports = [r.step(1.0) for _ in range(8)]
    assert "".join(out) == "pass\n" * 5
    assert [rep.calls for rep in reports[:5]] == [1] * 5
    assert not any(rep.idle for rep in reports[:4])
    assert reports[4].exit_code == 0 and reports[-1].idle


def test_idle_timeout_must_be_positive():
    with _reactor(1, True, []) as r, pytest.raises(ValueError, match="idle_timeout_s"):
        r.run(idle_timeout_s=0)


def test_run_async_ticks_on_too():
    import asyncio

    out: list[str] = []
    with _reactor(4, False, out) as r:
        assert asyncio.run(r.run_async(idle_timeout_s=0.2)) == 0
    assert "".join(out) == "pass\n" * 4
