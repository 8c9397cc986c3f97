"""Telling the user a module is being compiled (seconds for a Go program,
once: the code is cached afterwards).

An engine reports each compile as two :class:`CompileEvent`s, ``start`` and
``done``, to its ``progress`` callback and as INFO lines on the
``reactor_frame.compile`` logger. :class:`CompileNotice` is a ready-made
callback for terminals: a line when compiling starts, another every few
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
    ``interval_s`` while compiling, and the end."""

    def __init__(self, stream: TextIO, interval_s: float = 2.0, prefix: str = "reactor-frame: ") -> None:
        self._stream = stream
        self._interval_s = interval_s
        self._prefix = prefix
        self._done: threading.Event | None = None

    def __call__(self, event: CompileEvent) -> None:
        if event.phase == "start":
            self._print(event.message + " ...")
            done = self._done = threading.Event()
            threading.Thread(target=self._beat, args=(done, event.name, time.monotonic()),
                             name="reactor-frame-compile", daemon=True).start()
        else:
            if self._done is not None:
                self._done.set()
                self._done = None
            self._print(event.message)

    def _beat(self, done: threading.Event, name: str, started: float) -> None:
        while not done.wait(self._interval_s):
            self._print(f"still compiling {name} ({time.monotonic() - started:.0f} s)")

    def _print(self, text: str) -> None:
        print(self._prefix + text, file=self._stream, flush=True)
