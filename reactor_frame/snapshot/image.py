"""``ReactorSnapshot``: one moment of a reactor, immutable."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from ..host.hoststate import HostState
from ..host.identity import ModuleIdentity
from . import codec


@dataclass(frozen=True, eq=False)
class ReactorSnapshot:
    """A reactor between two guest calls: guest memory, globals, host state.

    Taken with :meth:`Reactor.snapshot`; restored with :meth:`Reactor.restore`
    or :meth:`Reactor.from_snapshot`; serialised with :meth:`to_bytes`.
    """

    module: ModuleIdentity
    """The module, ABI features and global layout it belongs to."""
    memory: bytes
    """Guest linear memory."""
    globals: tuple[int, ...]
    """Values of the module's globals, in index order."""
    host: HostState
    real_time: bool
    """Taken on a real clock (``allow_real_time=True``): timers are kept
    relative to the moment of restoring."""
    host_files: bool
    """Taken while preopened files or stdin were open (``allow_host_files=True``):
    their offsets did not travel."""

    @cached_property
    def data_runs(self) -> tuple[tuple[int, int], ...]:
        """(start, end) byte ranges of memory holding non-zero bytes, at
        :data:`CHUNK` granularity; a Go heap is mostly zeros, and only these
        ranges are stored by :meth:`to_bytes` or copied into fresh memory."""
        return nonzero_runs(self.memory)

    @property
    def memory_size(self) -> int:
        """Guest memory size in bytes."""
        return len(self.memory)

    @property
    def clock_ns(self) -> int | None:
        """Virtual clock time when taken; None on real time."""
        return self.host.clock_ns

    @property
    def exit_code(self) -> int | None:
        """The guest's exit code when taken (None while running)."""
        return self.host.exit_code

    def to_bytes(self, compression: str | None = "zlib", level: int | None = None) -> bytes:
        """Serialise: versioned, self-describing and checksummed. Memory is
        compressed with ``"zlib"`` (default), ``"zstd"`` (needs the
        ``zstd`` extra: ``zstandard``) or not at all (``None``)."""
        return codec.encode(self, compression, level)

    @classmethod
    def from_bytes(cls, data: bytes | bytearray | memoryview) -> ReactorSnapshot:
        """Read what :meth:`to_bytes` wrote. Raises :class:`SnapshotFormatError`
        (not a snapshot, truncated, corrupt) or :class:`SnapshotVersionError`."""
        return cls(**codec.decode(bytes(data)))

    def __repr__(self) -> str:
        when = f"t={self.clock_ns}ns" if self.clock_ns is not None else "real time"
        state = "exited" if self.host.exited else "running"
        return f"<ReactorSnapshot {len(self.memory) >> 10} KiB {when} {state}>"


#: Granularity of :attr:`ReactorSnapshot.data_runs`.
CHUNK = 4096
_ZERO = bytes(CHUNK)


def nonzero_runs(memory: bytes) -> tuple[tuple[int, int], ...]:
    """(start, end) ranges covering every non-zero ``CHUNK`` of ``memory``."""
    runs: list[tuple[int, int]] = []
    start = None
    size = len(memory)
    for offset in range(0, size, CHUNK):
        end = min(offset + CHUNK, size)
        if memory.startswith(_ZERO[:end - offset], offset, end):  # compares in place
            if start is not None:
                runs.append((start, offset))
                start = None
        elif start is None:
            start = offset
    if start is not None:
        runs.append((start, size))
    return tuple(runs)
