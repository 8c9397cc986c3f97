"""Loading a reactor: read the source, check it is a Go WASI reactor, compile.

Checks run on the bytes before wasmtime sees them (:mod:`reactor_frame.wasmfile`),
so a wrong file gets a precise :class:`InvalidModuleError` with a hint on how
to build a reactor, not a compiler message.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path
from typing import Any, Union

import wasmtime

from .. import abi
from ..errors import InvalidModuleError
from ..wasmfile import Extern, GlobalType, WasmFormatError, export_globals, read_wasm, wasm_signature
from .causes import cause_line
from .engine import ReactorEngine
from .identity import count_global_exports, defined_globals

Source = Union[str, os.PathLike, bytes, bytearray, memoryview, wasmtime.Module]

BUILD_HINT = (
    "Build a reactor with `reactor-frame build PKGDIR -o OUT.wasm` (stock Go >= 1.24): "
    "it adds go_start_main and go_tick, which a plain `go build -buildmode=c-shared` "
    "does not export."
)


class ModuleExports:
    """Export info of an already compiled module, shaped like ``WasmInfo``
    (``imports`` and ``globals`` are read on first use: snapshots need them,
    start-up does not)."""

    def __init__(self, module: wasmtime.Module) -> None:
        self._module = module
        self.exports: dict[str, Extern] = {}
        for exp in module.exports:
            ty = exp.type
            if isinstance(ty, wasmtime.FuncType):
                self.exports[exp.name] = Extern(exp.name, "func", "", wasm_signature(ty))
            else:
                self.exports[exp.name] = Extern(exp.name, _kind(ty))

    @functools.cached_property
    def imports(self) -> list[Extern]:
        return [Extern(imp.name or "", _kind(imp.type), imp.module) for imp in self._module.imports]

    @functools.cached_property
    def globals(self) -> list[GlobalType]:
        """Imported globals, then the exported ones of its own (snapshots
        need all of its own exported)."""
        found = [GlobalType(str(imp.type.content), bool(imp.type.mutable))
                 for imp in self._module.imports if isinstance(imp.type, wasmtime.GlobalType)]
        types = {exp.name: exp.type for exp in self._module.exports}
        for k in range(count_global_exports(self)):
            ty = types.get(f"{abi.GLOBAL_EXPORT_PREFIX}{k}")
            if not isinstance(ty, wasmtime.GlobalType):
                break
            found.append(GlobalType(str(ty.content), bool(ty.mutable)))
        return found


def _kind(ty: Any) -> str:
    for kind, cls in (("func", wasmtime.FuncType), ("memory", wasmtime.MemoryType),
                      ("global", wasmtime.GlobalType), ("table", wasmtime.TableType)):
        if isinstance(ty, cls):
            return kind
    return "other"


def source_name(source: Source) -> str:
    """A reactor's default name: the file name of a path, else "reactor"."""
    return Path(source).name if isinstance(source, (str, os.PathLike)) else "reactor"


def load_module(source: Source, engine: ReactorEngine, *, snapshots: bool = False,
                name: str | None = None) -> tuple[wasmtime.Module, Any, str | None]:
    """The compiled module of ``source``, its export info (``WasmInfo`` or
    :class:`ModuleExports`) and the SHA-256 of its bytes (None for a compiled
    module). With ``snapshots``, bytes whose globals are not exported get the
    exports added first. ``name`` names the module in compile progress
    (default: the file name). Raises :class:`InvalidModuleError` when it is not a
    readable Go WASI reactor, ``TypeError`` for a source of the wrong type."""
    if isinstance(source, wasmtime.Module):
        exports = ModuleExports(source)
        # Kinds and types matter: guest calls go through unchecked C calls.
        missing = abi.missing_reactor_exports(exports)  # type: ignore[arg-type]
        if missing:
            raise InvalidModuleError(missing_message("the module", missing, "_start" in exports.exports))
        return source, exports, None
    if isinstance(source, (str, os.PathLike)):
        path = Path(source)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            raise InvalidModuleError(f"{path}: no such file") from None
        except IsADirectoryError:
            raise InvalidModuleError(f"{path}: is a directory, not a .wasm file") from None
        except OSError as exc:
            raise InvalidModuleError(f"{path}: cannot read: {exc.strerror}") from None
        label, short = str(path), path.name
    elif isinstance(source, (bytes, bytearray, memoryview)):
        data = bytes(source)
        label, short = "the module bytes", "module"
    else:
        raise TypeError(
            f"Reactor source must be a path, bytes or wasmtime.Module, not {type(source).__name__}"
        )
    try:
        info = read_wasm(data)
    except WasmFormatError as exc:
        raise InvalidModuleError(f"{label}: {exc}") from None
    missing = abi.missing_reactor_exports(info)
    if missing:
        raise InvalidModuleError(missing_message(label, missing, "_start" in info.exports))
    if snapshots and count_global_exports(info) < len(defined_globals(info)):
        try:
            data = export_globals(data, abi.GLOBAL_EXPORT_PREFIX)
            info = read_wasm(data)
        except WasmFormatError as exc:
            raise InvalidModuleError(f"{label}: cannot export its globals for snapshots: {exc}") from None
    try:
        module, digest = engine.compile_with_digest(data, name or short)
    except wasmtime.WasmtimeError as exc:
        raise InvalidModuleError(f"{label}: not a valid WebAssembly module: {cause_line(exc)}") from None
    return module, info, digest


def missing_message(label: str, missing: list[str], is_command: bool) -> str:
    """Why ``label`` is not a reactor, and how to build one."""
    what = "a plain WASI command (it exports _start)" if is_command else "not a Go WASI reactor"
    if not is_command and "_initialize" not in missing:
        what = ("a WASI library, not a Go reactor (a stock `go build -buildmode=c-shared` "
                "makes these)")
    return (f"{label} is {what}: the reactor exports {', '.join(missing)} are missing or "
            f"of the wrong type. {BUILD_HINT}")


def instantiate_error(name: str, exc: BaseException) -> InvalidModuleError:
    """The error for a failed instantiation of reactor ``name``."""
    if isinstance(exc, wasmtime.ExitTrap):
        return InvalidModuleError(
            f"cannot instantiate {name}: its start function exited with code {exc.code}")
    if isinstance(exc, wasmtime.Trap):  # not a WasmtimeError: a start function trapped
        return InvalidModuleError(
            f"cannot instantiate {name}: its start function trapped: {cause_line(exc)}")
    text = cause_line(exc)
    if "import" in text:
        return InvalidModuleError(
            f"cannot instantiate {name}: {text}. Provide the missing host "
            "functions with imports={'module': {'name': callable}}.")
    if "exceeds memory limits" in text:
        return InvalidModuleError(
            f"cannot instantiate {name}: {text}: max_memory_mb is below the memory "
            "the module starts with; raise it")
    return InvalidModuleError(f"cannot instantiate {name}: {text}")

