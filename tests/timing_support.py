"""Waiting without betting on wall-clock speed, shared by the tests.

``wait_until`` polls for an event with a generous limit (a slow, shared CI
machine only makes it wait longer); ``time_to_timeout`` measures a watchdog
stop in wall and thread CPU time, so callers bound the CPU side.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest

import reactor_frame as rf
from reactor_frame import Reactor


def wait_until(predicate: Callable[[], object], timeout: float = 30.0) -> bool:
    """Poll ``predicate`` every 5 ms; False if ``timeout`` seconds pass first."""
    give_up = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > give_up:
            return False
        time.sleep(0.005)
    return True


def time_to_timeout(reactor: Reactor) -> tuple[float, float]:
    """Drive ``reactor`` until the watchdog stops it; the wall time and this
    thread's CPU time (seconds) of the guest call it stopped, measured from
    just before the call."""
    reactor.start_main()
    with pytest.raises(rf.ReactorTimeoutError):
        while True:
            started, cpu = time.perf_counter(), time.thread_time()
            reactor.loop_once()
    return time.perf_counter() - started, time.thread_time() - cpu
