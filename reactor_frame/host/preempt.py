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

Arming is a heap push under a lock; the thread is woken only when it sleeps
past the new deadline (it is idle, typically, once per frame). A call that
ends in time costs its arming and disarming and, at most, one wake-up of the
thread at the stale deadline.
"""

from __future__ import annotations

import ctypes
import heapq
import threading
import time
import weakref
from typing import Any

from .._wasmtime import MemorySize

#: While the call still runs, a request is repeated this often (ns).
RETRY_NS = 500_000

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
        # (deadline, sequence, weak reference to the slot, its arming number):
        # a stale entry must not keep a dropped reactor's store alive.
        self._heap: list[tuple[int, int, weakref.ref[PreemptSlot], int]] = []
        self._seq = 0
        self._wake_at: int | None = None  # the deadline the thread sleeps to; None: idle
        self._started = False

    @staticmethod
    def for_engine(engine: Any) -> "PreemptThread":
        """The one preempting thread of ``engine`` (a ``wasmtime.Engine``)."""
        with _threads_lock:
            thread = _threads.get(engine)
            if thread is None:
                thread = _threads[engine] = PreemptThread()
            return thread

    def push(self, deadline_ns: int, slot: "PreemptSlot", armed: int) -> None:
        """Under ``lock``: schedule ``slot``'s arming number ``armed`` at ``deadline_ns``."""
        self._seq += 1
        heapq.heappush(self._heap, (deadline_ns, self._seq, slot.ref, armed))
        if not self._started:
            self._started = True
            threading.Thread(target=self._run, name="reactor-frame-preempt", daemon=True).start()
        wake_at = self._wake_at
        if wake_at is None or deadline_ns < wake_at:
            self._cond.notify()

    def _run(self) -> None:
        heap = self._heap
        with self._cond:
            while True:
                now = _monotonic_ns()
                while heap and _stale(heap[0]):
                    heapq.heappop(heap)  # the call ended in time
                if not heap:
                    self._wake_at = None
                    self._cond.wait()
                    continue
                deadline, _, ref, armed = heap[0]
                if deadline > now:
                    self._wake_at = deadline
                    self._cond.wait((deadline - now) / 1e9)
                    continue
                heapq.heappop(heap)
                slot = ref()
                if slot is not None:
                    slot.request()
                    del slot
                    self._seq += 1
                    heapq.heappush(heap, (now + RETRY_NS, self._seq, ref, armed))


def _stale(entry: tuple[int, int, "weakref.ref[PreemptSlot]", int]) -> bool:
    slot = entry[2]()
    return slot is None or slot.armed != entry[3]


class PreemptSlot:
    """One reactor's preemption state: where to write, and the call armed.

    ``call`` is the reactor's prepared ``go_tick_for`` call: the guest call
    path arms the slot when it makes that call (deadline: the budget it
    carries) and disarms it as the call returns.
    """

    __slots__ = ("call", "armed", "ref", "__weakref__", "requests", "_thread", "_size", "_base", "_curg",
                 "_off_sg", "_off_preempt", "_req", "_stack_preempt", "_limit", "_span")

    def __init__(self, call: Any, engine: Any, store: Any, memory: Any, control_address: int,
                 curg_addr: int, off_stackguard0: int, off_preempt: int,
                 req_offset: int, stack_preempt: int) -> None:
        self.call = call
        self.armed = 0
        """Arming count: a heap entry is live while its number equals this
        (arming and disarming both add one)."""
        self.requests = 0
        """Requests written into the guest (repeats included)."""
        self.ref = weakref.ref(self)
        self._thread = PreemptThread.for_engine(engine)
        self._size = MemorySize(store, memory)
        self._base = ctypes.cast(memory.data_ptr(store), ctypes.c_void_p).value or 0
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
            self.armed += 1
            thread.push(deadline, self, self.armed)

    def disarm(self) -> None:
        """As the guest call returns: no request is written after this."""
        with self._thread.lock:
            self.armed += 1

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
        self.requests += 1
