"""The Go WASI reactor ABI: export names, result codes and module kinds.

The seed ABI is ``_initialize``, ``go_start_main``, ``go_tick`` and
``memory``. Binaries from ``reactor-frame build`` add optional extensions,
which the host detects from the exports and falls back from when absent:

``go_tick_for(budget_ns: i64) -> i32``
    run goroutines until the budget is spent or nothing is runnable.
``go_reactor_control() -> i32``
    address of a control block in guest memory (see :mod:`reactor_frame.host.control`):
    whether main returned, the exact next-timer delay, turns and rounds per
    tick, and a host-written virtual clock.
``go_tick_until(target_ns: i64, max_rounds: i64) -> i32`` and ``go_virtual_now() -> i64``
    virtual-time fast-forward (see :mod:`reactor_frame.scheduling.fastforward`).
``go_reactor_restored() -> ()`` and ``reactor_frame_global_N`` (globals)
    used by snapshots (see :mod:`reactor_frame.snapshot`).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from .wasmfile import FuncType, WasmInfo

INITIALIZE = "_initialize"
START_MAIN = "go_start_main"
TICK = "go_tick"
MEMORY = "memory"
TICK_FOR = "go_tick_for"
CONTROL = "go_reactor_control"
TICK_UNTIL = "go_tick_until"
VIRTUAL_NOW = "go_virtual_now"
RESTORED = "go_reactor_restored"
#: Prefix of the exports the build tool adds for the module's globals
#: (``reactor_frame_global_0``...), which snapshots save and restore.
GLOBAL_EXPORT_PREFIX = "reactor_frame_global_"

#: export -> required function type
SEED_EXPORTS: dict[str, FuncType] = {
    INITIALIZE: FuncType((), ()),
    START_MAIN: FuncType((), ()),
    TICK: FuncType((), ("i32",)),
}
EXTENSION_EXPORTS: dict[str, FuncType] = {
    TICK_FOR: FuncType(("i64",), ("i32",)),
    CONTROL: FuncType((), ("i32",)),
    TICK_UNTIL: FuncType(("i64", "i64"), ("i32",)),
    VIRTUAL_NOW: FuncType((), ("i64",)),
}


class LoopResult(enum.IntEnum):
    """The two named results of ``go_tick``; any positive value is a timer
    delay in milliseconds and is returned as a plain ``int``."""

    IDLE = -1
    """No runnable goroutine and no pending timer: safe to stop."""
    READY = 0
    """A goroutine is runnable: call again at once."""


class ModuleKind(enum.Enum):
    """What a module is, judged from its exports."""

    EXTENDED_REACTOR = "extended reactor (reactor-frame runtime)"
    SEED_REACTOR = "seed-ABI reactor"
    WASI_COMMAND = "plain WASI command"
    NOT_A_REACTOR = "not a reactor"


@dataclass(frozen=True)
class Features:
    """Which optional ABI extensions a reactor exports."""

    tick_for: bool
    control: bool
    fast_forward: bool = False
    """``go_tick_until`` and ``go_virtual_now``, both of the right type."""


def missing_reactor_exports(info: WasmInfo) -> list[str]:
    """Names of seed-ABI exports that are absent or of the wrong kind/type."""
    missing = []
    for name, ftype in SEED_EXPORTS.items():
        ext = info.exports.get(name)
        if ext is None or ext.kind != "func" or (ext.functype and ext.functype != ftype):
            missing.append(name)
    mem = info.exports.get(MEMORY)
    if mem is None or mem.kind != "memory":
        missing.append(MEMORY)
    return missing


def features(info: WasmInfo) -> Features:
    """Detect the optional extensions (each must have the right type: guest
    calls go through unchecked C calls)."""

    def has(name: str) -> bool:
        ext = info.exports.get(name)
        return ext is not None and ext.kind == "func" and ext.functype == EXTENSION_EXPORTS[name]

    return Features(tick_for=has(TICK_FOR), control=has(CONTROL),
                    fast_forward=has(TICK_UNTIL) and has(VIRTUAL_NOW))


def classify(info: WasmInfo) -> ModuleKind:
    if not missing_reactor_exports(info):
        f = features(info)
        return ModuleKind.EXTENDED_REACTOR if (f.tick_for and f.control) else ModuleKind.SEED_REACTOR
    if "_start" in info.exports:
        return ModuleKind.WASI_COMMAND
    return ModuleKind.NOT_A_REACTOR
