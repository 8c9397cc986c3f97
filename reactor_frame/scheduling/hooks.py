"""Hooks: callbacks for what happens inside a reactor while it is driven.

Register with ``reactor.hooks.on(EVENT, fn)`` (usable as a decorator) and
remove with ``off``. Events and the arguments each callback receives:

========  ====================================  ===========================================
event     callback                              when
========  ====================================  ===========================================
output    ``fn(reactor, stream, text)``         guest wrote text; stream is "stdout"/"stderr"
timer     ``fn(reactor, deadline_ns)``          a step recorded the guest's next timer deadline
idle      ``fn(reactor)``                       the guest became idle (nothing runnable, no timer)
exit      ``fn(reactor, code)``                 the guest exited, or main returned (code 0)
error     ``fn(reactor, exc)``                  a fatal error closed the reactor (then it is raised)
step      ``fn(reactor, report)``               a step finished (the StepReport)
overrun   ``fn(reactor, report)``               a real-clock step overran its budget by at least
                                                ``OVERRUN_REPORT_MS`` (``report.overrun_ms``,
                                                ``preempted_goid``/``preempted_func`` if preempted)
========  ====================================  ===========================================

Callbacks run on the thread driving the reactor, synchronously. An exception
from a callback propagates out of the call that fired it (``step``,
``loop_once``...); the reactor itself stays usable. The ``error`` hook also
receives an output callback's exception when the same guest call failed
fatally (the guest's error is what is raised then).
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from .hookcheck import HOOK_ARGUMENTS, check_hook

if TYPE_CHECKING:
    from ..host.reactor import Reactor
    from .report import StepReport

#: The hook events, in the order of the table above (one list: hookcheck's).
EVENTS = tuple(HOOK_ARGUMENTS)
F = TypeVar("F", bound=Callable[..., Any])

_STREAMS = {1: "stdout", 2: "stderr"}


class Hooks:
    """The hook registry of one reactor."""

    __slots__ = ("_owner", "_callbacks", "_any", "_mid_call", "__weakref__")

    def __init__(self, owner: "Reactor") -> None:
        self._owner = weakref.ref(owner)
        self._callbacks: dict[str, list[Callable[..., Any]]] = {e: [] for e in EVENTS}
        self._any = False  # read on every tick: kept, not computed
        self._mid_call = False

    def on(self, event: str, fn: F | None = None) -> Any:
        """Register ``fn`` for ``event``; without ``fn``, return a decorator.
        Raises :class:`HookSignatureError` when ``fn`` does not take the
        event's arguments (table above)."""
        if event not in self._callbacks:
            raise ValueError(f"unknown hook event {event!r}; events are: {', '.join(EVENTS)}")
        if fn is None:
            def register(f: F) -> F:
                check_hook(event, f)
                self._callbacks[event].append(f)
                self._any = True
                return f
            return register
        check_hook(event, fn)
        self._callbacks[event].append(fn)
        self._any = True
        return fn

    def off(self, event: str, fn: Callable[..., Any]) -> None:
        """Unregister ``fn`` from ``event`` (no error if it was not registered)."""
        try:
            self._callbacks[event].remove(fn)
        except (KeyError, ValueError):
            pass
        self._any = any(self._callbacks.values())

    def __bool__(self) -> bool:
        return self._any

    @property
    def mid_call(self) -> bool:
        """True while timer, idle or exit callbacks run: the reactor is still
        recording what the guest call that fired them reported."""
        return self._mid_call

    def _fire(self, event: str, *args: Any) -> None:
        callbacks = self._callbacks[event]
        if callbacks:
            owner = self._owner()
            for fn in list(callbacks):
                fn(owner, *args)

    # The emitters: called by the reactor and its step, not by users.
    def emit_output(self, fd: int, text: str) -> None:
        self._fire("output", _STREAMS.get(fd, str(fd)), text)

    def _fire_mid_call(self, event: str, *args: Any) -> None:
        if self._callbacks[event]:
            self._mid_call = True
            try:
                self._fire(event, *args)
            finally:
                self._mid_call = False

    def emit_timer(self, deadline_ns: int) -> None:
        self._fire_mid_call("timer", deadline_ns)

    def emit_idle(self) -> None:
        self._fire_mid_call("idle")

    def emit_exit(self, code: int) -> None:
        self._fire_mid_call("exit", code)

    def emit_error(self, exc: BaseException) -> None:
        self._fire("error", exc)

    def emit_step(self, report: "StepReport") -> None:
        self._fire("step", report)

    def emit_overrun(self, report: "StepReport") -> None:
        self._fire("overrun", report)
