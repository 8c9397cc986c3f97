"""The host-side state of a reactor, as plain immutable values.

Between guest calls a reactor is its guest memory, its wasm globals and
what the host keeps about it: the bookkeeping of its ticks, its clock, its
seeded random stream, interop records and output decoding. ``Reactor``
hands these out and takes them back (:meth:`Reactor.host_state`,
:meth:`Reactor.set_host_state`), which is what snapshots save and restore.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class OutputState:
    """Partial UTF-8 sequences of stdout and stderr, and the stderr tail."""

    stdout_pending: bytes
    stderr_pending: bytes
    stderr_tail: bytes


@dataclass(frozen=True)
class InteropState:
    """The guest's shared records and the unanswered ``CallHost`` results."""

    shared: tuple[tuple[str, int, int, int], ...]
    """(name, address, count, stride) of each shared slice."""
    pending_answers: tuple[tuple[int, bytes], ...]
    last_handle: int


@dataclass(frozen=True)
class HostState:
    """Everything the host keeps about a reactor between guest calls."""

    exited: bool
    exit_code: int | None
    main_started: bool
    wake: bool
    deadline_in_ns: int | None
    """The next timer, relative to the clock's time when captured."""
    last_result: int
    clock_ns: int | None
    """Virtual clock time; None on real time."""
    wall_ns: int | None
    random_state: tuple[object, ...] | None
    """``random.Random.getstate()`` of the seeded stream; None without a seed."""
    control_address: int | None
    output: OutputState
    interop: InteropState
