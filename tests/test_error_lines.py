"""The one-line forms of an error message: ``first_line`` (any error) and
``cause_line`` (wasmtime's, keeping the causes after the summary)."""

from __future__ import annotations

import pytest

from reactor_frame.errors import first_line
from reactor_frame.host.causes import cause_line


@pytest.mark.parametrize("message, line", [
    ("plain", "plain"),
    ("\n  summary:  \n  more detail\n", "summary:"),
    ("", "RuntimeError"),
    ("   \n\t", "RuntimeError"),
])
def test_first_line_is_the_first_non_blank_line_or_the_type(message, line):
    assert first_line(RuntimeError(message)) == line


@pytest.mark.parametrize("message, line", [
    # Without causes both helpers agree.
    ("failed to parse module\n  at offset 8", "failed to parse module"),
    ("failed to instantiate:\n\nCaused by:\n    duplicate export name",
     "failed to instantiate: duplicate export name"),
    ("error while executing at wasm backtrace:\n    0: 0x1f - <unknown>!f\n\nCaused by:\n"
     "    0: one\n    1: two", "one: two"),
])
def test_cause_line_keeps_the_causes_on_one_line(message, line):
    exc = RuntimeError(message)
    assert cause_line(exc) == line
    if "Caused by:" not in message:
        assert cause_line(exc) == first_line(exc)


def test_cause_line_of_an_empty_message_is_the_type():
    assert cause_line(ValueError()) == first_line(ValueError()) == "ValueError"
