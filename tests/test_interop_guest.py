"""The reactorframe/guest package: events in, shared records out, CallHost."""

from __future__ import annotations

import re

import numpy as np
import pytest

from reactor_frame import GoPanicError, InteropError, VirtualClock
from reactor_frame.interop import SharedBuffer

from .interop_support import APPEND, EVENT, RECORD

QUEUE = 256  # guest.EventQueueSize


# --- events ----------------------------------------------------------------------------


def test_pushed_events_arrive_in_order_with_their_values(check):
    r = check()
    r.step(10)
    sent = [(7, -1, 2**31 - 1, -0.5, 2.0**100), (8, -(2**31), 0, 3.25, -2.0), (9, 0, 0, 0.0, 0.0)]
    for kind, a, b, x, y in sent:
        assert r.events.push(kind, a, b, x, y) is True
    r.events.push(10, x=1.5)  # keywords, defaults
    r.step(10)
    got = r.shared("received").array(EVENT)
    assert got.tolist() == [*sent, (10, 0, 0, 1.5, 0.0)]


def test_a_full_queue_drops_events(check):
    r = check()
    r.step(10)
    # main is waiting in a receive: the first event goes straight to it, the
    # next QUEUE fill the channel's buffer.
    results = [r.events.push(1000 + i) for i in range(QUEUE + 44)]
    assert results == [True] * (QUEUE + 1) + [False] * 43
    assert r.events.dropped == 43
    r.step(100)
    got = r.shared("received").array(EVENT)
    assert got["kind"].tolist() == list(range(1000, 1000 + QUEUE + 1))
    assert r.events.push(1) is True  # room again


def test_a_push_wakes_an_idle_guest(check):
    r = check()
    r.step(10)
    assert r.step(10).calls == 0
    r.events.push(5)
    assert r.step(10).calls == 1
    assert r.shared("received").count == 1


def test_events_of_a_program_without_the_package(make_reactor):
    r = make_reactor("hello")
    with pytest.raises(InteropError, match='does not use the reactorframe/guest package'):
        r.events


# --- shared records ---------------------------------------------------------------------------


def test_shared_records_match_the_go_layout(check):
    r = check()
    r.step(10)
    records = r.shared("records")
    assert isinstance(records, SharedBuffer)
    assert (records.count, records.stride, records.nbytes) == (4, RECORD.itemsize, 4 * 24)
    arr = records.array(RECORD)
    assert arr["id"].tolist() == [0, 1, 2, 3]
    assert arr["value"].tolist() == [0.0, 0.25, 0.5, 0.75]
    assert arr["flag"].tolist() == [False, True, False, True]
    assert bytes(records.memoryview()) == arr.tobytes()


def test_shared_plain_dtypes_and_dtype_errors(check):
    r = check()
    r.step(10)
    records = r.shared("records")
    assert records.array().shape == (4, 24)
    assert records.array("<i4").shape == (4, 6)
    assert records.array("<f8")[:, 1].tolist() == [0.0, 0.25, 0.5, 0.75]
    with pytest.raises(InteropError, match="records of 24 bytes; dtype .* is 16 bytes"):
        records.array(np.dtype([("a", "<f8"), ("b", "<f8")]))
    with pytest.raises(InteropError, match="is 5 bytes"):
        records.array("S5")


def test_shared_view_follows_a_reshare_after_reallocation(check):
    r = check()
    r.step(10)
    records = r.shared("records")
    first_address = records.address
    r.events.push(APPEND, a=9996)
    r.step(100)
    assert records.count == 10_000
    assert records.address != first_address  # append moved the array; the handle followed
    arr = records.array(RECORD)
    assert np.array_equal(arr["id"], np.arange(10_000))
    assert np.array_equal(arr["value"], np.arange(10_000) / 4)


def test_views_write_through_to_go(check):
    r = check()
    r.step(10)
    records = r.shared("records").array(RECORD)
    records["id"][2] = 99
    assert r.shared("records").array(RECORD)["id"][2] == 99


def test_unknown_share_name(check):
    r = check()
    with pytest.raises(InteropError, match=r"has not shared 'nope' \(shared: none yet\)"):
        r.shared("nope")
    r.step(10)
    with pytest.raises(InteropError, match=r"has not shared 'nope' \(shared: 'records'\)"):
        r.shared("nope")


