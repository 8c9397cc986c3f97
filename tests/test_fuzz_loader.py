"""Fuzzing the loader: hostile or broken modules never get past the typed errors.

Every input ends in one of: :class:`InvalidModuleError` from ``Reactor(...)``;
a :class:`GuestError` (the guest failed in ``_initialize`` or while driven,
and the reactor is closed); or a clean, bounded run. Never another exception
type, a hang (the watchdog and a virtual clock bound every guest call) or a
crash. Hand-made modules also check the verdict itself: a module is refused
exactly when the reactor ABI says it should be.

Budget: compiling a mutated 2.5 MB Go module costs about 0.9 s here, so the
real binary gets few examples; small WAT-built modules get many.
"""

from __future__ import annotations

import wasmtime
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

import reactor_frame as rf
from reactor_frame import Reactor, ReactorEngine, VirtualClock

from .conftest import TESTDATA

FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SLOW = settings(max_examples=24, deadline=None, suppress_health_check=[HealthCheck.too_slow])

#: No module cache: mutated inputs would each leave an entry behind.
ENGINE = ReactorEngine(cache=False)
WASM_HEADER = b"\0asm\x01\0\0\0"
HELLO = (TESTDATA / "hello.wasm").read_bytes()


def load(source: bytes | wasmtime.Module) -> Reactor | None:
    """``Reactor(source)``, or None when it was refused the expected way."""
    try:
        r = Reactor(source, engine=ENGINE, clock=VirtualClock(), tick_timeout=TIMEOUT_S,
                    max_memory_mb=64, stdout=lambda _t: None, stderr=lambda _t: None)
    except rf.InvalidModuleError:
        event("refused")
        return None
    except rf.GuestError:  # _initialize failed: a guest failure, not a loader one
        event("failed in _initialize")
        return None
    event("accepted")
    return r


def drive(r: Reactor) -> None:
    """A bounded workout: every entry point a few times. A GuestError must
    leave the reactor closed; nothing else may escape."""
    try:
        r.start_main()
        for _ in range(3):
            r.loop_once()
        r.tick_for(1_000_000)
        r.step(2.0, advance_ms=5.0)
    except rf.GuestError:
        assert r.closed
    finally:
        r.close()


def check(source: bytes | wasmtime.Module) -> None:
    """Load and, when accepted, drive."""
    r = load(source)
    if r is not None:
        drive(r)


# ------------------------------------------------------- random bytes --

@FAST
@given(st.binary(max_size=512))
def test_random_bytes(data):
    check(data)


@FAST
@given(st.binary(max_size=512))
def test_random_bytes_after_a_valid_header(data):
    check(WASM_HEADER + data)


# --------------------------------------------------- hand-made modules --

ABI_SIGNATURES = {
    "_initialize": ((), ()),
    "go_start_main": ((), ()),
    "go_tick": ((), ("i32",)),
    "go_tick_for": (("i64",), ("i32",)),
    "go_reactor_control": ((), ("i32",)),
}
VALTYPES = ("i32", "i64", "f32", "f64")
#: What an exported function does; a spin costs a watchdog timeout, so it is rarer.
BEHAVIOURS = ("value",) * 4 + ("trap", "exit", "grow", "out_of_bounds", "spin")
#: Short: every spinning example waits for it.
TIMEOUT_S = 0.05

signatures = st.tuples(st.lists(st.sampled_from(VALTYPES), max_size=2).map(tuple),
                       st.lists(st.sampled_from(VALTYPES), max_size=1).map(tuple))


@st.composite
def export_specs(draw, name: str):
    """How a module exports ``name``: absent, the right function, a function
    of another type, or another kind of thing."""
    kind = draw(st.sampled_from(["right"] * 30 + ["absent", "func", "memory", "global", "table"]))
    if kind == "right":
        return ("func", ABI_SIGNATURES[name], draw(st.sampled_from(BEHAVIOURS)),
                draw(st.integers(-3, 70000)))
    if kind == "func":
        return ("func", draw(signatures), draw(st.sampled_from(BEHAVIOURS)), draw(st.integers(-3, 9)))
    return (kind,)


