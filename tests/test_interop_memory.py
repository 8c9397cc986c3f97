"""Guest memory: r.mem reads, writes, views and numpy arrays."""

from __future__ import annotations

import sys

import numpy as np
import pytest

from reactor_frame import InteropError, ReactorClosedError

from .interop_support import GROW, RECORD


@pytest.fixture
def buf(check):
    """A reactor and the address of a 4 KiB Go buffer it keeps alive."""
    r = check()
    return r, r.exports.buffer_at(4096)


def test_bytes_round_trip_and_go_sees_them(buf):
    r, ptr = buf
    assert r.mem.write_bytes(ptr, b"\x01\x02\xff") == 3
    assert r.mem.read_bytes(ptr, 3) == b"\x01\x02\xff"
    assert r.exports.buffer_sum() == 1 + 2 + 255


def test_write_accepts_any_contiguous_buffer(buf):
    r, ptr = buf
    r.mem.write_bytes(ptr, np.array([1, -1], dtype="<i4"))
    assert r.mem.read_bytes(ptr, 8) == b"\x01\x00\x00\x00\xff\xff\xff\xff"
    r.mem.write_bytes(ptr, bytearray(b"ab"))
    r.mem.write_bytes(ptr + 2, memoryview(b"cd"))
    assert r.mem.read_bytes(ptr, 4) == b"abcd"


def test_strings(buf):
    r, ptr = buf
    n = r.mem.write_str(ptr, "naïve ☃")
    assert n == len("naïve ☃".encode())
    assert r.mem.read_str(ptr, n) == "naïve ☃"
    r.mem.write_bytes(ptr, b"\xff")
    with pytest.raises(UnicodeDecodeError):
        r.mem.read_str(ptr, 1)
    assert r.mem.read_str(ptr, 1, errors="replace") == "\ufffd"


def test_view_is_zero_copy_both_ways(buf):
    r, ptr = buf
    view = r.mem.view(ptr, 16)
    view[0:3] = b"xyz"
    assert r.mem.read_bytes(ptr, 3) == b"xyz"
    r.mem.write_bytes(ptr + 3, b"!")
    assert bytes(view[:4]) == b"xyz!"
    assert not view.readonly and view.nbytes == 16


def test_numpy_array_is_zero_copy_and_writable(buf):
    r, ptr = buf
    arr = r.mem.array(ptr, 4, "<u4")
    arr[:] = [1, 2, 3, 4]
    assert r.exports.buffer_sum() == 10
    r.mem.write_bytes(ptr, b"\x09\x00\x00\x00")
    assert arr[0] == 9


@pytest.mark.parametrize("verb, access", [
    ("read", lambda mem, ptr: mem.read_bytes(ptr, 8)),
    ("view", lambda mem, ptr: mem.view(ptr, 8)),
    ("write", lambda mem, ptr: mem.write_bytes(ptr, b"x" * 8)),
])
def test_access_past_the_end_is_an_interop_error(check, verb, access):
    mem = check().mem
    size = mem.size
    ptr = size - 4
    with pytest.raises(InteropError, match=(
            rf"cannot {verb} 8 bytes at address {ptr:#x}: it ends 4 bytes past the end of "
            rf"guest memory \({size} bytes\)")):
        access(mem, ptr)


def test_negative_address_and_length(check):
    mem = check().mem
    with pytest.raises(InteropError, match="a negative address"):
        mem.read_bytes(-1, 1)
    with pytest.raises(InteropError, match="a negative length"):
        mem.view(16, -1)
    with pytest.raises(InteropError, match="count must be >= 0"):
        mem.array(16, -1)


def test_memory_growth_during_a_frame(check):
    r = check()
    r.step(10)
    mem = r.mem
    records = r.shared("records")
    before_view = records.memoryview()
    before_bytes = bytes(before_view)
    old_size = mem.size
    mem.view(0, old_size)  # the whole memory, as it was

    r.events.push(GROW, a=48)  # main allocates 48 MiB in the next frame
    r.step(1000)

    assert mem.size >= old_size + (48 << 20)
    big = r.shared("big")
    assert big.count == 48 << 20 and big.stride == 1
    end = big.address + big.count
    assert end > old_size  # the new data lies beyond the memory's old end
    expected_tail = bytes(i % 251 for i in range(big.count - 64, big.count))
    assert mem.read_bytes(end - 64, 64) == expected_tail  # the same view object reaches it
    data = big.array()
    assert data.shape == (big.count, 1)
    assert np.array_equal(data[:1000, 0], np.arange(1000) % 251)
    assert bytes(before_view) == before_bytes  # an earlier view still reads the same memory
    assert records.array(RECORD)["id"].tolist() == [0, 1, 2, 3]


def test_closed_reactor(check):
    r = check()
    mem = r.mem
    r.close()
    with pytest.raises(ReactorClosedError):
        mem.read_bytes(0, 1)
    with pytest.raises(ReactorClosedError):
        r.mem


def test_numpy_missing_is_a_clear_error(buf, monkeypatch):
    r, ptr = buf
    monkeypatch.setitem(sys.modules, "numpy", None)
    with pytest.raises(InteropError, match=r"needs numpy.*pip install 'reactor-frame\[numpy\]'"):
        r.mem.array(ptr, 4)
