"""Host functions: Python callables the Go program calls via //go:wasmimport."""

from __future__ import annotations

import math
import struct
import traceback

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reactor_frame import (
    InteropError,
    InvalidModuleError,
    Reactor,
    ReactorClosedError,
    ReentrancyError,
)
from reactor_frame.interop import HostFunction, HostFunctions, f64, host_function, i32, i64

from .conftest import TESTDATA
from .interop_support import FAIL, REENTER, UNICODE_TEXT, CheckHost

I32_EDGES = [0, 1, -1, 7, -(2**31), 2**31 - 1]
I64_EDGES = [0, -1, 2**31, -(2**31) - 1, -(2**63), 2**63 - 1]
F32_EDGES = [0.0, -0.0, 1.5, -3.25, 3.4028234663852886e38, 1.401298464324817e-45, math.inf, -math.inf]
F64_EDGES = [0.0, -0.0, 0.1, -1e308, 1.7976931348623157e308, 5e-324, math.inf, -math.inf]


def _same(a: float, b: float) -> bool:
    return a == b and math.copysign(1, a) == math.copysign(1, b)


# --- round trips: Python -> export argument -> Go -> host function -> back -------------


@pytest.mark.parametrize("export, values", [
    ("rt_i32", I32_EDGES), ("rt_i64", I64_EDGES), ("rt_f32", F32_EDGES), ("rt_f64", F64_EDGES),
])
def test_signed_and_float_values_round_trip(check, host, export, values):
    r = check()
    for value in values:
        got = getattr(r.exports, export)(value)
        assert _same(got, value) and _same(host.seen[-1], value), (export, value, got, host.seen[-1])
        assert type(host.seen[-1]) is type(value)


@pytest.mark.parametrize("export", ["rt_f32", "rt_f64"])
def test_nan_round_trips(check, host, export):
    assert math.isnan(check().exports[export](math.nan))
    assert math.isnan(host.seen[-1])


def test_f32_rounds_to_single_precision(check, host):
    single = struct.unpack("<f", struct.pack("<f", 0.1))[0]
    assert check().exports.rt_f32(0.1) == single == host.seen[-1]


@pytest.mark.parametrize("export, bits", [("rt_u32", 32), ("rt_u64", 64)])
def test_unsigned_annotations_see_go_unsigned_values(check, host, export, bits):
    # Exports take signed or unsigned ints; wasm results are signed, so a
    # uint above the signed maximum comes back negative from the export.
    r = check()
    top = 2**bits - 1
    assert r.exports[export](top) == -1
    assert host.seen[-1] == top
    assert r.exports[export](-1) == -1
    assert host.seen[-1] == top
    assert r.exports[export](2 ** (bits - 1)) == -(2 ** (bits - 1))
    assert host.seen[-1] == 2 ** (bits - 1)


def test_bool_round_trip(check, host):
    r = check()
    assert r.exports.rt_bool(True) == 1 and host.seen[-1] is True
    assert r.exports.rt_bool(False) == 0 and host.seen[-1] is False


@pytest.fixture(scope="module")
def one_check(rf_engine):
    """One reactor for every example of the property tests below."""
    host = CheckHost()
    r = Reactor(TESTDATA / "interopcheck.wasm", engine=rf_engine, imports=host.imports(),
                stdout=lambda _: None, stderr=lambda _: None)
    yield r, host
    r.close()


@settings(max_examples=60, deadline=None)
@given(n=st.integers(-(2**63), 2**63 - 1), x=st.floats(allow_nan=False, width=64))
def test_any_i64_and_f64_round_trip(one_check, n, x):
    r, host = one_check
    assert r.exports.rt_i64(n) == n and host.seen[-1] == n
    assert _same(r.exports.rt_f64(x), x) and _same(host.seen[-1], x)


# --- strings and bytes ----------------------------------------------------------------


def test_go_string_arrives_as_str(check, host):
    r = check()
    assert r.exports.send_text() == len(UNICODE_TEXT.encode())
    assert host.texts == [UNICODE_TEXT]


@settings(max_examples=40, deadline=None)
@given(text=st.text(max_size=300))
def test_any_text_written_by_the_host_comes_back_intact(one_check, text):
    r, host = one_check
    data = text.encode("utf-8")
    ptr = r.exports.buffer_at(len(data))
    assert r.mem.write_str(ptr, text) == len(data)
    assert r.exports.text_back(len(data)) == len(data)
    assert host.texts[-1] == text


