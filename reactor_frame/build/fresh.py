"""Build a reactor only when its inputs changed.

Built ``.wasm`` files are not kept in the repository: they are made again
from their Go sources. ``build_if_stale`` records a digest of everything a
build depends on (the package's Go files, its module files, the runtime
overlay and guest package shipped here, the build tool itself and the wasm
reader its post-link step uses, the Go release, the flags and where the
guest module lives, which the binary records) next to the
output, and rebuilds only when that digest differs. Builds are reproducible, so a rebuild of unchanged inputs
would give the same bytes anyway; the digest only saves the time.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from ..errors import NoGoModuleError
from .builder import build_reactor, package_dir, wants_preemptible_loops
from .guestmod import find_go_mod, shipped_guest_dir
from .toolchain import GoToolchain, find_go

_PACKAGE_ROOT = Path(__file__).resolve().parents[1]
#: Files of this package that shape every build.
_SHIPPED_INPUTS = ("goruntime", "goguest", "build")
#: Single modules the build uses too (the post-link export of the globals).
_SHIPPED_MODULES = ("wasmfile.py", "abi.py")
_SOURCE_SUFFIXES = (".go", ".mod", ".sum", ".py")


def _source_files(directory: Path, recursive: bool) -> Iterable[Path]:
    pattern = "**/*" if recursive else "*"
    for path in sorted(directory.glob(pattern)):
        if path.is_file() and path.suffix in _SOURCE_SUFFIXES and "__pycache__" not in path.parts:
            yield path


def _module_files(package: Path) -> Iterable[Path]:
    """go.mod and go.sum of the module that holds ``package`` (none when it
    is in no module: the build then says so)."""
    try:
        mod = find_go_mod(package)
    except NoGoModuleError:
        return
    yield mod
    if (mod.parent / "go.sum").is_file():
        yield mod.parent / "go.sum"


def inputs_digest(package: Path, toolchain: GoToolchain, flags: Sequence[str] = (),
                  preemptible_loops: bool | None = None) -> str:
    """SHA-256 over everything a build of ``package`` depends on."""
    h = hashlib.sha256()
    h.update(toolchain.version_text.encode())
    h.update("\0".join(flags).encode())
    # The guest module's path is recorded in the binary (its replace target),
    # so a build from another install of this package differs.
    h.update(b"\0" + str(shipped_guest_dir()).encode())
    if not wants_preemptible_loops(package, preemptible_loops):
        h.update(b"\0no-preemptible-loops")
    files = [*_source_files(package, recursive=True), *_module_files(package)]
    for name in _SHIPPED_INPUTS:
        files.extend(_source_files(_PACKAGE_ROOT / name, recursive=True))
    files.extend(_PACKAGE_ROOT / name for name in _SHIPPED_MODULES)
    for path in files:
        h.update(b"\0" + path.name.encode() + b"\0")
        h.update(path.read_bytes())
    return h.hexdigest()


def build_if_stale(
    package: str | os.PathLike[str],
    output: str | os.PathLike[str],
    *,
    go: str | os.PathLike[str] | None = None,
    extra_flags: Sequence[str] = (),
    progress: Callable[[str], None] | None = None,
    preemptible_loops: bool | None = None,
) -> Path:
    """Build ``package`` to ``output`` unless ``output`` was already built from
    the same inputs; returns ``output``. Raises what :func:`build_reactor`
    raises. The digest is kept in ``OUTPUT.inputs``."""
    pkgdir = package_dir(package)  # a .go file stands for its folder, as in build_reactor
    out = Path(output)
    stamp = out.with_name(out.name + ".inputs")
    toolchain = find_go(go)
    digest = inputs_digest(pkgdir, toolchain, extra_flags, preemptible_loops)
    if out.is_file() and stamp.is_file() and stamp.read_text().strip() == digest:
        return out
    if progress is not None:
        progress(f"building {pkgdir.name} from its Go sources (once; kept until they change)")
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(f".{out.name}.{os.getpid()}.partial")
    try:
        build_reactor(pkgdir, partial, go=toolchain.go, extra_flags=extra_flags, progress=progress,
                      preemptible_loops=preemptible_loops)
        os.replace(partial, out)
    finally:
        partial.unlink(missing_ok=True)
    stamp.write_text(digest + "\n")
    return out
