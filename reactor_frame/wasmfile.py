"""A small reader for the parts of a WebAssembly binary this library needs.

Reading the export, import and memory sections directly (no compilation) lets
the loader reject bad input with a precise message before handing bytes to
wasmtime, lets the build tool verify its output cheaply, and lets ``inspect``
describe a module. Anything malformed raises :class:`WasmFormatError`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

WASM_MAGIC = b"\0asm"
WASM_VERSION = b"\x01\0\0\0"

_KIND_NAMES = {0: "func", 1: "table", 2: "memory", 3: "global", 4: "tag"}
_VALTYPES = {0x7F: "i32", 0x7E: "i64", 0x7D: "f32", 0x7C: "f64", 0x7B: "v128",
             0x70: "funcref", 0x6F: "externref"}
_GO_VERSION = re.compile(rb"go1\.\d+(?:\.\d+)?(?:(?:rc|beta)\d+)?")
_MODINFO_START = bytes.fromhex("3077af0c9274080241e1c107e6d618e6")
_MODINFO_END = bytes.fromhex("f932433186182072008242104116d8f2")


class WasmFormatError(ValueError):
    """The bytes are not a well-formed WebAssembly module (as far as read)."""


@dataclass(frozen=True)
class FuncType:
    params: tuple[str, ...]
    results: tuple[str, ...]

    def __str__(self) -> str:
        return f"({', '.join(self.params)}) -> ({', '.join(self.results)})"


def wasm_signature(functype: Any) -> FuncType:
    """A wasmtime ``FuncType`` (anything with ``params``/``results``) as names."""
    return FuncType(tuple(str(t) for t in functype.params), tuple(str(t) for t in functype.results))


@dataclass(frozen=True)
class Extern:
    """An import or export: its kind and, for functions, its type."""

    name: str
    kind: str
    module: str = ""
    functype: FuncType | None = None


@dataclass
class WasmInfo:
    """What :func:`read_wasm` found in a module."""

    size: int
    imports: list[Extern] = field(default_factory=list)
    exports: dict[str, Extern] = field(default_factory=dict)
    memory_min_pages: int | None = None
    memory_max_pages: int | None = None
    custom_sections: list[str] = field(default_factory=list)
    go_version: str | None = None
    go_modinfo: str | None = None


class _Reader:
    def __init__(self, data: bytes, pos: int = 0, end: int | None = None) -> None:
        self.data = data
        self.pos = pos
        self.end = len(data) if end is None else end

    def byte(self) -> int:
        if self.pos >= self.end:
            raise WasmFormatError(f"unexpected end of data at offset {self.pos}")
        b = self.data[self.pos]
        self.pos += 1
        return b

    def uleb(self) -> int:
        result = shift = 0
        while True:
            b = self.byte()
            result |= (b & 0x7F) << shift
            if not b & 0x80:
                return result
            shift += 7
            if shift > 63:
                raise WasmFormatError(f"LEB128 number too long at offset {self.pos}")

    def take(self, n: int) -> bytes:
        if n < 0 or self.pos + n > self.end:
            raise WasmFormatError(f"section runs past the end of the data at offset {self.pos}")
        out = self.data[self.pos:self.pos + n]
        self.pos += n
        return out

    def name(self) -> str:
        raw = self.take(self.uleb())
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            raise WasmFormatError(f"name is not UTF-8 at offset {self.pos}") from None

    def limits(self) -> tuple[int, int | None]:
        flags = self.byte()
        lo = self.uleb()
        hi = self.uleb() if flags & 1 else None
        return lo, hi

    def valtype(self) -> str:
        b = self.byte()
        return _VALTYPES.get(b, f"0x{b:02x}")


def read_wasm(data: bytes) -> WasmInfo:
    """Read imports, exports, memory limits, custom section names and Go build
    info from ``data``. Raises :class:`WasmFormatError` on malformed input."""
    if len(data) < 8 or data[:4] != WASM_MAGIC:
        raise WasmFormatError("not a WebAssembly module (missing the \\0asm magic number)")
    if data[4:8] != WASM_VERSION:
        raise WasmFormatError("unsupported WebAssembly version (this may be a component, not a core module)")
    info = WasmInfo(size=len(data))
    types: list[FuncType] = []
    func_types: list[int] = []  # type index of each function, imports first
    r = _Reader(data, 8)
    while r.pos < r.end:
        section_id = r.byte()
        size = r.uleb()
        body = _Reader(data, r.pos, r.pos + size)
        if body.end > len(data):
            raise WasmFormatError(f"section {section_id} is truncated")
        r.pos = body.end
        if section_id == 0:
            name = body.name()
            info.custom_sections.append(name)
        elif section_id == 1:
            for _ in range(body.uleb()):
                form = body.byte()
                if form != 0x60:
                    raise WasmFormatError(f"unsupported type form 0x{form:02x}")
                params = tuple(body.valtype() for _ in range(body.uleb()))
                results = tuple(body.valtype() for _ in range(body.uleb()))
                types.append(FuncType(params, results))
        elif section_id == 2:
            for _ in range(body.uleb()):
                module = body.name()
                name = body.name()
                kind = body.byte()
                functype = None
                if kind == 0:
                    idx = body.uleb()
                    functype = types[idx] if idx < len(types) else None
                    func_types.append(idx)
                elif kind == 1:
                    body.byte()
                    body.limits()
                elif kind == 2:
                    info.memory_min_pages, info.memory_max_pages = body.limits()
                elif kind == 3:
                    body.byte()
                    body.byte()
                elif kind == 4:
                    body.byte()
                    body.uleb()
                else:
                    raise WasmFormatError(f"unknown import kind {kind}")
                info.imports.append(Extern(name, _KIND_NAMES[kind], module, functype))
        elif section_id == 3:
            func_types.extend(body.uleb() for _ in range(body.uleb()))
        elif section_id == 5:
            count = body.uleb()
            if count:
                info.memory_min_pages, info.memory_max_pages = body.limits()
        elif section_id == 7:
            for _ in range(body.uleb()):
                name = body.name()
                kind = body.byte()
                idx = body.uleb()
                if kind not in _KIND_NAMES:
                    raise WasmFormatError(f"unknown export kind {kind} for {name!r}")
                functype = None
                if kind == 0 and idx < len(func_types) and func_types[idx] < len(types):
                    functype = types[func_types[idx]]
                info.exports[name] = Extern(name, _KIND_NAMES[kind], "", functype)
        elif section_id == 11:
            _read_go_buildinfo(data[body.pos:body.end], info)
    return info


def _read_go_buildinfo(data_section: bytes, info: WasmInfo) -> None:
    # On wasm the Go linker writes no "buildinf" header; the build info is
    # runtime.buildVersion ("go1.N.M") and runtime.modinfo, a string framed
    # by two fixed 16-byte sentinels, both in the data segments.
    version = _GO_VERSION.search(data_section)
    if version:
        info.go_version = version.group().decode()
    start = data_section.find(_MODINFO_START)
    if start >= 0:
        end = data_section.find(_MODINFO_END, start)
        if end > start:
            info.go_modinfo = data_section[start + 16:end].decode("utf-8", "replace")
