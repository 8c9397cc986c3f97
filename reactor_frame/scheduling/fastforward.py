"""Virtual-time fast-forward: many simulated instants in one guest call.

On a :class:`VirtualClock`, ``Reactor.run`` calls ``go_tick`` once per
simulated instant and jumps the clock to each next timer in between: a
program with a thousand goroutines sleeping a few ms each makes ~1,000 guest
calls per simulated second. Binaries from ``reactor-frame build`` export
``go_tick_until(target_ns, max_rounds)``, with which the guest runs that loop
itself: every round due at an instant, then a jump of its virtual clock to
the next timer, until that timer lies past the target. The instants visited
and the rounds run at each are the same as the host-driven loop's, so the
output is the same, run after run.

``fast_forward`` is one such call (then one ``loop_once`` at the reached
instant, so the reactor's report and hooks see it); ``run_fast`` drives to
completion like ``Reactor.run``. Both need a reactor on a ``VirtualClock`` of
its own: time jumped by one reactor would pass unseen by another on the same
clock.
"""

from __future__ import annotations

import weakref
from typing import TYPE_CHECKING

from ..abi import TICK_UNTIL, VIRTUAL_NOW, LoopResult
from ..clock import VirtualClock
from ..errors import ReactorError

if TYPE_CHECKING:
    from .._wasmtime import UncheckedCall
    from ..host.reactor import Reactor


#: Default bound on scheduling rounds per fast-forward call (a program that
#: keeps goroutines runnable forever still returns to the host).
DEFAULT_MAX_ROUNDS = 1_000_000

_calls: "weakref.WeakKeyDictionary[Reactor, tuple[UncheckedCall, UncheckedCall]]" = \
    weakref.WeakKeyDictionary()


class FastForwardUnavailableError(ReactorError):
    """The reactor cannot fast-forward: not on a virtual clock of its own, or
    a binary without ``go_tick_until``."""


def supports_fast_forward(r: Reactor) -> bool:
    """Whether ``r``'s binary exports ``go_tick_until`` and ``go_virtual_now``
    with their ABI types."""
    return r.features.fast_forward


def _prepared(r: Reactor) -> tuple[UncheckedCall, UncheckedCall]:
    calls = _calls.get(r)
    if calls is None:
        if not isinstance(r.clock, VirtualClock):
            raise FastForwardUnavailableError(
                f"{r.name}: fast-forward needs a VirtualClock (Reactor(..., clock=VirtualClock())); "
                "on real time, use run() or step()")
        if not supports_fast_forward(r):
            raise FastForwardUnavailableError(
                f"{r.name} has no {TICK_UNTIL}/{VIRTUAL_NOW} exports of the ABI's types: rebuild it with this reactor-frame "
                "(`reactor-frame build PKGDIR -o OUT.wasm`), or use run()")
        calls = _calls[r] = (r.prepare_export(TICK_UNTIL, 2), r.prepare_export(VIRTUAL_NOW, 1))
    if r.shares_clock:
        raise FastForwardUnavailableError(
            f"{r.name}: another reactor runs on the same VirtualClock, and time one reactor "
            "jumps would pass unseen by the other; give each its own clock, or use run()/step()")
    return calls


def fast_forward(r: Reactor, until_ns: int | None = None,
                 max_rounds: int = DEFAULT_MAX_ROUNDS) -> int:
    """Run ``r`` through every simulated instant up to ``until_ns`` (absolute
    time on its VirtualClock; None: as far as it goes) in one guest call, and
    move its clock to the instant reached. Returns what ``loop_once`` returns
    there (``LoopResult.IDLE``, ``READY`` or ms to the next timer); hooks
    and reports see that instant only, not the ones passed on the way. Raises
    :class:`FastForwardUnavailableError` when it cannot (see the module doc)."""
    if max_rounds < 1:
        raise ValueError("max_rounds must be >= 1")
    until, now = _prepared(r)
    clock = r.clock
    assert isinstance(clock, VirtualClock)
    r.start_main()
    until.slot(0).i64 = clock.limit_ns() if until_ns is None else min(int(until_ns), clock.limit_ns())
    until.slot(1).i64 = int(max_rounds)
    r.call_export(until)
    if r.exit_code is not None:
        return LoopResult.IDLE
    r.call_export(now)
    clock.advance_to_ns(now.i64.value)
    return r.loop_once()


def run_fast(r: Reactor, max_rounds: int = DEFAULT_MAX_ROUNDS) -> int:
    """``Reactor.run`` with fast-forward: drive ``r`` until its main returns
    or it exits; returns the exit code (0 when main returned)."""
    while True:
        result = fast_forward(r, None, max_rounds)
        if r.exit_code is not None:
            return r.exit_code
        if result == LoopResult.IDLE:
            return 0
        if result > 0:
            r.clock.wait_ns(r.next_timer_ns() or 0)