@st.composite
def module_specs(draw):
    memory = draw(st.sampled_from(["exported"] * 20 + ["hidden", "absent", "as_global"]))
    exports = {name: draw(export_specs(name)) for name in ABI_SIGNATURES}
    start = draw(st.sampled_from(["none"] * 8 + ["ok", "trap", "exit", "spin"]))
    pages = draw(st.integers(0, 3))
    return memory, exports, start, pages


def _body(results: tuple[str, ...], behaviour: str, value: int, has_memory: bool) -> str:
    produce = "".join(f" ({t}.const {value})" for t in results)
    if behaviour == "trap":
        return "unreachable"
    if behaviour == "spin":
        return "(loop $l (br $l)) unreachable"
    if behaviour == "exit":
        return f"(call $proc_exit (i32.const {value & 0xFF})) unreachable"
    if behaviour == "grow" and has_memory:
        return f"(drop (memory.grow (i32.const {value & 0xFFFF}))){produce}"
    if behaviour == "out_of_bounds" and has_memory:
        return f"(i32.store (i32.const -8) (i32.const 1)){produce}"
    return produce


def build_module(spec) -> tuple[bytes, bool]:
    """The module ``spec`` describes, and whether the ABI accepts it."""
    memory, exports, start, pages = spec
    has_memory = memory != "absent"
    lines = ['(import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))']
    if has_memory:
        lines.append(f"(memory $mem {pages})")
    if memory == "exported":
        lines.append('(export "memory" (memory $mem))')
    elif memory == "as_global":
        lines.append('(global (export "memory") i32 (i32.const 0))')
    for name, how in exports.items():
        if how[0] == "func":
            (params, results), behaviour, value = how[1], how[2], how[3]
            sig = "".join(f" (param {p})" for p in params) + "".join(f" (result {r})" for r in results)
            lines.append(f'(func (export "{name}"){sig} {_body(results, behaviour, value, has_memory)})')
        elif how[0] == "memory" and has_memory:
            lines.append(f'(export "{name}" (memory $mem))')
        elif how[0] == "global":
            lines.append(f'(global (export "{name}") i32 (i32.const 1))')
        elif how[0] == "table":
            lines.append(f'(table (export "{name}") 1 funcref)')
    if start != "none":
        body = {"ok": "", "trap": "unreachable", "exit": "(call $proc_exit (i32.const 0))",
                "spin": "(loop $l (br $l))"}[start]
        lines.append(f"(func $start {body}) (start $start)")
    data = wasmtime.wat2wasm("(module\n  " + "\n  ".join(lines) + ")")
    seed_ok = all(exports[n][0] == "func" and exports[n][1] == ABI_SIGNATURES[n]
                  for n in ("_initialize", "go_start_main", "go_tick"))
    return data, seed_ok and memory == "exported" and start in ("none", "ok")


@FAST
@given(module_specs(), st.booleans())
def test_hand_made_modules_are_judged_by_the_abi(spec, precompiled):
    data, acceptable = build_module(spec)
    source = wasmtime.Module(ENGINE.wasmtime, data) if precompiled else data
    try:
        r = Reactor(source, engine=ENGINE, clock=VirtualClock(), tick_timeout=TIMEOUT_S,
                    max_memory_mb=64, stdout=lambda _t: None, stderr=lambda _t: None)
    except rf.InvalidModuleError:
        event("refused")
        assert not acceptable, "a module with the reactor ABI was refused"
        return
    except rf.GuestError:  # its _initialize trapped or spun
        event("failed in _initialize")
        assert acceptable, "a module without the reactor ABI was run"
        return
    event("accepted")
    assert acceptable, "a module without the reactor ABI was accepted"
    drive(r)


# ------------------------------------------- mutated small reactor --

