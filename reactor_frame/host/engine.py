"""The wasmtime engine reactors run on, and its compiled-module cache.

Reactors need two engine settings: epoch interruption (the watchdog stops a
guest call that spins) and memory that never moves (so views of guest memory
and the control block stay valid while memory grows). ``ReactorEngine`` makes
an engine with both and owns a :class:`ModuleCache`; one engine can serve any
number of reactors, and sharing it shares compiled code: an engine keeps one
compiled module per module content (SHA-256) while any reactor uses it, so
``Reactor(path)`` a hundred times maps the code once.

``ReactorEngine(watchdog=False)`` is the fast configuration: no epoch checks
in the compiled code (guest compute runs as on a default wasmtime engine, see
docs/performance.md), and no reactor on it can have a ``tick_timeout``.
"""

from __future__ import annotations

import hashlib
import threading
import time
import weakref
from pathlib import Path
from typing import Literal

import wasmtime

from ..errors import ReactorError
from .module_cache import ModuleCache, default_cache_dir
from .progress import CompileEvent, CompileProgress, log_compile
from .traphandlers import restore_trap_handlers

OptLevel = Literal["none", "speed", "speed_and_size"]


class ReactorEngine:
    """A wasmtime engine configured for reactors, with a compiled-module cache.

    ``cache_dir=None`` uses the user cache directory (``$REACTOR_FRAME_CACHE``,
    else ``$XDG_CACHE_HOME/reactor-frame``, else ``~/.cache/reactor-frame``);
    ``cache=False`` disables caching. ``watchdog=False`` compiles without
    epoch checks (faster guest compute; reactors on it need
    ``tick_timeout=None``). ``opt_level`` is Cranelift's optimisation level.
    ``progress`` is called when a module is compiled (not when it is loaded
    from the cache or shared); compiles are also logged on the
    ``reactor_frame.compile`` logger at INFO.
    """

    def __init__(self, *, cache: bool = True, cache_dir: str | Path | None = None,
                 watchdog: bool = True, opt_level: OptLevel = "speed",
                 progress: CompileProgress | None = None) -> None:
        config = wasmtime.Config()
        config.epoch_interruption = watchdog
        config.memory_may_move = False
        config.cranelift_opt_level = opt_level
        self.watchdog = watchdog
        """Whether the compiled code checks epochs (reactors may have a watchdog)."""
        self.opt_level: OptLevel = opt_level
        self.progress = progress
        """Called with a :class:`CompileEvent` when compiling starts and ends."""
        self.wasmtime = wasmtime.Engine(config)
        restore_trap_handlers()  # records wasmtime's handlers the first time
        salt = _CONFIG_SALT if (watchdog, opt_level) == (True, "speed") else \
            f"epoch={int(watchdog)};memory_may_move=0;opt={opt_level}".encode()
        self.cache = ModuleCache(cache_dir or default_cache_dir(), salt=salt) if cache else None
        self._shared: weakref.WeakValueDictionary[str, wasmtime.Module] = weakref.WeakValueDictionary()
        self._lock = threading.Lock()

    def compile(self, wasm: bytes, name: str = "module") -> wasmtime.Module:
        """Compile ``wasm``, or load it from the cache when compiled before.
        Raises :class:`wasmtime.WasmtimeError` for invalid modules."""
        return self.compile_with_digest(wasm, name)[0]

    def compile_with_digest(self, wasm: bytes, name: str = "module") -> tuple[wasmtime.Module, str]:
        """``compile``, also returning the SHA-256 (hex) of ``wasm``. A module
        this engine already holds for another reactor is returned as is."""
        digest = hashlib.sha256(wasm).hexdigest()
        with self._lock:  # one compile per content, also across threads
            module = self._shared.get(digest)
            if module is None:
                module = self._load_or_compile(wasm, digest, name)
                self._shared[digest] = module
        return module, digest

    def check_watchdog(self, tick_timeout: float | None) -> None:
        """Raise :class:`WatchdogUnavailableError` when ``tick_timeout`` is
        set on an engine without epoch checks."""
        if tick_timeout is not None and not self.watchdog:
            raise WatchdogUnavailableError(
                f"tick_timeout={tick_timeout!r} needs the watchdog, and this ReactorEngine was "
                "made with watchdog=False (no epoch checks in its code): pass tick_timeout=None, "
                "or use an engine with watchdog=True (the default)")

    def _load_or_compile(self, wasm: bytes, digest: str, name: str) -> wasmtime.Module:
        key = self.cache.key_for_digest(digest) if self.cache is not None else ""
        if self.cache is not None:
            module = self.cache.load(self.wasmtime, key)
            if module is not None:
                return module
        self._notify(CompileEvent(name, "start", 0.0, len(wasm)))
        started = time.perf_counter()
        module = wasmtime.Module(self.wasmtime, wasm)
        self._notify(CompileEvent(name, "done", time.perf_counter() - started, len(wasm)))
        if self.cache is not None:
            self.cache.store(key, module)
        return module

    def _notify(self, event: CompileEvent) -> None:
        log_compile(event)
        if self.progress is not None:
            self.progress(event)


class WatchdogUnavailableError(ReactorError, ValueError):
    """A reactor asked for a watchdog on an engine made with ``watchdog=False``."""


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
