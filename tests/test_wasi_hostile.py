"""reactor-frame's own WASI functions (virtual clock, seeded random) against
guests passing hostile arguments: errors go back to the guest as WASI errnos,
time arithmetic saturates, the host never raises."""

from __future__ import annotations

import resource
import struct
import time

import pytest

from fuzz.hostile import hostile_module
from reactor_frame import Reactor, VirtualClock

SUCCESS, EFAULT, EINVAL = 0, 21, 28
U64_MAX = (1 << 64) - 1
INT64_MAX = (1 << 63) - 1
SUB = struct.Struct("<QB7xIxxxxQQH6x")  # userdata, tag, clock id, timeout, precision, flags
EVENT = struct.Struct("<QHB5xQH6x")


@pytest.fixture
def guest():
    clocks: list[VirtualClock] = []

    def make(clock: VirtualClock | None = None, **kw) -> Reactor:
        clock = clock or VirtualClock()
        clocks.append(clock)
        return Reactor(hostile_module(kw.pop("max_pages", None)), clock=clock, seed=1,
                       stdout=lambda t: None, stderr=lambda t: None, **kw)

    return make


def clock_sub(timeout: int, userdata: int = 7, clock_id: int = 1, flags: int = 0) -> bytes:
    return SUB.pack(userdata, 0, clock_id, timeout, 0, flags)


def test_hostile_pointers_and_counts_get_errnos_not_exceptions(guest):
    r = guest()
    size = r.mem.size
    r.mem.write_bytes(64, clock_sub(1000))
    poll = r.exports.poll
    assert poll(-48, 1024, 1, 2048) == EFAULT          # u32 0xffffffd0: past memory
    assert poll(64, 1024, 0, 2048) == EINVAL           # no subscriptions
    assert poll(64, 1024, -1, 2048) == EFAULT          # 4 Gi subscriptions do not fit
    assert poll(64, 1024, 0x7FFF_FFFF, 2048) == EFAULT
    assert poll(65, 1024, 1, 2048) == EINVAL           # misaligned subscription
    assert poll(64, 1028, 1, 2048) == EINVAL           # misaligned event
    assert poll(64, 1024, 1, 2049) == EINVAL           # misaligned count
    assert poll(64, size - 8, 1, 2048) == EFAULT       # events do not fit
    assert poll(64, 1024, 1, -4) == EFAULT             # count past memory
    assert poll(size - 40, 1024, 1, 2048) == EFAULT    # subscription straddles the end
    r.mem.write_bytes(64, SUB.pack(1, 9, 0, 0, 0, 0))
    assert poll(64, 1024, 1, 2048) == EINVAL           # unknown subscription type
    r.mem.write_bytes(64, clock_sub(5, clock_id=0x8000_0000))
    assert poll(64, 1024, 1, 2048) == EINVAL           # unknown clock
    now = r.exports.now
    assert now(1, 0, -8) == EFAULT
    assert now(1, 0, size) == EFAULT
    assert now(1, 0, 1028) == EINVAL
    assert now(-1, 0, 1024) == EINVAL
    assert now(7, 0, 1024) == EINVAL
    rand = r.exports.rand
    assert rand(-1, 16) == EFAULT
    assert rand(0, -1) == EFAULT                      # 4 GiB: refused before it is made
    assert rand(size - 8, 16) == EFAULT
    assert rand(size - 16, 16) == SUCCESS
    assert rand(size, 0) == SUCCESS                   # nothing to write, at the very end
    assert rand(size + 1, 0) == EFAULT
    assert r.loop_once() == -1                         # still usable


def test_u64_max_timeout_saturates_a_shared_clock(guest):
    clock = VirtualClock()
    a, b = guest(clock), guest(clock)
    a.mem.write_bytes(64, clock_sub(U64_MAX, userdata=42))
    assert a.exports.poll(64, 1024, 1, 2048) == SUCCESS
    assert clock.now_ns() == clock.limit_ns() <= INT64_MAX
    assert clock.wall_ns() <= INT64_MAX
    assert struct.unpack("<I", a.mem.read_bytes(2048, 4))[0] == 1
    userdata, error, kind, _, _ = EVENT.unpack(a.mem.read_bytes(1024, 32))
    assert (userdata, error, kind) == (42, 0, 0)
    # The other reactor on the same clock reads sane times, wall after its start.
    assert b.exports.now(0, 0, 1024) == SUCCESS
    wall = struct.unpack("<q", b.mem.read_bytes(1024, 8))[0]
    assert VirtualClock.DEFAULT_WALL_START_NS < wall <= INT64_MAX
    assert b.exports.now(1, 0, 1024) == SUCCESS
    assert struct.unpack("<q", b.mem.read_bytes(1024, 8))[0] > 0
    # Relative and absolute u64 timeouts again: time stays at the limit.
    for flags in (0, 1):
        b.mem.write_bytes(64, clock_sub(U64_MAX, flags=flags, clock_id=flags))
        assert b.exports.poll(64, 1024, 1, 2048) == SUCCESS
    assert clock.now_ns() == clock.limit_ns()


def test_absolute_realtime_deadline_in_the_past_fires_without_moving_time(guest):
    clock = VirtualClock()
    r = guest(clock)
    before = clock.now_ns()
    r.mem.write_bytes(64, clock_sub(0, clock_id=0, flags=1) + clock_sub(U64_MAX, userdata=8))
    assert r.exports.poll(64, 1024, 2, 2048) == SUCCESS
    assert clock.now_ns() == before
    assert struct.unpack("<I", r.mem.read_bytes(2048, 4))[0] == 1
    assert clock.wall_ns() >= VirtualClock.DEFAULT_WALL_START_NS


def test_absolute_realtime_deadline_moves_monotonic_time_by_the_same_amount(guest):
    clock = VirtualClock()
    r = guest(clock)
    before = clock.now_ns()
    r.mem.write_bytes(64, clock_sub(clock.wall_ns() + 5_000, clock_id=0, flags=1))
    assert r.exports.poll(64, 1024, 1, 2048) == SUCCESS
    assert clock.now_ns() == before + 5_000


def test_huge_subscription_count_is_cheap_and_bounded(guest):
    # 60 MiB of subscriptions (1.3 M of them), all clock, each 1 ms later.
    pages = 1000
    r = guest(max_pages=pages + 8)
    assert r.exports.grow(pages) >= 0
    n = (60 << 20) // 48
    timeouts = bytearray(clock_sub(1_000_000) * n)
    r.mem.write_bytes(4096, bytes(timeouts))
    del timeouts
    events_at = 4096 + 48 * n
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    cpu = time.thread_time()
    assert r.exports.poll(4096, events_at, n, 64) == EFAULT  # the events cannot fit after them
    r.mem.write_bytes(4096, clock_sub(1_000_000, userdata=5))
    assert r.exports.poll(4096, 0x100, n, 64) == SUCCESS  # events overwrite the subscriptions
    cpu = time.thread_time() - cpu
    rss_growth_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before) / 1024
    assert struct.unpack("<I", r.mem.read_bytes(64, 4))[0] == n
    assert rss_growth_mb < 32, f"host memory grew {rss_growth_mb:.0f} MiB"
    assert cpu < 20, f"{n} subscriptions took {cpu:.1f} s of CPU"
