"""Host functions for testdata/interopcheck, shared by tests/test_interop*.py.

``CheckHost`` provides every function the program imports from module
"check", each recording what it received; tests replace single entries.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from reactor_frame.interop import f32, f64, i32, i64, u32, u64

#: testdata/interopcheck's unicodeText.
UNICODE_TEXT = "héllo, wörld: ✓ 日本語 🎮 ÆØÅ"

#: Event kinds main acts on.
GROW, APPEND, FAIL, REENTER = 1, 2, 3, 4

RECORD = np.dtype([("id", "i4"), ("value", "f8"), ("flag", "?")], align=True)
EVENT = np.dtype([("kind", "i4"), ("a", "i4"), ("b", "i4"), ("x", "f4"), ("y", "f4")])


class CheckHost:
    """The "check" module: typed echoes that record their arguments."""

    def __init__(self) -> None:
        self.seen: list[Any] = []
        self.texts: list[str] = []
        self.blobs: list[bytes] = []
        self.noops = 0

    def _echo(self, value: Any) -> Any:
        self.seen.append(value)
        return value

    def functions(self) -> dict[str, Callable[..., Any]]:
        def echo_i32(v: i32) -> i32:
            return self._echo(v)

        def echo_i64(v: i64) -> i64:
            return self._echo(v)

        def echo_u32(v: u32) -> u32:
            return self._echo(v)

        def echo_u64(v: u64) -> u64:
            return self._echo(v)

        def echo_f32(v: f32) -> f32:
            return self._echo(v)

        def echo_f64(v: f64) -> f64:
            return self._echo(v)

        def echo_bool(v: bool) -> bool:
            return self._echo(v)

        def text(s: str) -> i32:
            self.texts.append(s)
            return len(s.encode("utf-8"))

        def blob(data: bytes) -> None:
            self.blobs.append(data)

        def noop() -> None:
            self.noops += 1

        def fail() -> None:
            raise ValueError("fail() was called")

        def reenter() -> None:
            raise AssertionError("the test did not replace check.reenter")

        def reverse(payload: bytes) -> bytes:
            return payload[::-1]

        def upper(payload: str) -> str:
            return payload.upper()

        def nothing(payload: bytes) -> None:
            self.blobs.append(payload)

        return {
            "echo_i32": echo_i32, "echo_i64": echo_i64, "echo_u32": echo_u32,
            "echo_u64": echo_u64, "echo_f32": echo_f32, "echo_f64": echo_f64,
            "echo_bool": echo_bool, "text": text, "blob": blob, "noop": noop,
            "fail": fail, "reenter": reenter, "reverse": reverse, "upper": upper,
            "nothing": nothing,
        }

    def imports(self, **replace: Callable[..., Any]) -> dict[str, dict[str, Callable[..., Any]]]:
        functions = self.functions()
        functions.update(replace)
        return {"check": functions}