def test_sharing_records_with_pointers_panics(check):
    r = check()
    with pytest.raises(GoPanicError, match=r'guest.Share\("bad"\): struct \{ Name string \} contains a '
                                           r'string \(field Name\)'):
        r.exports.share_bad()


# --- CallHost ---------------------------------------------------------------------------------

OK, NO_FUNCTION = 0, 1
REVERSE, UPPER, NOTHING, MISSING, NOT_BYTES = range(5)


@pytest.mark.parametrize("size", [0, 1, 1000, 3 << 20])
def test_callhost_round_trip(check, size):
    r = check()
    assert r.exports.call_host(REVERSE, size) == OK
    answer = r.shared("answer")
    assert answer.count == size
    assert bytes(answer.memoryview()) == bytes(i % 256 for i in range(size))[::-1]


def test_callhost_with_str_in_and_out(check):
    r = check()
    assert r.exports.call_host(UPPER, 0) == OK
    assert bytes(r.shared("answer").memoryview()).decode() == "HÉLLO, WÖRLD: ✓ 日本語 🎮 ÆØÅ"


def test_callhost_to_a_function_returning_none(check, host):
    r = check()
    assert r.exports.call_host(NOTHING, 3) == OK
    assert r.shared("answer").count == 0
    assert host.blobs == [b"\x00\x01\x02"]


@pytest.mark.parametrize("which, reason", [
    (MISSING, "guest.CallHost check.missing: the host has no such function"),
    (NOT_BYTES, r"guest.CallHost check.echo_i32: it takes \(i32\); CallHost passes one bytes or str"),
])
def test_callhost_errors_reach_go(check, which, reason):
    r = check()
    assert r.exports.call_host(which, 0) == NO_FUNCTION
    message = bytes(r.shared("answer").memoryview()).decode()
    assert re.match(reason, message), message
    assert not r.closed


def test_callhost_function_that_raises(check):
    def reverse(payload: bytes) -> bytes:
        raise RuntimeError("no reversing today")

    r = check(replace={"reverse": reverse})
    with pytest.raises(RuntimeError, match="no reversing today"):
        r.exports.call_host(REVERSE, 4)
    assert r.closed


def test_callhost_function_with_a_bad_answer(check):
    r = check(replace={"reverse": lambda payload: 42})
    with pytest.raises(InteropError, match="returned int; a function called with guest.CallHost must return"):
        r.exports.call_host(REVERSE, 4)


# --- the example program --------------------------------------------------------------------

BALL = np.dtype([("x", "<f4"), ("y", "<f4"), ("vx", "<f4"), ("vy", "<f4"),
                 ("id", "<i4"), ("bounces", "<i4")], align=True)


def test_example_program(make_reactor):
    log: list[str] = []
    saved: list[bytes] = []

    def add_log(msg: str) -> None:
        log.append(msg)

    def save(summary: bytes) -> str:
        saved.append(summary)
        return f"slot {len(saved)}"

    imports = {"example": {"log": add_log, "config": lambda: "200 100", "save": save}}
    r = make_reactor("guestpkg", imports=imports, clock=VirtualClock())
    r.step(5, advance_ms=0)
    assert log == ["box is 200 x 100"]
    balls = r.shared("balls")
    assert balls.count == 0 and balls.stride == BALL.itemsize

    r.events.push(1, a=100, b=-50, x=10, y=10)
    r.events.push(1, a=-30, b=20, x=150, y=50)
    r.step(5, advance_ms=0)
    assert balls.array(BALL)[["id", "x", "y"]].tolist() == [(1, 10, 10), (2, 150, 50)]

    for _ in range(100):
        r.step(5, advance_ms=10)  # one second of simulated time
    after = balls.array(BALL)
    assert after["x"].tolist() == pytest.approx([110, 120], abs=0.01)
    assert after["y"].tolist() == pytest.approx([39.5, 70], abs=0.01)  # bounced (clamped) off the top
    assert after["bounces"].tolist() == [1, 0]

    r.events.push(3)
    r.step(5, advance_ms=0)
    assert saved == [b"2 balls, 1 bounces"]
    assert log[-1] == "saved: slot 1"

    r.events.push(2)
    r.step(5, advance_ms=0)
    assert balls.count == 0


def test_example_program_without_config(make_reactor):
    log: list[str] = []

    def add_log(msg: str) -> None:
        log.append(msg)

    make_reactor("guestpkg", imports={"example": {"log": add_log}}).step(5)
    assert log == ["no example.config on the host: using 640 x 480"]
