"""The fuzz cases. Each takes a ``random.Random`` and does one thing to the
host; it may raise only :class:`ReactorError` (or return). Anything else
raised, and any case whose outcome is wrong, is a finding.

Kinds:

``module``
    a small reactor, mutated (bit flips, overwrites, truncation, inserted
    bytes), loaded and run for a few ticks.
``wasi``
    reactor-frame's and wasmtime's WASI functions (``poll_oneoff``,
    ``clock_time_get``, ``random_get``, ``fd_write``) called with hostile
    pointers, counts and memory contents, on a real and a virtual clock, with
    and without preopened directories.
``race``
    threads: ``close`` against calls on another thread, two threads driving
    one reactor, two reactors on two threads failing at once (each must get
    its own error).
"""

from __future__ import annotations

import functools
import random
import struct
import tempfile
import threading
import time
from collections.abc import Callable
from typing import Any

import wasmtime

import reactor_frame as rf
from reactor_frame import Reactor, ReactorEngine, VirtualClock

from .hostile import hostile_module


class Finding(Exception):
    """A case's outcome was wrong (not merely an exception of a foreign type)."""


ENGINE = ReactorEngine(cache=False)
QUIET: dict[str, Any] = {"stdout": lambda _t: None, "stderr": lambda _t: None}
_PREOPEN_DIR = tempfile.mkdtemp(prefix="reactor-frame-fuzz-")

SMALL_REACTOR = bytes(wasmtime.wat2wasm("""(module
  (import "wasi_snapshot_preview1" "fd_write"
    (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "poll_oneoff"
    (func $poll (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "\\18\\00\\00\\00\\06\\00\\00\\00tick!\\n")
  (data (i32.const 64) "\\52\\46\\43\\42\\01\\00\\00\\00")
  (global $n (mut i32) (i32.const 0))
  (func (export "_initialize"))
  (func (export "go_start_main") (global.set $n (i32.const 4)))
  (func $tick (result i32)
    (drop (call $fd_write (i32.const 1) (i32.const 16) (i32.const 1) (i32.const 8)))
    (drop (call $poll (i32.const 256) (i32.const 512) (i32.const 1) (i32.const 8)))
    (global.set $n (i32.sub (global.get $n) (i32.const 1)))
    (if (result i32) (i32.gt_s (global.get $n) (i32.const 0))
      (then (i32.const 0)) (else (i32.const -1))))
  (func (export "go_tick") (result i32) (call $tick))
  (func (export "go_tick_for") (param i64) (result i32) (call $tick))
  (func (export "go_reactor_control") (result i32) (i32.const 64)))"""))

HOSTILE = [hostile_module(None), hostile_module(4)]
_MODULES = {id(data): wasmtime.Module(ENGINE.wasmtime, data) for data in HOSTILE}


def mutate(rng: random.Random, data: bytes) -> bytes:
    out = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        kind = rng.choice(["flip", "overwrite", "truncate", "insert"])
        if kind == "flip":
            at = rng.randrange(8, len(out))
            out[at] ^= 1 << rng.randrange(8)
        elif kind == "overwrite":
            at = rng.randrange(8, len(out))
            out[at:at + 4] = rng.randbytes(rng.randint(1, 4))
        elif kind == "truncate":
            del out[rng.randrange(len(out)):]
        else:
            at = rng.randrange(8, len(out) + 1)
            out[at:at] = rng.randbytes(rng.randint(1, 8))
        if len(out) <= 8:
            break
    return bytes(out)


def case_module(rng: random.Random) -> None:
    data = mutate(rng, SMALL_REACTOR)
    clock = VirtualClock() if rng.random() < 0.5 else None
    with Reactor(data, engine=ENGINE, clock=clock, tick_timeout=5.0, **QUIET) as r:
        r.start_main()
        for _ in range(rng.randint(1, 6)):
            r.loop_once()
            if r.done:
                break


_U32_EDGES = [0, 1, 4, 7, 8, 47, 48, 0xFFFF, 0x10000, 0x1FFF8, 0x20000, 0x7FFF_FFFF,
              0x8000_0000, 0xFFFF_FFF8, 0xFFFF_FFFF]


def _arg(rng: random.Random, size: int) -> int:
    pick = rng.random()
    if pick < 0.4:
        value = rng.choice(_U32_EDGES)
    elif pick < 0.6:
        value = size - rng.choice([0, 1, 4, 8, 32, 48, 64])
    elif pick < 0.8:
        value = rng.randrange(0, 4096) & ~7
    else:
        value = rng.getrandbits(32)
    return value - (1 << 32) if value >= 1 << 31 else value  # as an i32


def _subscriptions(rng: random.Random, n: int) -> bytes:
    out = bytearray()
    for _ in range(n):
        if rng.random() < 0.3:
            out += rng.randbytes(48)
            continue
        tag = rng.choice([0, 0, 0, 1, 2, rng.randrange(256)])
        clock_id = rng.choice([0, 1, 1, 2, 3, rng.getrandbits(32)])
        timeout = rng.choice([0, 1, 1000, 10**9, (1 << 63) - 1, 1 << 63, (1 << 64) - 1,
                              rng.getrandbits(64)])
        flags = rng.choice([0, 0, 1, rng.getrandbits(16)])
        out += struct.pack("<QB7xIxxxxQQH6x", rng.getrandbits(64), tag, clock_id, timeout, 0, flags)
    return bytes(out)


