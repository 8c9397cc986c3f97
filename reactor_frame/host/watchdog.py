"""The watchdog: stop a guest call that runs longer than its timeout.

wasmtime's epoch interruption does the stopping. While any reactor with a
timeout exists on an engine, a daemon thread (:class:`EpochTicker`) keeps
that engine's epoch on a schedule of one epoch per ``PERIOD_S`` seconds of
the monotonic clock: when the thread wakes late (a loaded host), it adds the
epochs it missed at once, so lateness does not accumulate. Before each guest
call the reactor calls :meth:`CallWatchdog.arm`, which sets the store's epoch
deadline to the timeout's worth of epochs from where the *schedule* is now
(plus two epochs of margin), so a call is never stopped early even when the
thread is behind and then catches up. A call still running when the epoch
reaches its deadline traps with wasmtime's ``interrupt`` code, which
:meth:`CallWatchdog.stopped` recognises.

Arming is a C call of about 0.35 us; ``arm`` makes it only when the schedule
has moved on an epoch since the last one (re-arming within the same epoch
would set the same deadline), so back-to-back calls pay a clock read and an
integer comparison.

The ticker sleeps while no guest call on its engine is in flight (each
watchdog's ``in_call`` flag, cleared by the call path when the call returns):
an idle or rarely driven reactor costs no thread wake-ups. ``arm`` wakes it
(an event set, only when it sleeps) and the schedule restarts from the
current count, so the epochs slept through are not added at once.

No Python code runs inside a guest call on the watchdog's behalf: the guest
thread never needs the GIL for it, and Ctrl-C is never consumed by a watchdog
callback (it is raised when the guest call returns, at the latest when the
watchdog stops it).
"""

from __future__ import annotations

import math
import threading
import time
import weakref

import wasmtime

from .._wasmtime import EpochDeadline

#: Epoch period in seconds: a call is stopped between its timeout and about
#: three periods later.
PERIOD_S = 0.01
_PERIOD_NS = int(PERIOD_S * 1e9)
_monotonic_ns = time.monotonic_ns

#: Epochs added to a timeout: the call may start just before an epoch ends,
#: and the ticker's count may be one epoch behind the engine's (see ``arm``).
_MARGIN = 2

#: A deadline no call reaches (at one epoch per PERIOD_S: ~1.4 billion years).
_NEVER = 1 << 62

_tickers: "weakref.WeakKeyDictionary[wasmtime.Engine, EpochTicker]" = weakref.WeakKeyDictionary()
_tickers_lock = threading.Lock()


