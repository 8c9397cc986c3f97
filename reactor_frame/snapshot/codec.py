"""The byte format of a snapshot.

Layout (little-endian)::

    magic     8 bytes  b"RFSNAP\\r\\n"
    version   u32      FORMAT_VERSION
    codec     u32      0 none, 1 zlib, 2 zstd (guest memory only)
    meta_len  u64      length of the JSON metadata
    data_len  u64      length of the (compressed) guest memory
    meta      JSON     module identity, globals, host state, sizes
    data      bytes    the non-zero ranges of guest memory (``runs`` in meta), concatenated
    sha256    32 bytes over everything before it

The magic and version are read first, so a later format is reported as
such rather than as corruption; the checksum catches truncation and damage.
"""

from __future__ import annotations

import base64
import hashlib
import json
import struct
import zlib
from typing import TYPE_CHECKING, Any

from ..errors import SnapshotError, SnapshotFormatError, SnapshotVersionError
from ..host.hoststate import HostState, InteropState, OutputState
from ..host.identity import ModuleIdentity

if TYPE_CHECKING:
    from .image import ReactorSnapshot

MAGIC = b"RFSNAP\r\n"
FORMAT_VERSION = 1
_HEAD = struct.Struct("<8sIIQQ")
_DIGEST = 32
_CODECS = {None: 0, "zlib": 1, "zstd": 2}
_NAMES = {v: k for k, v in _CODECS.items()}


def encode(snap: "ReactorSnapshot", compression: str | None, level: int | None) -> bytes:
    if compression not in _CODECS:
        raise ValueError(f"compression must be 'zlib', 'zstd' or None, not {compression!r}")
    view = memoryview(snap.memory)
    data = _compress(b"".join(view[a:b] for a, b in snap.data_runs), compression, level)
    meta = json.dumps(_meta(snap), separators=(",", ":"), sort_keys=True).encode()
    head = _HEAD.pack(MAGIC, FORMAT_VERSION, _CODECS[compression], len(meta), len(data))
    h = hashlib.sha256(head)
    h.update(meta)
    h.update(data)
    return b"".join((head, meta, data, h.digest()))


def decode(blob: bytes) -> dict[str, Any]:
    """The fields of the ``ReactorSnapshot`` that ``blob`` holds."""
    if len(blob) < len(MAGIC) or blob[:len(MAGIC)] != MAGIC:
        raise SnapshotFormatError("not a reactor-frame snapshot (wrong magic bytes)")
    if len(blob) < _HEAD.size:
        raise SnapshotFormatError(f"truncated snapshot: {len(blob)} bytes, shorter than its header")
    _, version, codec, meta_len, data_len = _HEAD.unpack_from(blob)
    if version != FORMAT_VERSION:
        raise SnapshotVersionError(
            f"snapshot format version {version}; this reactor-frame reads version {FORMAT_VERSION}. "
            "Load it with the reactor-frame release that wrote it")
    expected = _HEAD.size + meta_len + data_len + _DIGEST
    if len(blob) != expected:
        raise SnapshotFormatError(
            f"truncated or padded snapshot: {len(blob)} bytes, its header says {expected}")
    if hashlib.sha256(blob[:-_DIGEST]).digest() != blob[-_DIGEST:]:
        raise SnapshotFormatError("snapshot checksum mismatch: the data is damaged")
    if codec not in _NAMES:
        raise SnapshotFormatError(f"unknown compression id {codec}")
    meta_end = _HEAD.size + meta_len
    try:
        meta = json.loads(blob[_HEAD.size:meta_end])
        memory = _inflate(_decompress(blob[meta_end:meta_end + data_len], _NAMES[codec]),
                          meta["runs"], meta["memory_size"])
        fields = _from_meta(meta, memory)
    except SnapshotError:
        raise
    except (ValueError, KeyError, TypeError, zlib.error) as exc:
        raise SnapshotFormatError(f"malformed snapshot contents: {exc}") from None
    return fields


