"""Capture of guest stdout/stderr.

wasmtime runs custom output callbacks on one of its worker threads, and a
callback that raises or returns a wrong value there aborts the process. So
the wasmtime-facing callback only appends bytes to a queue and returns
``None``; the reactor drains the queue on the caller's thread after each
guest call and hands decoded text to the user's callbacks, in the order the
guest wrote it (stdout and stderr interleaved as written).

The last ``tail_bytes`` of stderr are always kept, whatever the user's
callback does or the queue drops, and so are the first ``HEAD_BYTES`` from
the first ``panic:`` or ``fatal error:`` on: a Go panic's first lines (what
failed) and its last ones go into the error even when the runtime writes
megabytes of goroutine trace in between (:meth:`OutputCapture.panic_text`).

A raising callback loses nothing: every chunk is still delivered, then the
reactor raises the first exception (later ones become notes on it). If the
same guest call exited, the exit is recorded first; if it failed fatally, the
guest's error is raised with a note naming the callback's exception, which
goes to the reactor's ``error`` hook.

Memory stays bounded whatever the guest writes: the queue holds at most
``MAX_PENDING_BYTES`` (more, in one guest call, drops the oldest chunks,
with a ``RuntimeWarning`` saying how much), and the tail ``tail_bytes``.
"""

from __future__ import annotations

import builtins
import codecs
import sys
import warnings
from collections import deque
from collections.abc import Callable

from .hoststate import OutputState

OutputCallback = Callable[[str], object]

STDOUT = 1
STDERR = 2

#: Bytes of stderr kept from the first panic marker on.
HEAD_BYTES = 4 << 10
_MARKERS = (b"panic: ", b"fatal error: ")
_CARRY = max(len(m) for m in _MARKERS) - 1
#: Once this many chunks are queued, the fast path (:meth:`OutputCapture.write`)
#: appends a write to the last chunk of the same stream while that is under
#: ``_COALESCE_BYTES``: a flood of tiny writes costs bytes, not objects, while
#: ordinary output still reaches callbacks one write at a time.
_COALESCE_AFTER = 256
_COALESCE_BYTES = 64 << 10

#: Queued chunks beyond this many bytes are dropped (oldest first) if the
#: caller never drains: a guest writing without end cannot exhaust host memory.
MAX_PENDING_BYTES = 16 << 20


def _unprinted(callback: OutputCallback) -> OutputCallback:
    """``print`` itself as a callback would add a newline to text that
    already ends in one (double spacing): pass it the text as written."""
    if callback is builtins.print:
        return lambda text: print(text, end="", flush=True)
    return callback


def _inherit(stream_name: str) -> OutputCallback:
    def write(text: str) -> None:
        stream = getattr(sys, stream_name)
        stream.write(text)
        stream.flush()
    return write


