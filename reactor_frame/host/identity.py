"""What identifies a module for snapshots: its bytes, its import/export
names, its reactor ABI features and the layout of its globals."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from .. import abi


@dataclass(frozen=True)
class ModuleIdentity:
    """What a snapshot checks before it is restored into a reactor.

    ``sha256`` is the digest of the module's bytes (None when the reactor
    was given a compiled ``wasmtime.Module``); ``shape`` a digest of its
    import and export names, which is compared when either digest is
    missing. ``globals`` are the value types of the module's own globals,
    empty when they are not all exported (then it cannot take snapshots).
    """

    sha256: str | None
    shape: str
    tick_for: bool
    control: bool
    globals: tuple[str, ...]


def count_global_exports(info: Any) -> int:
    """How many ``reactor_frame_global_N`` exports ``info`` lists."""
    return sum(1 for name in info.exports if name.startswith(abi.GLOBAL_EXPORT_PREFIX))


def defined_globals(info: Any) -> list[Any]:
    """The globals a module defines itself (``info.globals`` lists imports first)."""
    imported = sum(1 for imp in info.imports if imp.kind == "global")
    return list(info.globals[imported:])


def module_identity(info: Any, digest: str | None) -> ModuleIdentity:
    """The identity of a module from what the loader read of it (a
    ``WasmInfo``, or the reactor's view of a compiled module) and the digest
    of its bytes."""
    names = sorted(f"{e.kind}:{e.name}" for e in info.exports.values())
    names += sorted(f"import:{e.module}.{e.name}" for e in info.imports)
    shape = hashlib.sha256("\n".join(names).encode()).hexdigest()
    features = abi.features(info)
    defined = [g.valtype for g in defined_globals(info)]
    if count_global_exports(info) != len(defined):
        defined = []
    return ModuleIdentity(digest, shape, features.tick_for, features.control, tuple(defined))
