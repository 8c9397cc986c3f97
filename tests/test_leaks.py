"""Leaks: creating, running and closing many reactors leaves nothing behind.

One engine serves every reactor (each program compiles once). The cycle mixes
the ways a reactor ends (closed, dropped unclosed, panicked, stopped by the
watchdog) and what it holds (host functions, memory views, a preopened
directory, stdin, output callbacks). After a warm-up, process memory, threads,
file descriptors and the registries that map handles to Python callbacks
must be back where they were.

``REACTOR_FRAME_LEAK_CYCLES=5000 pytest tests/test_leaks.py -s`` runs a longer
cycle and prints the figures (docs/reliability.md quotes them).
"""

from __future__ import annotations

import gc
import os
import threading
import time

import pytest

import reactor_frame as rf
from reactor_frame import Reactor
from reactor_frame._wasmtime import bound_host_functions, pending_output_callbacks
from reactor_frame.host.instance import live_instances

from .conftest import QUIET, TESTDATA
from .interop_support import CheckHost

CYCLES = int(os.environ.get("REACTOR_FRAME_LEAK_CYCLES", "500"))
WARM_UP = 40
pytestmark = [pytest.mark.slow,  # cycles hundreds of reactors
              pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="needs Linux /proc")]


def rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def snapshot() -> dict[str, object]:
    gc.collect()
    return {
        "threads": sorted(t.name for t in threading.enumerate()),
        "fds": len(os.listdir("/proc/self/fd")),
        "output callbacks": pending_output_callbacks(),
        "host functions": bound_host_functions(),
        "live reactors": live_instances(),
    }


def stable(timeout: float = 5.0) -> dict[str, object]:
    """A snapshot once two taken 0.1 s apart agree (asynchronous releases
    from earlier reactors have finished), or the last one after ``timeout``."""
    give_up = time.monotonic() + timeout
    last = snapshot()
    while True:
        time.sleep(0.1)
        now = snapshot()
        if now == last or time.monotonic() > give_up:
            return now
        last = now


def settled(before: dict[str, object], timeout: float = 5.0) -> dict[str, object]:
    """A snapshot once it matches ``before`` (epoch threads stop and output
    callbacks are released asynchronously), or the last one after ``timeout``."""
    give_up = time.monotonic() + timeout
    while True:
        now = snapshot()
        if now == before or time.monotonic() > give_up:
            return now
        time.sleep(0.02)


@pytest.fixture(scope="module")
def cycle(rf_engine, tmp_path_factory):
    modules = {name: rf_engine.compile((TESTDATA / f"{name}.wasm").read_bytes())
               for name in ("hello", "panic", "interopcheck", "fileio", "spin")}
    data_dir = tmp_path_factory.mktemp("preopen")
    (data_dir / "input.txt").write_text("from the host")

    def one(i: int) -> None:
        kind = i % 5
        if kind == 0:
            r = Reactor(modules["hello"], engine=rf_engine, **QUIET)
            assert r.run() == 0
            r.close()
        elif kind == 1:  # dropped without close, part-way
            r = Reactor(modules["hello"], engine=rf_engine, **QUIET)
            r.step(1.0)
            del r
        elif kind == 2:
            r = Reactor(modules["panic"], engine=rf_engine, args=["panic"], **QUIET)
            with pytest.raises(rf.GoPanicError):
                r.run()
        elif kind == 3:  # host functions, exports, events and a memory view
            r = Reactor(modules["interopcheck"], engine=rf_engine,
                        imports=CheckHost().imports(), **QUIET)
            r.step(5.0)
            assert r.exports.rt_i32(i) == i
            r.events.push(2, 3)
            r.step(5.0)
            assert r.shared("records").count == 7 and r.mem.read_bytes(0, 4)
            r.close()
        else:  # a preopened directory, stdin, and every 50th: the watchdog
            r = Reactor(modules["fileio"], engine=rf_engine, args=["fileio", "/data"],
                        preopens={"/data": data_dir}, stdin=b"line\n", **QUIET)
            assert r.run() == 0
            r.close()
            if i % 50 == 4:
                r = Reactor(modules["spin"], engine=rf_engine, tick_timeout=0.05, **QUIET)
                with pytest.raises(rf.ReactorTimeoutError):
                    r.run()

    return one


def test_cycling_reactors_leaves_nothing_behind(cycle):
    for i in range(WARM_UP):
        cycle(i)
    before = stable()
    rss_before = rss_mb()
    started = time.perf_counter()
    for i in range(CYCLES):
        cycle(i)
    seconds = time.perf_counter() - started
    after = settled(before)
    growth = rss_mb() - rss_before
    print(f"\n{CYCLES} reactors in {seconds:.1f} s ({seconds / CYCLES * 1000:.1f} ms each); "
          f"RSS {rss_before:.1f} -> {rss_before + growth:.1f} MiB ({growth:+.1f}); {after}")
    assert after == before
    # A leaked store would cost megabytes each; allow 40 KiB per reactor of noise.
    assert growth < 5 + CYCLES * 0.04, f"RSS grew {growth:.1f} MiB over {CYCLES} reactors"
