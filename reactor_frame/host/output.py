"""Capture of guest stdout/stderr.

wasmtime runs custom output callbacks on one of its worker threads, and a
callback that raises or returns a wrong value there aborts the process. So
the wasmtime-facing callback only appends bytes to a queue and returns
``None``; the reactor drains the queue on the caller's thread after each
guest call and hands decoded text to the user's callbacks, in the order the
guest wrote it (stdout and stderr interleaved as written).

The last ``tail_bytes`` of stderr are always kept, whatever the user's
callback does, so a Go panic's message and trace can go into the error.

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

import codecs
import sys
import warnings
from collections import deque
from collections.abc import Callable
from typing import Deque, Tuple

OutputCallback = Callable[[str], object]

STDOUT = 1
STDERR = 2

#: Queued chunks beyond this many bytes are dropped (oldest first) if the
#: caller never drains: a guest writing without end cannot exhaust host memory.
MAX_PENDING_BYTES = 16 << 20


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
        self.pending: Deque[Tuple[int, bytes]] = deque()
        self._pending_bytes = 0
        self.dropped_bytes = 0
        """Bytes dropped so far because one guest call wrote more than
        ``MAX_PENDING_BYTES``."""
        self._dropped_reported = 0
        self._callbacks = {
            STDOUT: stdout if stdout is not None else _inherit("stdout"),
            STDERR: stderr if stderr is not None else _inherit("stderr"),
        }
        self._decoders = {
            STDOUT: codecs.getincrementaldecoder("utf-8")("replace"),
            STDERR: codecs.getincrementaldecoder("utf-8")("replace"),
        }
        self._tail = bytearray()
        self._tail_bytes = tail_bytes
        self.listeners: list[Callable[[int, str], object]] = []
        """Called with (fd, text) for each delivered chunk (used by hooks)."""

    # Called on wasmtime's worker thread: must never raise, must return None.
    def _on_stdout(self, data: bytes) -> None:
        self._push(STDOUT, data)

    def _on_stderr(self, data: bytes) -> None:
        self._push(STDERR, data)

    def _push(self, fd: int, data: bytes) -> None:
        try:
            self.pending.append((fd, bytes(data)))
            self._pending_bytes += len(data)
            while self._pending_bytes > MAX_PENDING_BYTES and len(self.pending) > 1:
                _, old = self.pending.popleft()
                self._pending_bytes -= len(old)
                self.dropped_bytes += len(old)
        except BaseException:  # noqa: BLE001 - an exception here would abort the process
            pass

    def stderr_tail(self) -> str:
        """The last bytes the guest wrote to stderr, decoded."""
        return self._tail.decode("utf-8", "replace")

    def drain(self) -> BaseException | None:
        """Deliver queued output to the callbacks, in order, on this thread.

        Every chunk is delivered (and kept in the stderr tail) even when a
        callback raises. Returns the first exception a callback or listener
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
        error: BaseException | None = None
        while self.pending:
            fd, data = self.pending.popleft()
            self._pending_bytes -= len(data)
            if fd == STDERR:
                self._tail += data
                if len(self._tail) > self._tail_bytes:
                    del self._tail[: len(self._tail) - self._tail_bytes]
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
