"""Checking a hook callback's signature when it is registered, so a wrong
one fails at ``hooks.on`` with what it should be, not later from inside a
step."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

from ..errors import HookSignatureError

#: Event -> the arguments its callbacks receive, in order.
HOOK_ARGUMENTS: dict[str, tuple[str, ...]] = {
    "output": ("reactor", "stream", "text"),
    "timer": ("reactor", "deadline_ns"),
    "idle": ("reactor",),
    "exit": ("reactor", "code"),
    "error": ("reactor", "exc"),
    "step": ("reactor", "report"),
    "overrun": ("reactor", "report"),
}


def check_hook(event: str, fn: Callable[..., Any]) -> None:
    """Raise :class:`HookSignatureError` when ``fn`` cannot be called with
    the arguments of ``event`` (positionally). Callables whose signature
    Python cannot read (some built-ins) are accepted."""
    if not callable(fn):
        raise HookSignatureError(f"hook {event!r}: {fn!r} is not callable")
    try:
        signature = inspect.signature(fn)
    except (TypeError, ValueError):
        return
    names = HOOK_ARGUMENTS[event]
    try:
        signature.bind(*names)
    except TypeError as exc:
        shown = getattr(fn, "__qualname__", None) or repr(fn)
        raise HookSignatureError(
            f"hook {event!r}: {shown}{signature} cannot be called as "
            f"fn({', '.join(names)}) ({exc}); every hook receives the reactor first, e.g. "
            f"lambda {', '.join(names)}: ...") from None
