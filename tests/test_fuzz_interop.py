"""Fuzzing host-function and export marshalling with any Python value.

Whatever a host function returns, and whatever a caller passes to a guest
export, the outcome is the converted value or :class:`InteropError`: never
another exception type or a crash. Values that are valid for the wasm type
are never refused and arrive exactly. A guest pointer and length handed to a
``bytes`` parameter are bounds-checked, whatever they are.

The guest is a small WAT module (cheap to instantiate), so a fresh reactor
can back every example: a bad host-function result closes its reactor.
"""

from __future__ import annotations

import math
import struct
from decimal import Decimal

import numpy as np
import pytest
import wasmtime
from hypothesis import event, given, settings
from hypothesis import strategies as st

import reactor_frame as rf
from reactor_frame import Reactor, ReactorEngine
from reactor_frame.interop import f32, f64, i32, i64, u32, u64

GUEST = wasmtime.wat2wasm("""(module
  (import "h" "r_i32" (func $r_i32 (result i32)))
  (import "h" "r_i64" (func $r_i64 (result i64)))
  (import "h" "r_f32" (func $r_f32 (result f32)))
  (import "h" "r_f64" (func $r_f64 (result f64)))
  (import "h" "size" (func $size (param i32 i32) (result i32)))
  (memory (export "memory") 1 1)
  (func (export "_initialize")) (func (export "go_start_main"))
  (func (export "go_tick") (result i32) (i32.const -1))
  (func (export "get_i32") (result i32) (call $r_i32))
  (func (export "get_i64") (result i64) (call $r_i64))
  (func (export "get_f32") (result f32) (call $r_f32))
  (func (export "get_f64") (result f64) (call $r_f64))
  (func (export "size_at") (param i32 i32) (result i32) (call $size (local.get 0) (local.get 1)))
  (func (export "id_i32") (param i32) (result i32) (local.get 0))
  (func (export "id_i64") (param i64) (result i64) (local.get 0))
  (func (export "id_f32") (param f32) (result f32) (local.get 0))
  (func (export "id_f64") (param f64) (result f64) (local.get 0)))""")
MEMORY_BYTES = 65536

ENGINE = ReactorEngine(cache=False)
MODULE = wasmtime.Module(ENGINE.wasmtime, GUEST)
EXAMPLES = settings(max_examples=600, deadline=None)

BITS = {"i32": 32, "i64": 64}

#: Python values of every shape a careless caller might produce, including
#: some that raise on comparison or conversion (Decimal NaNs, numpy arrays).
ANY_VALUE = st.one_of(
    st.integers(), st.integers(-(2**64), 2**64), st.floats(), st.booleans(), st.none(),
    st.text(max_size=4), st.binary(max_size=4), st.complex_numbers(),
    st.decimals(allow_nan=False), st.sampled_from([Decimal("NaN"), Decimal("sNaN")]),
    st.fractions(), st.lists(st.integers(), max_size=2), st.tuples(st.integers()),
    st.dictionaries(st.integers(), st.integers(), max_size=1), st.builds(object),
    st.integers(-(2**63), 2**63 - 1).map(np.int64), st.floats(width=32).map(np.float32),
    st.lists(st.floats(), min_size=1, max_size=3).map(np.array),
)


def measure(data: bytes) -> i32:
    return len(data)


def make(**functions) -> Reactor:
    host = {"r_i32": lambda: 0, "r_i64": lambda: 0, "r_f32": lambda: 0.0, "r_f64": lambda: 0.0,
            "size": measure}
    host.update(functions)
    return Reactor(MODULE, engine=ENGINE, imports={"h": host},
                   stdout=lambda _t: None, stderr=lambda _t: None)


def signed(value: int, bits: int) -> int:
    value &= (1 << bits) - 1
    return value - (1 << bits) if value >> (bits - 1) else value


def as_f32(value: float) -> float:
    try:
        return struct.unpack("<f", struct.pack("<f", value))[0]
    except OverflowError:
        return math.copysign(math.inf, value)


