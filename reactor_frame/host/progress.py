"""Telling the user a module is being compiled (seconds for a Go program,
once: the code is cached afterwards).

An engine reports each compile as two :class:`CompileEvent`s, ``start`` and
``done``, to its ``progress`` callback and as INFO lines on the
``reactor_frame.compile`` logger. :class:`CompileNotice` is a ready-made
callback for terminals: a line when compiling starts (unless it is over
at once), another every few
seconds while it runs, and one when it is done.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal, TextIO

logger = logging.getLogger("reactor_frame.compile")


@dataclass(frozen=True)
class CompileEvent:
    """One compile of module ``name`` (``wasm_bytes`` long) starting or done
    (``elapsed_s`` seconds after it started; 0 at the start)."""

    name: str
    phase: Literal["start", "done"]
    elapsed_s: float
    wasm_bytes: int

    @property
    def message(self) -> str:
        if self.phase == "start":
            return (f"compiling {self.name} ({self.wasm_bytes / 1e6:.1f} MB; once, "
                    "cached afterwards)")
        return f"compiled {self.name} in {self.elapsed_s:.1f} s (cached for next time)"


CompileProgress = Callable[[CompileEvent], None]


def log_compile(event: CompileEvent) -> None:
    """Log ``event`` on the ``reactor_frame.compile`` logger."""
    logger.info("%s", event.message)


class CompileNotice:
    """A progress callback printing to ``stream``: the start, a line every
    ``interval_s`` while compiling, and the end. A compile done within
    ``quiet_s`` (a small module) prints nothing."""

    def __init__(self, stream: TextIO, interval_s: float = 2.0, quiet_s: float = 0.3,
                 prefix: str = "reactor-frame: ") -> None:
        self._stream = stream
        self._interval_s = interval_s
        self._quiet_s = quiet_s
        self._prefix = prefix
        self._lock = threading.Lock()
        self._done: threading.Event | None = None
        self._announced = False

    def __call__(self, event: CompileEvent) -> None:
        if event.phase == "start":
            done = self._done = threading.Event()
            self._announced = False
            threading.Thread(target=self._beat, args=(done, event), name="reactor-frame-compile",
                             daemon=True).start()
            return
        with self._lock:
            if self._done is not None:
                self._done.set()
                self._done = None
            if self._announced:
                self._print(event.message)

    def _beat(self, done: threading.Event, start: CompileEvent) -> None:
        began = time.monotonic()
        if done.wait(self._quiet_s):
            return
        with self._lock:
            if done.is_set():
                return
            self._announced = True
            self._print(start.message + " ...")
        while not done.wait(self._interval_s):
            with self._lock:
                if not done.is_set():
                    self._print(f"still compiling {start.name} ({time.monotonic() - began:.0f} s)")

    def _print(self, text: str) -> None:
        print(self._prefix + text, file=self._stream, flush=True)
