"""Check that a built reactor loads: what ``go build`` accepts wasmtime may not
(a main package exporting ``_initialize`` itself gives a duplicate export)."""

from __future__ import annotations

from pathlib import Path

import wasmtime

from ..errors import BuildError
from ..host.causes import cause_line
from ..host.engine import default_engine


def verify_loads(output: Path, data: bytes) -> None:
    """Compile ``data`` (the bytes of ``output``) on the default engine, which
    caches the code for the first run, and instantiate it without running any
    guest code; imports other than WASI are stubbed. On failure ``output`` is
    removed and :class:`BuildError` raised with wasmtime's cause."""
    engine = default_engine()
    try:
        module = engine.compile(data, output.name)
        linker = wasmtime.Linker(engine.wasmtime)
        linker.define_wasi()
        linker.define_unknown_imports_as_traps(module)
        store = wasmtime.Store(engine.wasmtime)
        store.set_wasi(wasmtime.WasiConfig())
        store.set_epoch_deadline(1 << 62)
        linker.instantiate(store, module)
    except (wasmtime.WasmtimeError, wasmtime.Trap) as exc:
        output.unlink(missing_ok=True)
        raise BuildError(
            f"go build wrote {output}, but it cannot be loaded: {cause_line(exc)}. "
            "The file was removed."
        ) from None