def same(a: float, b: float) -> bool:
    return (math.isnan(a) and math.isnan(b)) or (a == b and math.copysign(1, a) == math.copysign(1, b))


def expect_number(wasm: str, value: object, got: object) -> None:
    """``got`` is what ``value`` becomes in a ``wasm`` slot."""
    if wasm in BITS:
        assert type(got) is int
        if isinstance(value, (bool, int, np.integer)):
            assert got == signed(int(value), BITS[wasm])
    else:
        assert type(got) is float
        if isinstance(value, (bool, int, float)):
            exact = float(value)
            assert same(got, as_f32(exact) if wasm == "f32" else exact), (value, got)


def valid_for(wasm: str, value: object) -> bool:
    """Values the type must accept: plain ints in range, plain floats."""
    if wasm in BITS:
        return type(value) in (int, bool) and -(2 ** (BITS[wasm] - 1)) <= value < 2 ** BITS[wasm]
    return type(value) in (int, float) and abs(value) < 2**1000


# --------------------------------------------- host function results --

ANNOTATED = {
    "i32": [i32, u32, int, "unannotated"], "i64": [i64, u64, int, "unannotated"],
    "f32": [f32, float, "unannotated"], "f64": [f64, float, "unannotated"],
}


def returning(value: object, annotation: object):
    if annotation == "unannotated":
        return lambda: value

    def fn():
        return value
    fn.__annotations__ = {"return": annotation}
    return fn


@EXAMPLES
@given(st.sampled_from(sorted(ANNOTATED)), st.data(), ANY_VALUE)
def test_any_host_function_result_is_converted_or_refused(wasm, data, value):
    annotation = data.draw(st.sampled_from(ANNOTATED[wasm]))
    r = make(**{f"r_{wasm}": returning(value, annotation)})
    try:
        got = r.exports[f"get_{wasm}"]()
    except rf.InteropError as exc:
        event("refused")
        assert not valid_for(wasm, value), f"{value!r} refused for {wasm}: {exc}"
        assert f"h.r_{wasm}" in str(exc) and r.closed
        return
    finally:
        r.close()
    event("converted")
    expect_number(wasm, value, got)


# -------------------------------------------------- export arguments --

@pytest.fixture(scope="module")
def reactor():
    r = make()
    yield r
    r.close()


@EXAMPLES
@given(wasm=st.sampled_from(sorted(ANNOTATED)), value=ANY_VALUE)
def test_any_export_argument_is_converted_or_refused(reactor, wasm, value):
    try:
        got = reactor.exports[f"id_{wasm}"](value)
    except rf.InteropError as exc:
        event("refused")
        assert not valid_for(wasm, value), f"{value!r} refused for {wasm}: {exc}"
        assert not reactor.closed  # a bad argument never reaches the guest
        return
    event("converted")
    expect_number(wasm, value, got)


@pytest.mark.parametrize("wasm, value", [
    ("i32", Decimal("NaN")), ("f64", Decimal("sNaN")), ("i64", np.array([1, 2])),
])
def test_export_argument_that_raises_on_comparison_is_an_interop_error(reactor, wasm, value):
    # Found by the fuzzing above: these used to escape as InvalidOperation/ValueError.
    with pytest.raises(rf.InteropError):
        reactor.exports[f"id_{wasm}"](value)


# ------------------------------------------- guest pointers and sizes --

GUEST_I32 = st.one_of(st.integers(0, MEMORY_BYTES + 16), st.integers(-(2**31), 2**31 - 1))


@EXAMPLES
@given(ptr=GUEST_I32, size=GUEST_I32)
def test_any_guest_pointer_and_length_is_bounds_checked(ptr, size):
    r = make()
    in_range = (ptr & 0xFFFFFFFF) + (size & 0xFFFFFFFF) <= MEMORY_BYTES
    try:
        got = r.exports.size_at(ptr, size)
    except rf.InteropError as exc:
        event("out of range")
        assert not in_range and "past the end of guest memory" in str(exc)
        return
    finally:
        r.close()
    event("read")
    assert in_range and got == size & 0xFFFFFFFF