def case_wasi(rng: random.Random) -> None:
    data = rng.choice(HOSTILE)
    virtual = rng.random() < 0.6
    clock = VirtualClock() if virtual else None
    preopens = {"/d": _PREOPEN_DIR} if rng.random() < 0.4 else None
    seed = rng.randrange(1 << 32) if rng.random() < 0.5 else None
    with Reactor(_MODULES[id(data)], engine=ENGINE, clock=clock, preopens=preopens, seed=seed,
                 tick_timeout=5.0, **QUIET) as r:
        for _ in range(rng.randint(1, 12)):
            size = r.mem.size
            at = rng.randrange(0, 4096) & ~7
            r.mem.write_bytes(at, _subscriptions(rng, rng.randint(1, 8)))
            fn = rng.choice(["poll", "now", "rand", "write", "grow"])
            a = functools.partial(_arg, rng, size)
            if fn == "poll":
                if virtual:
                    result = r.exports.poll(rng.choice([at, a()]), a(), rng.choice([rng.randint(0, 8), a()]), a())
                else:  # a real clock really waits: subscriptions of at most 1 ms
                    r.mem.write_bytes(at, _real_safe(rng))
                    result = r.exports.poll(rng.choice([at, size, -8, -1]), a(), rng.choice([0, 1]), a())
            elif fn == "now":
                result = r.exports.now(rng.choice([0, 1, 2, 3, _arg(rng, size)]), rng.getrandbits(63), a())
            elif fn == "rand":
                result = r.exports.rand(a(), rng.choice([0, 1, 16, 4096, _arg(rng, size)]))
            elif fn == "write":
                r.mem.write_bytes(at, rng.randbytes(16))
                result = r.exports.write(rng.choice([1, 2, 0, 3, _arg(rng, size)]), rng.choice([at, a()]),
                                         rng.choice([0, 1, 2, _arg(rng, size)]), a())
            else:
                result = r.exports.grow(rng.choice([0, 1, 2, 100, _arg(rng, size)]))
            if fn != "grow" and not 0 <= result <= 76:
                raise Finding(f"{fn} returned {result}, not a WASI errno")
            if virtual and isinstance(clock, VirtualClock) and not \
                    0 < clock.now_ns() <= clock.limit_ns() < 1 << 63:
                raise Finding(f"virtual clock out of range: {clock.now_ns()}")


def _real_safe(rng: random.Random) -> bytes:
    """Subscriptions a real clock answers at once: relative timeouts of at most 1 ms."""
    return struct.pack("<QB7xIxxxxQQH6x", rng.getrandbits(64), 0, rng.choice([0, 1]),
                       rng.randrange(0, 1_000_000), 0, 0)


SPIN = bytes(wasmtime.wat2wasm("""(module
  (import "h" "ask" (func $ask (result i32)))
  (memory (export "memory") 1)
  (func (export "_initialize")) (func (export "go_start_main"))
  (func (export "go_tick") (result i32) (local $i i32)
    (loop $l (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (i32.const 20000))))
    (i32.const 0))
  (func (export "boom") unreachable)
  (func (export "ask") (result i32) (call $ask)))"""))
_SPIN = wasmtime.Module(ENGINE.wasmtime, SPIN)


def _spin_reactor(ask: Callable[[], int] = lambda: 0) -> Reactor:
    return Reactor(_SPIN, engine=ENGINE, imports={"h": {"ask": rf.host_function(ask, results=["i32"])}},
                   tick_timeout=5.0, **QUIET)


def _threads(*targets: Callable[[], None]) -> list[BaseException]:
    errors: list[BaseException] = []

    def run(target: Callable[[], None]) -> None:
        try:
            target()
        except BaseException as exc:  # noqa: BLE001 - collected and judged by the case
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(t,)) for t in targets]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
        if t.is_alive():
            raise Finding("a thread did not finish within 30 s")
    return errors


def case_race(rng: random.Random) -> None:
    kind = rng.choice(["close", "two_threads", "two_failing"])
    if kind == "close":
        r = _spin_reactor()
        r.start_main()
        use = rng.choice([lambda: r.loop_once(), lambda: r.exports.ask()])
        stop = threading.Event()

        def drive() -> None:
            while not stop.is_set():
                try:
                    use()
                except (rf.ReactorClosedError, rf.ConcurrentUseError):
                    if r.closed:
                        return

        def close() -> None:
            for _ in range(rng.randint(0, 2000)):
                pass
            while True:
                try:
                    r.close()
                    return
                except rf.ConcurrentUseError:
                    time.sleep(0.0002)  # let the driving thread finish its call
        errors = _threads(drive, close)
        stop.set()
        _reraise(errors)
        if not r.closed:
            raise Finding("close() returned but the reactor is not closed")
    elif kind == "two_threads":
        r = _spin_reactor()
        r.start_main()

        def drive() -> None:
            for _ in range(rng.randint(1, 50)):
                try:
                    r.loop_once()
                except rf.ConcurrentUseError:
                    pass
        try:
            _reraise(_threads(drive, drive))
        finally:
            r.close()
    else:
        class Mine(Exception):
            pass

        def raising() -> int:
            raise Mine("from the host function")
        a, b = _spin_reactor(raising), _spin_reactor()

        def fail_a() -> None:
            try:
                a.exports.ask()
            except Mine:
                return
            raise Finding("reactor A did not get its own host function's exception")

        def fail_b() -> None:
            try:
                b.exports.boom()
            except rf.ReactorTrapError:
                return
            raise Finding("reactor B did not get its own trap")
        try:
            _reraise(_threads(fail_a, fail_b))
        finally:
            a.close()
            b.close()


def _reraise(errors: list[BaseException]) -> None:
    if errors:
        raise errors[0]


CASES: dict[str, Callable[[random.Random], None]] = {
    "module": case_module,
    "wasi": case_wasi,
    "race": case_race,
}
