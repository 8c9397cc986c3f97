"""Classifying a failed guest call into the error it means (no guest needed).

A call fails with wasmtime's ``ExitTrap`` (the guest called ``proc_exit``),
a ``Trap`` or ``WasmtimeError``, or an exception a host function or callback
raised. :func:`classify` turns that, the guest's stderr tail and its panic
report into what the reactor does: record an exit, raise the user's own exception, or raise one
of the typed errors.
"""

from __future__ import annotations

from dataclasses import dataclass

import wasmtime

from ..errors import GoPanicError, ReactorError, ReactorTimeoutError, ReactorTrapError

#: The end of a watchdog stop's message; the CLI swaps it for its flag.
TIMEOUT_ADVICE = "Raise tick_timeout, or pass None to disable the watchdog."


@dataclass(frozen=True)
class Failure:
    """What a failed call means. ``exit_code`` is set for a guest exit;
    ``error`` is what to raise (None for a clean exit); ``fatal`` says the
    reactor must be closed."""

    error: BaseException | None
    exit_code: int | None = None
    fatal: bool = True


def classify(failure: BaseException, name: str, stderr_tail: str,
             timeout_s: float | None, panic_text: str | None) -> Failure:
    """What ``failure`` of a call into reactor ``name`` means. ``panic_text``
    is the guest's panic report, if it wrote one (:meth:`OutputCapture.panic_text`)."""
    if isinstance(failure, wasmtime.ExitTrap):
        if failure.code == 2 and panic_text is not None:
            return Failure(GoPanicError(panic_message(name, panic_text), stderr_tail), failure.code)
        return Failure(None, failure.code, fatal=False)
    if not isinstance(failure, (wasmtime.Trap, wasmtime.WasmtimeError)):
        return Failure(failure)  # a host function or callback raised: propagate it as itself
    if watchdog_stopped(failure):
        if panic_text is not None:  # the runtime was already dying, writing its report
            return Failure(GoPanicError(
                panic_message(name, panic_text) + "\n(stopped by the watchdog while the Go "
                f"runtime wrote this report: tick_timeout={timeout_s}s)", stderr_tail))
        return Failure(ReactorTimeoutError(
            f"{name}: a guest call ran longer than tick_timeout={timeout_s}s "
            "and was stopped; the reactor is closed. Usually a goroutine loops without "
            "yielding (call runtime.Gosched() in long loops); an export call blocked that "
            f"long counts too. {TIMEOUT_ADVICE}",
            stderr_tail))
    if panic_text is not None:
        return Failure(GoPanicError(panic_message(name, panic_text), stderr_tail))
    return Failure(ReactorTrapError(f"{name}: the guest trapped: {failure}", stderr_tail))


def bad_tick_result(name: str, export: str, result: int) -> ReactorTrapError:
    """The error for a tick export returning a value outside the ABI's range."""
    return ReactorTrapError(
        f"{name}: {export} returned {result}, outside the reactor ABI (-1 idle, 0 ready, "
        "> 0 ms to the next timer); the binary is not a working Go reactor: rebuild it with "
        "`reactor-frame build`", "")


def watchdog_stopped(failure: BaseException) -> bool:
    """Whether ``failure`` is the trap of a call the watchdog stopped."""
    return isinstance(failure, wasmtime.Trap) and failure.trap_code == wasmtime.TrapCode.INTERRUPT


def closed_reason(name: str, error: BaseException) -> str:
    """What later uses of a reactor closed by ``error`` are told."""
    if isinstance(error, ReactorError):
        reason = f"{name} stopped after a fatal error: {error}"
    else:
        reason = f"a host function raised {type(error).__name__}: {error}"
    lines = [line.strip() for line in reason.splitlines() if line.strip()] or [reason]
    summary = " ".join(lines[:2]) if lines[0].endswith(":") else lines[0]  # "panicked:\n<what>"
    return summary + " (create a new Reactor to run again)"


def panic_message(name: str, panic_text: str) -> str:
    """The message of a GoPanicError: ``panic_text`` starts at the panic marker."""
    return f"{name}: the Go program panicked:\n{panic_text.rstrip()}"