SMALL_REACTOR = wasmtime.wat2wasm("""(module
  (import "wasi_snapshot_preview1" "fd_write"
    (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "\\18\\00\\00\\00\\06\\00\\00\\00tick!\\n")
  (global $n (mut i32) (i32.const 0))
  (func (export "_initialize"))
  (func (export "go_start_main") (global.set $n (i32.const 4)))
  (func $tick (result i32)
    (if (i32.gt_s (global.get $n) (i32.const 0))
      (then
        (drop (call $fd_write (i32.const 1) (i32.const 16) (i32.const 1) (i32.const 8)))
        (global.set $n (i32.sub (global.get $n) (i32.const 1)))))
    (if (result i32) (i32.gt_s (global.get $n) (i32.const 0))
      (then (i32.const 0)) (else (i32.const -1))))
  (func (export "go_tick") (result i32) (call $tick))
  (func (export "go_tick_for") (param i64) (result i32) (call $tick))
  (func (export "go_reactor_control") (result i32) (i32.const 64)))""")


def sections(data: bytes) -> list[tuple[int, int, int]]:
    """(id, start, end) of each section of a well-formed module."""
    out, pos = [], 8
    while pos < len(data):
        start, section_id, pos = pos, data[pos], pos + 1
        size = shift = 0
        while True:
            b, pos = data[pos], pos + 1
            size |= (b & 0x7F) << shift
            shift += 7
            if not b & 0x80:
                break
        out.append((section_id, start, pos + size))
        pos += size
    return out


@st.composite
def mutations(draw, data: bytes, low: int = 8, high: int | None = None):
    """``data`` bit-flipped, overwritten, truncated, with bytes inserted, or
    with sections dropped, repeated or swapped."""
    high = len(data) if high is None else high
    kind = draw(st.sampled_from(["flip", "overwrite", "truncate", "insert", "splice"]))
    out = bytearray(data)
    if kind == "flip":
        for at in draw(st.lists(st.integers(low, high - 1), min_size=1, max_size=8)):
            out[at] ^= 1 << draw(st.integers(0, 7))
    elif kind == "overwrite":
        at = draw(st.integers(low, high - 1))
        chunk = draw(st.binary(min_size=1, max_size=16))
        out[at:at + len(chunk)] = chunk
    elif kind == "truncate":
        del out[draw(st.integers(0, len(data) - 1)):]
    elif kind == "insert":
        at = draw(st.integers(low, high))
        out[at:at] = draw(st.binary(min_size=1, max_size=16))
    else:
        parts = [bytes(data[s:e]) for _, s, e in sections(data)]
        order = draw(st.lists(st.integers(0, len(parts) - 1), max_size=len(parts) + 2))
        out = bytearray(data[:8] + b"".join(parts[i] for i in order))
    return bytes(out)


def test_the_small_reactor_runs():
    out: list[str] = []
    with Reactor(SMALL_REACTOR, engine=ENGINE, stdout=out.append) as r:
        assert r.run() == 0
    assert "".join(out) == "tick!\n" * 4


@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutations(SMALL_REACTOR))
def test_mutated_small_reactor(data):
    check(data)


# ----------------------------------------------- mutated Go binary --

HELLO_SECTIONS = sections(HELLO)
#: The sections read before compiling: types, imports, functions, memory,
#: exports (they end where the element section starts).
HEADER_END = next(start for section_id, start, _ in HELLO_SECTIONS if section_id == 9)


def test_the_go_binary_is_what_the_mutations_assume():
    ids = [section_id for section_id, _, _ in HELLO_SECTIONS]
    assert ids[:9] == [0, 1, 2, 3, 4, 5, 6, 7, 9] and HELLO_SECTIONS[-1][2] == len(HELLO)


@SLOW
@given(mutations(HELLO, high=HEADER_END))
def test_mutated_go_binary(data):
    check(data)


DATA_SECTION = next((start, end) for section_id, start, end in HELLO_SECTIONS if section_id == 11)


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.integers(*DATA_SECTION), st.integers(0, 255)), min_size=1, max_size=64))
def test_go_binary_with_corrupted_data(changes):
    # Valid code over corrupt data: compiles, then the Go runtime meets garbage.
    data = bytearray(HELLO)
    for at, value in changes:
        data[min(at, len(data) - 1)] = value
    check(bytes(data))
