"""Records the guest publishes with ``guest.Share``, read in place.

The guest tells the host where a slice lives (address, length, element
size) each time it calls ``Share``; :class:`SharedBuffer` looks that up on
every access, so it follows re-shares and never holds a stale address.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..errors import InteropError, ReactorClosedError
from .optional import require_numpy

if TYPE_CHECKING:
    from ..host.reactor import Reactor


@dataclass(frozen=True)
class SharedRecords:
    """Where one shared slice lives, as of the guest's last ``Share``."""

    address: int
    count: int
    stride: int


class SharedRegistry:
    """The latest ``Share`` of every name, updated by the guest's calls."""

    def __init__(self) -> None:
        self.records: dict[str, SharedRecords] = {}

    def share(self, name: str, address: int, count: int, stride: int) -> None:
        """The host side of ``guest.Share``."""
        self.records[name] = SharedRecords(address, count, stride)


class SharedBuffer:
    """A live handle on the records the guest shares as ``name``
    (``Reactor.shared(name)``).

    Every property and view reflects the guest's latest ``Share`` and the
    memory's current size. Views are zero-copy and writable; take fresh ones
    each frame: a view taken before the guest re-shared shows the old array,
    which the guest may since have freed and reused.
    """

    def __init__(self, reactor: "Reactor", registry: SharedRegistry, name: str) -> None:
        self._reactor = reactor
        self._registry = registry
        self.name = name
        self._current()  # fail now if the guest never shared it

    def _current(self) -> SharedRecords:
        self._reactor.check_open()
        found = self._registry.records.get(self.name)
        if found is None:
            names = ", ".join(repr(n) for n in sorted(self._registry.records)) or "none yet"
            raise InteropError(
                f"{self._reactor.name}: the guest has not shared {self.name!r} (shared: {names}); "
                f"it publishes records with guest.Share({self.name!r}, slice), usually after "
                "main has started: step the reactor first"
            )
        return found

    @property
    def count(self) -> int:
        """Number of records."""
        return self._current().count

    @property
    def stride(self) -> int:
        """Size of one record in bytes (Go's ``unsafe.Sizeof``)."""
        return self._current().stride

    @property
    def address(self) -> int:
        """Guest address of the first record."""
        return self._current().address

    @property
    def nbytes(self) -> int:
        """Size of all records in bytes."""
        records = self._current()
        return records.count * records.stride

    def memoryview(self) -> memoryview:
        """A zero-copy, writable memoryview of all records (bytes)."""
        records = self._current()
        return self._reactor.mem.view(records.address, records.count * records.stride)

    def array(self, dtype: Any = None) -> Any:
        """A zero-copy, writable numpy array of the records (needs numpy).

        With a structured dtype of the record's size (build it with
        ``align=True`` to match Go's layout), one item per record. With a
        plain dtype whose size divides the record size, shape
        ``(count, stride // itemsize)``, or ``(count,)`` when equal. Without
        a dtype, ``uint8`` of shape ``(count, stride)``.
        """
        np = require_numpy("SharedBuffer.array")
        records = self._current()
        flat = np.frombuffer(self._reactor.mem.view(records.address, records.count * records.stride),
                             dtype="u1")
        if dtype is None:
            return flat.reshape(records.count, records.stride)
        dt = np.dtype(dtype)
        if dt.itemsize == records.stride:
            return flat.view(dt)
        if dt.fields is None and records.stride % dt.itemsize == 0:
            return flat.view(dt).reshape(records.count, records.stride // dt.itemsize)
        raise InteropError(
            f"{self._reactor.name}: shared {self.name!r} has records of {records.stride} bytes; "
            f"dtype {dt} is {dt.itemsize} bytes (a structured dtype must have the record's "
            "size, e.g. np.dtype([...], align=True); a plain one must divide it)"
        )

    def __repr__(self) -> str:
        try:
            r = self._current()
        except ReactorClosedError:
            return f"<SharedBuffer {self.name!r} (closed)>"
        return f"<SharedBuffer {self.name!r}: {r.count} x {r.stride} bytes at {r.address:#x}>"
