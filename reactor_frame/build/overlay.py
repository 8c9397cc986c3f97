"""The ``go build -overlay`` that turns a stock runtime into a reactor runtime.

Two kinds of entries: this project's own Go files (shipped in
``reactor_frame/goruntime``) are added to the runtime package, and two of the
toolchain's wasip1 files are replaced by copies in which the functions our
files take over are renamed (``beforeIdle`` becomes ``beforeIdleStock`` and so
on), so ours can call the originals. Our Go files name them in
``//reactorframe:renames FILE NAME...`` directives, the one list of them. The copies are made per build from the
toolchain at hand, so the overlay follows whatever Go release is installed.
The ``reactorframe/guest`` package is not overlaid: it is a module wired in
through a copy of the program's go.mod (:mod:`.guestmod`).
"""

from __future__ import annotations

import json
import re
from importlib import resources
from pathlib import Path

from ..errors import GoVersionError
from .toolchain import GoToolchain

_RENAMES = re.compile(r"^//reactorframe:renames (\S+)((?: \w+)+)$", re.MULTILINE)


def runtime_sources() -> dict[str, str]:
    """This project's runtime files: name -> Go source."""
    pkg = resources.files("reactor_frame") / "goruntime"
    return {
        entry.name: entry.read_text(encoding="utf-8")
        for entry in pkg.iterdir()
        if entry.name.endswith(".go")
    }


def renamed_functions(sources: dict[str, str] | None = None) -> dict[str, tuple[str, ...]]:
    """Stock runtime file -> functions our runtime files (``sources``, default
    :func:`runtime_sources`) take over in it, read from their
    ``//reactorframe:renames FILE NAME...`` directives."""
    renames: dict[str, tuple[str, ...]] = {}
    for text in (runtime_sources() if sources is None else sources).values():
        for match in _RENAMES.finditer(text):
            renames[match[1]] = renames.get(match[1], ()) + tuple(match[2].split())
    return renames


def rename_functions(source: str, names: tuple[str, ...], filename: str) -> str:
    """Rename top-level ``func NAME(`` declarations to ``NAMEStock``."""
    for name in names:
        pattern = re.compile(rf"^func {name}\(", re.MULTILINE)
        source, count = pattern.subn(f"func {name}Stock(", source)
        if count != 1:
            raise GoVersionError(
                f"runtime/{filename} of this Go toolchain has {count} definitions of "
                f"{name}, expected 1: this Go release is not supported by the reactor runtime"
            )
    return source


def write_overlay(toolchain: GoToolchain, workdir: Path) -> Path:
    """Write the overlay files and JSON into ``workdir``; return the JSON path."""
    runtime_dir = toolchain.goroot / "src" / "runtime"
    replace: dict[str, str] = {}
    sources = runtime_sources()
    for filename, names in renamed_functions(sources).items():
        original = runtime_dir / filename
        try:
            text = original.read_text(encoding="utf-8")
        except OSError as exc:
            raise GoVersionError(
                f"cannot read {original}: {exc.strerror}; is GOROOT complete?"
            ) from None
        patched = workdir / filename
        patched.write_text(rename_functions(text, names, filename), encoding="utf-8")
        replace[str(original)] = str(patched)
    for name, text in sources.items():
        added = workdir / name
        added.write_text(text, encoding="utf-8")
        replace[str(runtime_dir / name)] = str(added)
    overlay = workdir / "overlay.json"
    overlay.write_text(json.dumps({"Replace": replace}, indent=1, sort_keys=True))
    return overlay