def test_invalid_utf8_in_a_str_parameter_is_replaced(check, host):
    r = check()
    ptr = r.exports.buffer_at(4)
    r.mem.write_bytes(ptr, b"a\xffb")
    r.exports.text_back(3)
    assert host.texts == ["a\ufffdb"]


def test_megabytes_of_bytes_arrive_intact(check, host):
    r = check()
    data = bytes(range(256)) * (12 * 4096)  # 12 MiB
    ptr = r.exports.buffer_at(len(data))
    r.mem.write_bytes(ptr, data)
    assert r.exports.buffer_sum() == sum(range(256)) * 12 * 4096
    r.exports.blob_back(len(data))
    assert host.blobs == [data]


def test_explicit_params_read_memory_inside_the_call(check):
    got = []
    holder = {}

    def blob(ptr, n):  # raw (pointer, length), read through r.mem during the call
        got.append(holder["r"].mem.read_bytes(ptr, n))

    r = check(replace={"blob": HostFunction(blob, params=[i32, i32], results=[])})
    holder["r"] = r
    ptr = r.exports.buffer_at(5)
    r.mem.write_bytes(ptr, b"12345")
    r.exports.blob_back(5)
    assert got == [b"12345"]


# --- ways to declare ------------------------------------------------------------------


def test_unannotated_callables_take_the_import_types(check, host):
    r = check(replace={
        "echo_i64": lambda v: v,
        "echo_f32": lambda v: v * 2,
        "noop": lambda: None,
    })
    assert r.exports.rt_i64(-(2**62)) == -(2**62)
    assert r.exports.rt_f32(1.25) == 2.5
    r.exports.call_noop(3)


def test_int_and_float_annotations_fit_either_width(check):
    def echo(v: int) -> int:
        return v

    def half(v: float) -> float:
        return v / 2

    r = check(replace={"echo_i32": echo, "echo_i64": echo, "echo_f32": half, "echo_f64": half})
    assert r.exports.rt_i32(-5) == -5
    assert r.exports.rt_i64(2**40) == 2**40
    assert r.exports.rt_f32(3.0) == 1.5
    assert r.exports.rt_f64(3.0) == 1.5


def test_host_function_decorator_and_registry(make_reactor):
    host = CheckHost()
    registry = HostFunctions()
    for name, fn in host.functions().items():
        if name != "echo_i64":
            registry.add("check", name, fn)
    calls = []

    @host_function(params=["i64"], results=["i64"])
    def twice(v):
        calls.append(v)
        return 2 * v

    registry.add("check", "echo_i64", twice)
    with pytest.raises(InteropError, match="already registered"):
        registry.add("check", "echo_i64", twice)
    r = make_reactor("interopcheck", imports=registry)
    assert r.exports.rt_i64(21) == 42 and calls == [21]
    assert twice(4) == 8  # still callable from Python


def test_registry_function_decorator_uses_the_function_name():
    registry = HostFunctions()

    @registry.function("game")
    def play_sound(name: str, volume: f64) -> None:
        pass

    assert isinstance(registry["game"]["play_sound"], HostFunction)
    assert registry["game"]["play_sound"].params == ("str", "f64")
    assert registry["game"]["play_sound"].results == ()


# --- declaration errors, at construction ------------------------------------------------


def test_annotation_that_does_not_match_the_import(check):
    def echo_i32(v: f64) -> f64:
        return v

    with pytest.raises(InteropError) as exc:
        check(replace={"echo_i32": echo_i32})
    message = str(exc.value)
    assert "check.echo_i32" in message and "(i32) -> (i32)" in message
    assert "parameter 'v' is f64, but the import passes i32" in message


def test_wrong_parameter_count(check):
    with pytest.raises(InteropError, match=r"check\.echo_i64 .*\(i64\) -> \(i64\)"):
        check(replace={"echo_i64": lambda a, b: a})


def test_str_parameter_where_go_passes_a_number(check):
    def echo_i64(v: str) -> i64:
        return 0

    with pytest.raises(InteropError, match="parameter 'v' is str, which takes two i32 values"):
        check(replace={"echo_i64": echo_i64})


def test_bytes_result_for_a_wasmimport_function(check):
    def text(s: str) -> bytes:
        return b""

    with pytest.raises(InteropError, match="cannot return; call it with guest.CallHost"):
        check(replace={"text": text})


