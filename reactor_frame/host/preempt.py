"""The host plays sysmon: preempt a budgeted tick still running at its deadline.

Wasm has no sysmon thread, so Go never preempts a goroutine that computes
without yielding. Binaries from ``reactor-frame build`` publish, in the
control block (version 2), where the running goroutine is (``m0.curg``), the
offsets of its ``stackguard0`` and ``preempt`` fields and the value
``stackPreempt``. While a ``go_tick_for`` call runs past its deadline, one
thread per engine writes what sysmon writes natively into that goroutine
(``preempt = true``, ``stackguard0 = stackPreempt``) and sets ``preemptReq``
in the control block; the runtime ends the tick at the goroutine's next stack
check (``goruntime/reactor_frame_preempt_wasip1.go``).

Rules that keep it safe:

* Every write happens under the thread's lock, which disarming takes right
  after the guest call returns: no write lands after the call returned
  (nor after the store is freed).
* Every address is bounds-checked against the memory size read on the guest
  thread when the call was armed (memory never shrinks or moves).
* A request the goroutine does not act on (it was in a leaf loop, held a
  runtime lock, or the goroutine switched) is repeated every ``RETRY_NS``
  while the call runs; one that arrives late is harmless to the runtime.

Arming sets the slot's deadline under a lock; the heap holds at most one
entry per slot, pushed only when the slot is not queued already for an
earlier time, and the thread is woken only when it sleeps past that time
(once per frame, typically: it goes idle when a call ended in time).
Back-to-back calls cost two lock round trips and a memory-size read each.
"""

from __future__ import annotations

import ctypes
import heapq
import threading
import time
import weakref
from typing import Any

from .._wasmtime import MemorySize, memory_base

#: While the call still runs, a request is repeated this often (ns): a
#: GC mark worker the scheduler runs before the tick goroutine is stopped so.
RETRY_NS = 200_000

_monotonic_ns = time.monotonic_ns
_u8 = ctypes.c_uint8.from_address
_u32 = ctypes.c_uint32.from_address
_u64 = ctypes.c_uint64.from_address

_threads: "weakref.WeakKeyDictionary[Any, PreemptThread]" = weakref.WeakKeyDictionary()
_threads_lock = threading.Lock()


class PreemptThread:
    """One engine's preempting thread and its deadline heap."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self._cond = threading.Condition(self.lock)
        # (when, sequence, weak reference to a slot): at most one live entry
        # per slot (the one at its ``queued_at``); a weak reference, so that
        # an entry never keeps a dropped reactor's store alive.
        self._heap: list[tuple[int, int, weakref.ref[PreemptSlot]]] = []
        self._seq = 0
        self._wake_at: int | None = None  # the time the thread sleeps to; None: idle
        self._started = False

    @staticmethod
    def for_engine(engine: Any) -> "PreemptThread":
        """The one preempting thread of ``engine`` (a ``wasmtime.Engine``)."""
        with _threads_lock:
            thread = _threads.get(engine)
            if thread is None:
                thread = _threads[engine] = PreemptThread()
            return thread

    def push(self, when_ns: int, slot: "PreemptSlot") -> None:
        """Under ``lock``: look at ``slot`` at ``when_ns``."""
        slot.queued_at = when_ns
        self._seq += 1
        heapq.heappush(self._heap, (when_ns, self._seq, slot.ref))
        if not self._started:
            self._started = True
            threading.Thread(target=self._run, name="reactor-frame-preempt", daemon=True).start()
        wake_at = self._wake_at
        if wake_at is None or when_ns < wake_at:
            self._cond.notify()

    def _run(self) -> None:
        heap = self._heap
        with self._cond:
            while True:
                if not heap:
                    self._wake_at = None
                    self._cond.wait()
                    continue
                now = _monotonic_ns()
                when = heap[0][0]
                if when > now:
                    self._wake_at = when
                    self._cond.wait((when - now) / 1e9)
                    continue
                ref = heapq.heappop(heap)[2]
                slot = ref()
                if slot is None or slot.queued_at != when:
                    continue  # dropped, or superseded by an earlier entry
                if not slot.active:
                    slot.queued_at = None  # the call ended in time
                elif slot.deadline > now:
                    self.push(slot.deadline, slot)  # a later call is armed
                else:
                    slot.request()
                    self.push(now + RETRY_NS, slot)
                del slot


class PreemptSlot:
    """One reactor's preemption state: where to write, and the call armed.

    ``call`` is the reactor's prepared ``go_tick_for`` call: the guest call
    path arms the slot when it makes that call (deadline: the budget it
    carries) and disarms it as the call returns.
    """

    __slots__ = ("call", "active", "deadline", "queued_at", "ref", "__weakref__", "requests", "_thread", "_size", "_base", "_curg",
                 "_off_sg", "_off_preempt", "_req", "_stack_preempt", "_limit", "_span")

    def __init__(self, call: Any, engine: Any, store: Any, memory: Any, control_address: int,
                 curg_addr: int, off_stackguard0: int, off_preempt: int,
                 req_offset: int, stack_preempt: int) -> None:
        self.call = call
        self.active = False
        """A call is armed (between ``arm`` and ``disarm``)."""
        self.deadline = 0
        """When the armed call is to be preempted (``time.monotonic_ns``)."""
        self.queued_at: int | None = None
        """When the thread looks at this slot next; None: not queued."""
        self.ref = weakref.ref(self)
        self._thread = PreemptThread.for_engine(engine)
        self._size = MemorySize(store, memory)
        self._base = memory_base(store, memory)
        self._curg = curg_addr
        self._off_sg = off_stackguard0
        self._off_preempt = off_preempt
        self._req = control_address + req_offset
        self._stack_preempt = stack_preempt
        self._span = max(off_stackguard0 + 8, off_preempt + 1)
        self._limit = 0

    def arm(self) -> None:
        """Before the guest call (on its thread): preempt it when its budget is spent."""
        deadline = _monotonic_ns() + self.call.i64.value
        self._limit = self._size.size()
        thread = self._thread
        with thread.lock:
            self.deadline = deadline
            self.active = True
            queued = self.queued_at
            if queued is None or deadline < queued:
                thread.push(deadline, self)

    def disarm(self) -> None:
        """As the guest call returns: no request is written after this."""
        with self._thread.lock:
            self.active = False

    def request_now(self) -> None:
        """Write a request now, outside any call (on the thread driving the
        reactor): the runtime must treat it as stale. For tests and tools."""
        self._limit = self._size.size()
        with self._thread.lock:
            self.request()

    def request(self) -> None:
        """Under the thread's lock, while the armed call runs: ask the running
        goroutine to stop, as sysmon would."""
        base, limit = self._base, self._limit
        if self._curg + 8 > limit or self._req + 4 > limit:
            return
        g = _u64(base + self._curg).value
        if g == 0 or g + self._span > limit:
            return  # between goroutines (the scheduler runs), or out of range
        _u32(base + self._req).value = 1
        _u8(base + g + self._off_preempt).value = 1
        _u64(base + g + self._off_sg).value = self._stack_preempt