def _inflate(data: bytes, runs: list[list[int]], size: int) -> bytes:
    """Guest memory of ``size`` bytes from its non-zero ``runs`` (one
    allocation: fresh pages are costly to touch)."""
    zeros = memoryview(bytes(size))
    source = memoryview(data)
    pieces: list[memoryview] = []
    pos = end = 0
    for start, stop in runs:
        if not end <= start < stop <= size or pos + stop - start > len(data):
            raise SnapshotFormatError("snapshot memory ranges do not match its data")
        pieces += (zeros[:start - end], source[pos:pos + stop - start])
        pos += stop - start
        end = stop
    if pos != len(data):
        raise SnapshotFormatError("snapshot memory ranges do not match its data")
    pieces.append(zeros[:size - end])
    return b"".join(pieces)


def _compress(memory: bytes, compression: str | None, level: int | None) -> bytes:
    if compression == "zlib":
        return zlib.compress(memory, 1 if level is None else level)
    if compression == "zstd":
        return _zstd().ZstdCompressor(level=1 if level is None else level).compress(memory)
    return memory


def _decompress(data: bytes, compression: str | None) -> bytes:
    if compression == "zlib":
        return zlib.decompress(data)
    if compression == "zstd":
        zstd = _zstd()
        try:
            return bytes(zstd.ZstdDecompressor().decompress(data))
        except zstd.ZstdError as exc:
            raise SnapshotFormatError(f"malformed zstd data: {exc}") from None
    return data


def _zstd() -> Any:
    try:
        import zstandard
    except ImportError:
        raise SnapshotError(
            "zstd compression needs the zstandard package: pip install 'reactor-frame[zstd]'"
        ) from None
    return zstandard


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)


def _meta(snap: "ReactorSnapshot") -> dict[str, Any]:
    h = snap.host
    m = snap.module
    return {
        "memory_size": len(snap.memory),
        "runs": [list(run) for run in snap.data_runs],
        "module": {"sha256": m.sha256, "shape": m.shape, "tick_for": m.tick_for,
                   "control": m.control, "globals": list(m.globals)},
        "globals": list(snap.globals),
        "real_time": snap.real_time,
        "host_files": snap.host_files,
        "host": {
            "exited": h.exited, "exit_code": h.exit_code, "main_started": h.main_started,
            "wake": h.wake, "deadline_in_ns": h.deadline_in_ns, "last_result": h.last_result,
            "clock_ns": h.clock_ns, "wall_ns": h.wall_ns,
            "random_state": _jsonable(h.random_state),
            "control_address": h.control_address,
            "output": [_b64(h.output.stdout_pending), _b64(h.output.stderr_pending),
                       _b64(h.output.stderr_tail)],
            "shared": [list(s) for s in h.interop.shared],
            "pending_answers": [[handle, _b64(answer)] for handle, answer in h.interop.pending_answers],
            "last_handle": h.interop.last_handle,
        },
    }


def _jsonable(value: Any) -> Any:
    if isinstance(value, tuple):
        return [_jsonable(v) for v in value]
    return value


def _tupled(value: Any) -> Any:
    if isinstance(value, list):
        return tuple(_tupled(v) for v in value)
    return value


def _from_meta(meta: dict[str, Any], memory: bytes) -> dict[str, Any]:
    m = meta["module"]
    h = meta["host"]
    module = ModuleIdentity(m["sha256"], m["shape"], bool(m["tick_for"]), bool(m["control"]),
                            tuple(str(g) for g in m["globals"]))
    out = h["output"]
    host = HostState(
        exited=bool(h["exited"]), exit_code=h["exit_code"], main_started=bool(h["main_started"]),
        wake=bool(h["wake"]), deadline_in_ns=h["deadline_in_ns"], last_result=int(h["last_result"]),
        clock_ns=h["clock_ns"], wall_ns=h["wall_ns"], random_state=_tupled(h["random_state"]),
        control_address=h["control_address"],
        output=OutputState(_unb64(out[0]), _unb64(out[1]), _unb64(out[2])),
        interop=InteropState(
            tuple((str(n), int(a), int(c), int(s)) for n, a, c, s in h["shared"]),
            tuple((int(k), _unb64(v)) for k, v in h["pending_answers"]),
            int(h["last_handle"])),
    )
    return {"module": module, "memory": memory, "globals": tuple(int(g) for g in meta["globals"]),
            "host": host, "real_time": bool(meta["real_time"]), "host_files": bool(meta["host_files"])}
