"""The wasmtime engine reactors run on, and its compiled-module cache.

Reactors need two engine settings: epoch interruption (the watchdog stops a
guest call that spins) and memory that never moves (so views of guest memory
and the control block stay valid while memory grows). ``ReactorEngine`` makes
an engine with both and owns a :class:`ModuleCache`; one engine can serve any
number of reactors, and sharing it shares compiled code.
"""

from __future__ import annotations

import hashlib
import threading
from pathlib import Path

import wasmtime

from .module_cache import ModuleCache, default_cache_dir


class ReactorEngine:
    """A wasmtime engine configured for reactors, with a compiled-module cache.

    ``cache_dir=None`` uses the user cache directory (``$REACTOR_FRAME_CACHE``,
    else ``$XDG_CACHE_HOME/reactor-frame``, else ``~/.cache/reactor-frame``);
    ``cache=False`` disables caching.
    """

    def __init__(self, *, cache: bool = True, cache_dir: str | Path | None = None) -> None:
        config = wasmtime.Config()
        config.epoch_interruption = True
        config.memory_may_move = False
        self.wasmtime = wasmtime.Engine(config)
        self.cache = ModuleCache(cache_dir or default_cache_dir(), salt=_CONFIG_SALT) if cache else None

    def compile(self, wasm: bytes) -> wasmtime.Module:
        """Compile ``wasm``, or load it from the cache when compiled before.
        Raises :class:`wasmtime.WasmtimeError` for invalid modules."""
        return self.compile_with_digest(wasm)[0]

    def compile_with_digest(self, wasm: bytes) -> tuple[wasmtime.Module, str]:
        """``compile``, also returning the SHA-256 (hex) of ``wasm``, which
        the cache computes anyway."""
        if self.cache is not None:
            key = self.cache.key(wasm)
            return self.cache.load_or_compile_keyed(self.wasmtime, wasm, key), key.rsplit("-", 1)[1]
        return wasmtime.Module(self.wasmtime, wasm), hashlib.sha256(wasm).hexdigest()


#: Part of every cache key: a change to the engine settings above must not
#: load code compiled under the old ones.
_CONFIG_SALT = b"epoch=1;memory_may_move=0"

_default: ReactorEngine | None = None
_default_lock = threading.Lock()


def default_engine() -> ReactorEngine:
    """The process-wide engine used when a reactor is given none."""
    global _default
    with _default_lock:
        if _default is None:
            _default = ReactorEngine()
        return _default
