"""A cache of compiled modules on disk, so a second start does not recompile.

An entry is wasmtime's serialized native code, keyed by the SHA-256 of the
wasm bytes, the wasmtime version and the engine settings. Each entry carries
the SHA-256 of its own bytes in its file name; an entry whose bytes do not
match (corrupt, truncated) or that wasmtime refuses (stale) is ignored and
replaced. Writes go through a temporary file and an atomic rename, so
concurrent processes never read half an entry.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from importlib import metadata
from pathlib import Path

import wasmtime


def default_cache_dir() -> Path:
    """``$REACTOR_FRAME_CACHE``, else ``$XDG_CACHE_HOME/reactor-frame``, else
    ``~/.cache/reactor-frame``."""
    explicit = os.environ.get("REACTOR_FRAME_CACHE")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "reactor-frame"


def _wasmtime_version() -> str:
    try:
        return metadata.version("wasmtime")
    except metadata.PackageNotFoundError:  # pragma: no cover - vendored wasmtime
        return "unknown"


class ModuleCache:
    """Compiled modules on disk under ``directory``."""

    def __init__(self, directory: str | Path, salt: bytes = b"") -> None:
        self.directory = Path(directory)
        self._prefix = hashlib.sha256(_wasmtime_version().encode() + b"\0" + salt).hexdigest()[:16]
        self.hits = 0
        self.misses = 0

    def key(self, wasm: bytes) -> str:
        """The cache key of ``wasm``: content hash plus version and settings."""
        return self._prefix + "-" + hashlib.sha256(wasm).hexdigest()

    def _entries(self, key: str) -> list[Path]:
        try:
            return sorted(self.directory.glob(key + ".*.cwasm"))
        except OSError:
            return []

    def key_for_digest(self, digest: str) -> str:
        """``key(wasm)`` from the SHA-256 (hex) of ``wasm``."""
        return self._prefix + "-" + digest

    def load(self, engine: wasmtime.Engine, key: str) -> wasmtime.Module | None:
        """The cached module of ``key``, or None (a miss is counted)."""
        for entry in self._entries(key):
            module = self._load(engine, entry)
            if module is not None:
                self.hits += 1
                return module
        self.misses += 1
        return None

    def store(self, key: str, module: wasmtime.Module) -> None:
        """Keep ``module`` under ``key`` (a failure to write only costs speed)."""
        self._store(key, module)

    def load_or_compile(self, engine: wasmtime.Engine, wasm: bytes) -> wasmtime.Module:
        return self.load_or_compile_keyed(engine, wasm, self.key(wasm))

    def load_or_compile_keyed(self, engine: wasmtime.Engine, wasm: bytes, key: str) -> wasmtime.Module:
        """``load_or_compile`` with the key already computed (``key(wasm)``)."""
        module = self.load(engine, key)
        if module is None:
            module = wasmtime.Module(engine, wasm)
            self._store(key, module)
        return module

    def _load(self, engine: wasmtime.Engine, entry: Path) -> wasmtime.Module | None:
        expected = entry.name.rsplit(".", 2)[-2]
        try:
            digest = hashlib.sha256(entry.read_bytes()).hexdigest()
        except OSError:
            return None
        if digest[:32] != expected:
            self._discard(entry)
            return None
        # Entries are only ever written whole and renamed into place, and a
        # name holds its content's hash, so the file checked above is the
        # file wasmtime maps here (no copy through Python).
        try:
            return wasmtime.Module.deserialize_file(engine, str(entry))
        except wasmtime.WasmtimeError:
            self._discard(entry)
            return None

    def _store(self, key: str, module: wasmtime.Module) -> None:
        try:
            blob = module.serialize()
            self.directory.mkdir(parents=True, exist_ok=True)
            digest = hashlib.sha256(blob).hexdigest()[:32]
            fd, tmp = tempfile.mkstemp(dir=self.directory, prefix=".tmp-")
            with os.fdopen(fd, "wb") as f:
                f.write(blob)
            os.replace(tmp, self.directory / f"{key}.{digest}.cwasm")
        except (OSError, wasmtime.WasmtimeError):
            return  # a cache that cannot be written only costs speed

    @staticmethod
    def _discard(entry: Path) -> None:
        try:
            entry.unlink()
        except OSError:
            pass