class EpochTicker:
    """Advances one engine's epoch every ``PERIOD_S`` on a daemon thread,
    while at least one reactor holds it (``acquire``/``release``).

    ``epoch`` counts the increments; :meth:`scheduled` is the count the
    schedule is at now (``epoch`` trails it while the thread is late).
    The ticker keeps only a weak reference to its engine, so the registry of
    tickers does not keep engines alive.
    """

    def __init__(self, engine: wasmtime.Engine) -> None:
        self._engine = weakref.ref(engine)
        self.epoch = 0
        self._users = 0
        self._lock = threading.Lock()
        self._stop: threading.Event | None = None
        self.origin_ns = time.monotonic_ns()
        """When (``time.monotonic_ns``) the schedule's epoch 0 was."""
        self.asleep = False
        """The thread waits for :meth:`wake` (no call was in flight)."""
        self._wake = threading.Event()
        self._watchdogs: "weakref.WeakSet[CallWatchdog]" = weakref.WeakSet()
        self.sleeps = 0
        """How many times the thread went to sleep (for tests and benchmarks)."""

    @staticmethod
    def for_engine(engine: wasmtime.Engine) -> "EpochTicker":
        """The one ticker of ``engine`` (two would advance its epoch twice as fast)."""
        with _tickers_lock:
            ticker = _tickers.get(engine)
            if ticker is None:
                ticker = _tickers[engine] = EpochTicker(engine)
            return ticker

    def acquire(self) -> None:
        with self._lock:
            if self._stop is None:
                # The schedule carries on from the current count.
                self.origin_ns = time.monotonic_ns() - self.epoch * _PERIOD_NS
                self.asleep = False
                stop = threading.Event()
                threading.Thread(target=self._run, args=(stop,),
                                 name="reactor-frame-epoch", daemon=True).start()
                self._stop = stop
            self._users += 1

    def release(self) -> None:
        with self._lock:
            self._users -= 1
            if self._users == 0 and self._stop is not None:
                self._stop.set()
                self._stop = None
                self._wake.set()

    def watch(self, watchdog: "CallWatchdog") -> None:
        """Count ``watchdog``'s calls as in flight while its ``in_call`` is set."""
        with self._lock:
            self._watchdogs.add(watchdog)

    def wake(self) -> None:
        """Restart a sleeping ticker, its schedule from the current count."""
        with self._lock:
            if self.asleep:
                self.origin_ns = time.monotonic_ns() - self.epoch * _PERIOD_NS
                self.asleep = False
                self._wake.set()

    def _idle(self) -> bool:
        with self._lock:  # a WeakSet must not change while it is copied
            watchdogs = list(self._watchdogs)
        return not any(w.in_call for w in watchdogs)

    def _sleep_while_idle(self) -> None:
        # Announce the sleep, then look again: an arm() that set in_call
        # before seeing asleep is seen here; one after it sees asleep and wakes.
        with self._lock:
            self._wake.clear()
            self.asleep = True
        if not self._idle():
            self.wake()
            return
        self.sleeps += 1
        self._wake.wait()  # set by wake(), or by release() to stop the thread

    def scheduled(self) -> int:
        """The epoch count the schedule is at now."""
        return (time.monotonic_ns() - self.origin_ns) // _PERIOD_NS

    def _run(self, stop: threading.Event) -> None:
        # Wake at each scheduled epoch; after a late wake-up add every epoch
        # missed at once, so the engine's epoch follows the monotonic clock.
        while not stop.wait(max(0.0, (self.origin_ns + (self.epoch + 1) * _PERIOD_NS
                                      - time.monotonic_ns()) / 1e9)):
            engine = self._engine()
            if engine is None:
                return
            for _ in range(max(1, self.scheduled() - self.epoch)):
                self.epoch += 1
                engine.increment_epoch()
            del engine
            if self._idle():
                self._sleep_while_idle()


class CallWatchdog:
    """One store's watchdog: ``arm()`` before each guest call; ``stopped``
    tells whether a failure was the watchdog stopping the call.
    ``timeout_s=None`` disables it (``ticker`` is then unused)."""

    def __init__(self, store: wasmtime.Store, timeout_s: float | None,
                 ticker: EpochTicker | None) -> None:
        self.timeout_s = timeout_s
        self.in_call = False
        """Set by :meth:`arm`, cleared by the call path when the call returns."""
        self._ticker: EpochTicker | None = None
        if timeout_s is None:
            store.set_epoch_deadline(_NEVER)
            return
        if isinstance(timeout_s, bool) or not isinstance(timeout_s, (int, float)) \
                or not 0 < timeout_s < math.inf:
            raise ValueError(
                f"tick_timeout must be a positive number of seconds, or None to disable the "
                f"watchdog; got {timeout_s!r}"
            )
        assert ticker is not None
        self._ticker = ticker
        ticker.watch(self)
        self._deadline = EpochDeadline(store)
        self._ticks = min(_NEVER, math.ceil(timeout_s / PERIOD_S) + _MARGIN)
        self._rearm_at_ns = 0
        # Armed now, and counted in flight, since instantiation runs the
        # module's start function, if any; the first guest call clears it.
        self.arm()

    def arm(self) -> None:
        """Give the next guest call ``timeout_s`` from now.

        The deadline counts from the schedule's epoch, not the engine's: if
        the ticker is behind, the epochs it will add at once are added to the
        deadline too. Skipped (one clock read) while the schedule is in the
        epoch of the last arming: the deadline set then is the one a new
        arming would set. The
        ticker counts an epoch just before it advances the engine, so an
        arming may see the engine one epoch behind the count, and a later
        call in the same scheduled epoch may start up to one epoch further
        on; ``_MARGIN`` covers both.
        """
        ticker = self._ticker
        if ticker is not None:
            self.in_call = True
            if ticker.asleep:
                ticker.wake()
            now = _monotonic_ns()
            if now >= self._rearm_at_ns:
                scheduled = (now - ticker.origin_ns) // _PERIOD_NS
                self._rearm_at_ns = ticker.origin_ns + (scheduled + 1) * _PERIOD_NS
                self._deadline.set(self._ticks + max(0, scheduled - ticker.epoch))
