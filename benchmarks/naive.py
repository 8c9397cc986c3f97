"""The baseline host: a go_tick driven through plain wasmtime-py calls."""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence

import wasmtime


class NaiveGuest:
    """A program instantiated in its own plain ``wasmtime.Store`` and driven
    through ``Func.__call__``, as a straightforward wasmtime-py host would.

    It shares ``engine`` (so the compiled ``module``) with the reactors it is
    compared to, so both run identical machine code; the store's epoch
    deadline is set out of reach since that engine has epoch interruption on.
    Guest output is discarded.
    """

    def __init__(self, engine: wasmtime.Engine, module: wasmtime.Module,
                 argv: Sequence[str]) -> None:
        self.store = wasmtime.Store(engine)
        self.store.set_epoch_deadline(1 << 62)
        wasi = wasmtime.WasiConfig()
        wasi.argv = list(argv)
        self.store.set_wasi(wasi)
        linker = wasmtime.Linker(engine)
        linker.define_wasi()
        exports = linker.instantiate(self.store, module).exports(self.store)
        self.go_tick: wasmtime.Func = exports["go_tick"]  # type: ignore[assignment]
        exports["_initialize"](self.store)  # type: ignore[operator]
        exports["go_start_main"](self.store)  # type: ignore[operator]
        self.tick: Callable[[], int] = functools.partial(self.go_tick, self.store)
        """One ``go_tick`` call, ``go_tick(store)``, bound."""

    def settle(self, limit: int = 100_000) -> int:
        """Tick while the guest reports runnable goroutines; the last result."""
        result = 0
        for _ in range(limit):
            result = self.tick()
            if result != 0:
                break
        return result

    def close(self) -> None:
        self.store.close()
