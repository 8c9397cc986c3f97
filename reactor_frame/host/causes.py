"""wasmtime's error messages reduced to one line that keeps the cause.

wasmtime reports ``summary`` then, after ``Caused by:``, the chain of causes
(often the one line that says what is actually wrong: "duplicate export
name", "Exited with i32 exit status 4"); a trap adds a wasm backtrace. Taking
only the first line loses the cause, so errors built from wasmtime's use
:func:`cause_line`.
"""

from __future__ import annotations

import re

from ..errors import first_line

_NUMBERED = re.compile(r"^\d+:\s*")
_BACKTRACE_SUMMARY = "error while executing at wasm backtrace:"


def cause_line(exc: BaseException) -> str:
    """``summary: cause: cause...`` without the backtrace, on one line."""
    lines = [line.strip() for line in str(exc).splitlines()]
    lines = [line for line in lines if line]
    if "Caused by:" not in lines:
        return first_line(exc)
    at = lines.index("Caused by:")
    causes = [_NUMBERED.sub("", line) for line in lines[at + 1:]]
    head = [] if lines[0] == _BACKTRACE_SUMMARY else [lines[0].rstrip(":")]
    return ": ".join(head + causes) or lines[0]