def test_unsupported_annotation():
    with pytest.raises(InteropError, match="list is not a type a host function can exchange"):
        @host_function
        def f(values: list) -> None:
            pass


def test_keyword_only_parameter_without_default():
    with pytest.raises(InteropError, match="keyword-only parameter 'k'"):
        HostFunction(lambda a, *, k: None)


@pytest.mark.parametrize("imports, message", [
    ([("check", "noop")], "imports must map module names"),
    ({"check": print}, r"imports\['check'\] must map function names"),
    ({"check": {"noop": 3}}, "host function check.noop must be callable"),
    ({"reactor_frame": {"share": print}}, "'reactor_frame' is reserved"),
])
def test_malformed_imports(check, imports, message):
    with pytest.raises(InteropError, match=message):
        check(imports=imports)


def test_missing_import_is_named_with_its_type(check, host):
    imports = host.imports()
    del imports["check"]["echo_i64"], imports["check"]["text"]
    with pytest.raises(InvalidModuleError) as exc:
        check(imports=imports)
    message = str(exc.value)
    assert "check.echo_i64 (i64) -> (i64)" in message
    assert "check.text (i32, i32) -> (i32)" in message
    assert "imports=" in message


# --- failures during calls ------------------------------------------------------------------


def _raises_in_host():
    raise ValueError("boom from the host")


def test_exception_in_a_host_function_propagates_out_of_step(check):
    r = check(replace={"fail": _raises_in_host})
    r.step(10)
    r.events.push(FAIL)
    with pytest.raises(ValueError, match="boom from the host") as exc:
        r.step(10)
    frames = [f.name for f in traceback.extract_tb(exc.value.__traceback__)]
    assert "_raises_in_host" in frames
    assert r.closed
    with pytest.raises(ReactorClosedError, match="a host function raised ValueError"):
        r.step(10)


def test_exception_in_a_host_function_propagates_out_of_an_export_call(check):
    def echo_i32(v: i32) -> i32:
        raise KeyError(v)

    r = check(replace={"echo_i32": echo_i32})
    with pytest.raises(KeyError) as exc:
        r.exports.rt_i32(5)
    assert exc.value.args == (5,)
    assert "echo_i32" in [f.name for f in traceback.extract_tb(exc.value.__traceback__)]
    assert r.closed


@pytest.mark.parametrize("result, message", [
    ("text", "must be an integer"),
    (2**32, "does not fit in i32"),
    (None, "must be an integer"),
])
def test_bad_result_from_a_host_function(check, result, message):
    r = check(replace={"echo_i32": lambda v: result})
    with pytest.raises(InteropError, match=f"the result of host function check.echo_i32.*{message}"):
        r.exports.rt_i32(1)
    assert r.closed


def test_result_ignored_when_the_import_has_none(check, host):
    calls = []

    def noop():
        calls.append(1)
        return "ignored"

    r = check(replace={"noop": noop})
    assert r.exports.call_noop(2) is None
    assert calls == [1, 1]  # called each time, its result dropped without an error
    assert not r.closed and r.exports.add_i32(1, 2) == 3


# --- re-entrancy ------------------------------------------------------------------------------


@pytest.mark.parametrize("action", [
    lambda r: r.loop_once(),
    lambda r: r.step(5),
    lambda r: r.exports.add_i32(1, 2),
    lambda r: r.events.push(0),
    lambda r: r.close(),
])
def test_driving_the_reactor_from_a_host_function_is_a_reentrancy_error(check, action):
    holder = {}
    r = check(replace={"reenter": lambda: action(holder["r"])})
    holder["r"] = r
    r.step(10)
    r.events.push(REENTER)
    with pytest.raises(ReentrancyError, match="already running on this thread"):
        r.step(10)
    # The guest was unwound by the error; the reactor cannot be trusted after it.
    assert r.closed


def test_imports_can_replace_a_wasi_function(check, host):
    calls = []

    def random_get(buf: i32, n: i32) -> i32:
        calls.append(n)
        return 0  # success, leaving the buffer as it is

    imports = {**host.imports(), "wasi_snapshot_preview1": {"random_get": random_get}}
    r = check(imports=imports)
    assert calls  # the Go runtime seeds its hashes at start-up
    assert r.exports.add_i32(1, 2) == 3
