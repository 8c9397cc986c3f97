"""``reactor-frame inspect``: what a .wasm file is, read without running it."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from .. import abi
from ..wasmfile import Extern, FuncType, WasmFormatError, WasmInfo, read_wasm
from .exits import CommandError
from .types import Subparsers

NAME = "inspect"
TAKES_EXTRA = False

PAGE_BYTES = 65536

_DESCRIPTION = """\
Describe a WebAssembly module: whether it is a reactor this project can run
(an extended reactor built by `reactor-frame build`, a seed-ABI reactor), a
plain WASI command, or neither; its exports and imports with their types; its
memory; its custom sections; and the Go version and package recorded in it."""


def register(
    subparsers: Subparsers,
) -> argparse.ArgumentParser:
    """Add ``inspect`` to ``subparsers``; return its parser."""
    p = subparsers.add_parser(NAME, help="describe a .wasm file", description=_DESCRIPTION)
    p.add_argument("program", metavar="FILE.wasm", type=Path, help="the module to describe")
    p.add_argument("--json", action="store_true", help="print one JSON object, for machines")
    p.set_defaults(execute=execute)
    return p


def execute(args: argparse.Namespace) -> int:
    """Print the description of the module."""
    path: Path = args.program
    data = path.read_bytes()
    try:
        info = read_wasm(data)
    except WasmFormatError as exc:
        raise CommandError(f"{path}: {exc}") from None
    report = describe(path, info)
    print(json.dumps(report, indent=2) if args.json else render(report))
    return 0


def describe(path: Path, info: WasmInfo) -> dict[str, Any]:
    """Everything ``inspect`` reports, as JSON-ready data."""
    kind = abi.classify(info)
    return {
        "file": str(path),
        "size": info.size,
        "kind": kind.name.lower(),
        "kind_description": kind.value,
        "missing_reactor_exports": abi.missing_reactor_exports(info),
        "memory": _memory(info),
        "exports": [_extern(e) for e in info.exports.values()],
        "imports": [_extern(e) for e in info.imports],
        "custom_sections": list(info.custom_sections),
        "go": _go(info),
    }


def render(report: dict[str, Any]) -> str:
    """The human-readable form of :func:`describe`'s report."""
    rows = [("size", f"{report['size']:,} bytes")]
    if report["missing_reactor_exports"]:
        rows.append(("lacks", ", ".join(report["missing_reactor_exports"]) + " (reactor exports)"))
    go = report["go"]
    if go:
        rows.append(("go", go["version"] or "unknown version"))
        if go["package"]:
            rows.append(("package", go["package"]))
        if go["module"]:
            rows.append(("module", f"{go['module']} {go['module_version'] or ''}".rstrip()))
    rows.append(("memory", _memory_text(report["memory"])))
    lines = [f"{report['file']}: {report['kind_description']}"]
    lines += [f"  {label:<8}  {value}" for label, value in rows]
    lines.append(f"exports ({len(report['exports'])}):")
    lines += _extern_lines(report["exports"])
    lines.append(f"imports ({len(report['imports'])}):")
    lines += _extern_lines(report["imports"])
    sections = report["custom_sections"]
    lines.append(f"custom sections ({len(sections)}): {', '.join(sections) or '-'}")
    return "\n".join(lines)


def _memory(info: WasmInfo) -> dict[str, int | None] | None:
    if info.memory_min_pages is None:
        return None
    top = info.memory_max_pages
    return {
        "min_pages": info.memory_min_pages,
        "max_pages": top,
        "min_bytes": info.memory_min_pages * PAGE_BYTES,
        "max_bytes": None if top is None else top * PAGE_BYTES,
    }


def _memory_text(memory: dict[str, Any] | None) -> str:
    if memory is None:
        return "none"
    text = f"{_pages(memory['min_pages'])} initial ({_bytes(memory['min_bytes'])})"
    if memory["max_pages"] is None:
        return text + ", no maximum"
    return text + f", {_pages(memory['max_pages'])} maximum ({_bytes(memory['max_bytes'])})"


def _pages(n: int) -> str:
    return f"{n} page" if n == 1 else f"{n} pages"


def _bytes(n: int) -> str:
    return f"{n:,} bytes" if n < 1 << 20 else f"{n:,} bytes, {n / (1 << 20):.1f} MiB"


def _extern(ext: Extern) -> dict[str, Any]:
    entry: dict[str, Any] = {"name": ext.name, "kind": ext.kind}
    if ext.module:
        entry = {"module": ext.module, **entry}
    if ext.functype is not None:
        entry["type"] = {"params": list(ext.functype.params), "results": list(ext.functype.results)}
    return entry


def _extern_lines(entries: list[dict[str, Any]]) -> list[str]:
    names = [f"{e['module']}.{e['name']}" if "module" in e else e["name"] for e in entries]
    width = max((len(n) for n in names), default=0)
    lines = []
    for name, entry in zip(names, entries):
        ftype = entry.get("type")
        signature = f" {FuncType(tuple(ftype['params']), tuple(ftype['results']))}" if ftype else ""
        lines.append(f"  {name:<{width}}  {entry['kind']}{signature}")
    return lines


def _go(info: WasmInfo) -> dict[str, str | None] | None:
    if info.go_version is None and info.go_modinfo is None:
        return None
    package = module = module_version = None
    for line in (info.go_modinfo or "").splitlines():
        fields = line.split("\t")
        if fields[0] == "path" and len(fields) > 1:
            package = fields[1]
        elif fields[0] == "mod" and len(fields) > 1:
            module = fields[1]
            module_version = fields[2] if len(fields) > 2 and fields[2] else None
    return {"version": info.go_version, "package": package, "module": module,
            "module_version": module_version}
