"""The epoch ticker keeps to the monotonic clock: a late wake-up adds the
epochs it missed at once, so watchdog lateness does not grow under load."""

from __future__ import annotations

import sys
import time

import wasmtime

from reactor_frame.host.watchdog import PERIOD_S, CallWatchdog, EpochTicker

from .timing_support import wait_until


def test_a_stalled_ticker_catches_up_at_once(rf_engine):
    ticker = EpochTicker.for_engine(rf_engine.wasmtime)
    ticker.acquire()
    watchdog = CallWatchdog(wasmtime.Store(rf_engine.wasmtime), 10.0, ticker)
    watchdog.arm()  # a guest call in flight: the ticker keeps to its schedule
    interval = sys.getswitchinterval()
    try:
        time.sleep(5 * PERIOD_S)
        sys.setswitchinterval(5.0)  # this thread keeps the GIL: the ticker cannot run
        try:
            before = ticker.epoch
            end = time.monotonic() + 50 * PERIOD_S
            while time.monotonic() < end:
                pass
            during = ticker.epoch - before
            stalled_at = ticker.epoch
        finally:
            sys.setswitchinterval(interval)
        # The ticker's first wake after the stall (whenever a loaded machine
        # lets it run) adds every missed epoch at once, not one.
        assert wait_until(lambda: ticker.epoch != stalled_at), "the ticker never woke"
        assert during <= 5, "the stall did not happen: the test proves nothing"
        assert ticker.epoch - before >= 45
        assert ticker.scheduled() - ticker.epoch <= 2
    finally:
        watchdog.in_call = False
        ticker.release()
