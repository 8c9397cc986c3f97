"""A raising output callback: no output lost, no exception swallowed."""

from __future__ import annotations

import pytest
import wasmtime

from reactor_frame import Reactor, ReactorTrapError


def writer(then: str) -> bytes:
    """A reactor whose tick writes "a\\n" to stdout, "b\\n" to stderr, "c\\n"
    to stdout (three chunks: writes to one stream may be joined), then does
    ``then``."""
    return wasmtime.wat2wasm(f"""(module
      (import "wasi_snapshot_preview1" "fd_write" (func $w (param i32 i32 i32 i32) (result i32)))
      (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
      (memory (export "memory") 1)
      (data (i32.const 100) "a\\nb\\nc\\n")
      (func $put (param $fd i32) (param $at i32)
        (i32.store (i32.const 16) (local.get $at)) (i32.store (i32.const 20) (i32.const 2))
        (drop (call $w (local.get $fd) (i32.const 16) (i32.const 1) (i32.const 24))))
      (func (export "_initialize")) (func (export "go_start_main"))
      (func (export "go_tick") (result i32)
        (call $put (i32.const 1) (i32.const 100)) (call $put (i32.const 2) (i32.const 102))
        (call $put (i32.const 1) (i32.const 104))
        {then}
        (i32.const -1)))""")


class Recorder:
    def __init__(self, fail_on: set[str]) -> None:
        self.seen: list[str] = []
        self.fail_on = fail_on

    def __call__(self, text: str) -> None:
        self.seen.append(text)
        if text in self.fail_on:
            raise RuntimeError(f"callback failed on {text!r}")


def test_callback_raising_then_exit_delivers_everything_records_exit_then_raises():
    out = Recorder({"a\n"})
    exits: list[int] = []
    r = Reactor(writer("(call $exit (i32.const 3))"), stdout=out, stderr=out)
    r.hooks.on("exit", lambda reactor, code: exits.append(code))
    with pytest.raises(RuntimeError, match="failed on 'a"):
        r.run()
    assert "".join(out.seen) == "a\nb\nc\n"
    assert r.exit_code == 3 and exits == [3]
    assert r.done and not r.closed
    r.close()


def test_later_callback_exceptions_become_notes_on_the_first():
    out = Recorder({"a\n", "b\n", "c\n"})
    r = Reactor(writer(""), stdout=out, stderr=out)
    with pytest.raises(RuntimeError, match="failed on 'a") as info:
        r.loop_once()
    notes = "\n".join(getattr(info.value, "__notes__", []))
    assert "failed on 'b" in notes and "failed on 'c" in notes
    assert "".join(out.seen) == "a\nb\nc\n"
    out.fail_on.clear()
    assert r.loop_once() == -1  # a callback error is not a guest failure
    r.close()


def test_guest_failure_is_raised_noting_the_callback_which_goes_to_the_error_hook():
    out = Recorder({"b\n"})
    errors: list[BaseException] = []
    r = Reactor(writer("unreachable"), stdout=out, stderr=out)
    r.hooks.on("error", lambda reactor, exc: errors.append(exc))
    with pytest.raises(ReactorTrapError, match="unreachable") as info:
        r.loop_once()
    assert "".join(out.seen) == "a\nb\nc\n"
    assert any("failed on 'b" in note for note in getattr(info.value, "__notes__", []))
    assert [type(e) for e in errors] == [RuntimeError, ReactorTrapError]
    assert r.closed