class OutputCapture:
    """Queue guest output from wasmtime's worker thread; deliver on drain."""

    def __init__(self, stdout: OutputCallback | None, stderr: OutputCallback | None,
                 tail_bytes: int = 16 << 10) -> None:
        self.pending: deque[tuple[int, bytes | bytearray]] = deque()
        self._pending_bytes = 0
        self.dropped_bytes = 0
        self.written_bytes = 0
        """Bytes the guest has written to stdout and stderr in all."""
        """Bytes dropped so far because one guest call wrote more than
        ``MAX_PENDING_BYTES``."""
        self._dropped_reported = 0
        self._callbacks = {
            STDOUT: _unprinted(stdout) if stdout is not None else _inherit("stdout"),
            STDERR: _unprinted(stderr) if stderr is not None else _inherit("stderr"),
        }
        self._decoders = {
            STDOUT: codecs.getincrementaldecoder("utf-8")("replace"),
            STDERR: codecs.getincrementaldecoder("utf-8")("replace"),
        }
        self._tail = bytearray()
        self._tail_bytes = tail_bytes
        self._stderr_total = 0
        self._head: bytearray | None = None
        self._head_at = 0
        self._carry = b""
        self.listeners: list[Callable[[int, str], object]] = []
        """Called with (fd, text) for each delivered chunk (used by hooks)."""
        self.delivering = False
        """True while callbacks and listeners run (inside :meth:`drain`)."""

    # Called on wasmtime's worker thread: must never raise, must return None.
    def on_stdout(self, data: bytes) -> None:
        self._push(STDOUT, data)

    def on_stderr(self, data: bytes) -> None:
        self._push(STDERR, data)

    def _push(self, fd: int, data: bytes) -> None:
        try:
            self._queue(fd, bytes(data), coalesce=False)
        except BaseException:  # noqa: BLE001, S110 - an exception here would abort the process
            pass

    def write(self, fd: int, data: bytes) -> None:
        """Queue ``data`` written by the guest to ``fd`` (STDOUT or STDERR), on
        the thread that drains; in a flood, writes join the last queued chunk."""
        self._queue(fd, data, coalesce=True)

    def _queue(self, fd: int, data: bytes, coalesce: bool) -> None:
        self.written_bytes += len(data)
        if fd == STDERR:
            self._keep_stderr(data)
        pending = self.pending
        if (coalesce and len(pending) >= _COALESCE_AFTER and pending[-1][0] == fd
                and len(pending[-1][1]) < _COALESCE_BYTES):
            pending[-1][1].extend(data)  # type: ignore[union-attr]
        else:
            pending.append((fd, bytearray(data) if coalesce else data))
        self._pending_bytes += len(data)
        while self._pending_bytes > MAX_PENDING_BYTES and len(pending) > 1:
            _, old = pending.popleft()
            self._pending_bytes -= len(old)
            self.dropped_bytes += len(old)

    def _keep_stderr(self, data: bytes) -> None:
        head = self._head
        if head is None:
            window = self._carry + data
            hits = [at for at in (window.find(m) for m in _MARKERS) if at >= 0]
            if hits:
                at = min(hits)
                self._head_at = self._stderr_total - len(self._carry) + at
                self._head = bytearray(window[at:at + HEAD_BYTES])
            else:
                self._carry = bytes(window[-_CARRY:])
        elif len(head) < HEAD_BYTES:
            head += data[:HEAD_BYTES - len(head)]
        self._stderr_total += len(data)
        tail = self._tail
        tail += data
        if len(tail) > self._tail_bytes:
            del tail[: len(tail) - self._tail_bytes]

    def panic_text(self) -> str | None:
        """What the guest wrote to stderr from its first ``panic:`` or ``fatal
        error:`` on, or None if it wrote neither. When that is longer than
        ``HEAD_BYTES`` plus the tail, it is the first ``HEAD_BYTES``, a line
        saying how many bytes were left out, and the tail."""
        head = self._head
        if head is None:
            return None
        tail_at = self._stderr_total - len(self._tail)
        head_end = self._head_at + len(head)
        if self._head_at >= tail_at:
            text = self._tail[self._head_at - tail_at:]
        elif head_end >= tail_at:
            text = head + self._tail[head_end - tail_at:]
        else:
            marker = f"\n\n... [{tail_at - head_end} bytes of stderr left out] ...\n\n"
            text = head + marker.encode() + self._tail
        return text.decode("utf-8", "replace")

    def stderr_tail(self) -> str:
        """The last bytes the guest wrote to stderr, decoded."""
        return self._tail.decode("utf-8", "replace")

    def save_state(self) -> OutputState:
        """Decoder state and stderr tail (between guest calls: nothing queued)."""
        return OutputState(self._decoders[STDOUT].getstate()[0], self._decoders[STDERR].getstate()[0],
                           bytes(self._tail))

    def load_state(self, state: OutputState) -> None:
        """Put back what :meth:`save_state` returned."""
        self._decoders[STDOUT].setstate((state.stdout_pending, 0))
        self._decoders[STDERR].setstate((state.stderr_pending, 0))
        self._tail = bytearray(state.stderr_tail)

    def drain(self) -> BaseException | None:
        """Deliver queued output to the callbacks, in order, on this thread.

        Every chunk is delivered even when a callback raises. Returns the first exception a callback or listener
        raised, with a note for each later one, or None; the reactor raises
        it (see the rule in :class:`~reactor_frame.Reactor`).
        """
        if self.dropped_bytes != self._dropped_reported:
            warnings.warn(
                f"reactor-frame: a guest call wrote more than {MAX_PENDING_BYTES >> 20} MiB of "
                f"output; the oldest {self.dropped_bytes - self._dropped_reported} bytes were "
                "dropped. Yield between large writes so each step's output is delivered.",
                RuntimeWarning, stacklevel=2)
            self._dropped_reported = self.dropped_bytes
        self.delivering = True
        try:
            error = self._deliver()
        finally:
            self.delivering = False
        return error

    def _deliver(self) -> BaseException | None:
        """Deliver the queue; returns the first exception a callback raised."""
        error: BaseException | None = None
        while self.pending:
            fd, data = self.pending.popleft()
            self._pending_bytes -= len(data)
            text = self._decoders[fd].decode(data)
            if not text:
                continue
            error = _deliver(error, self._callbacks[fd], text)
            for listener in self.listeners:
                error = _deliver(error, listener, fd, text)
        return error


def _deliver(error: BaseException | None, receiver: Callable[..., object],
             *args: object) -> BaseException | None:
    """Call ``receiver(*args)``; return the first exception so far, noting a later one on it."""
    try:
        receiver(*args)
    except BaseException as exc:  # noqa: BLE001 - returned to the reactor, which raises it
        if error is None:
            return exc
        if exc is not error:
            error.add_note(f"an output callback raised again: {type(exc).__name__}: {exc}")
    return error
