"""Wiring the ``reactorframe/guest`` module into a build.

The guest package is a Go module shipped in ``reactor_frame/goguest``. A
build never relies on the program's own set-up for it: the program's
``go.mod`` is copied into the build's work directory, the copy gets a
``require`` and a ``replace`` pointing at the shipped sources, and ``go
build -modfile=COPY`` uses it. (Go records the replacement directory in the
binary, so it must not be a temporary one: builds stay reproducible.) The program's files are
never modified, a ``replace`` line of the program's own (written by
``reactor-frame new`` for editors and ``go vet``) is overridden, and the
same works on every supported Go release (Go 1.24 cannot add a package to
the standard library through an overlay).
"""

from __future__ import annotations

import shutil
import subprocess
from importlib import resources
from pathlib import Path

from ..errors import BuildError, NoGoModuleError
from .toolchain import GoToolchain

#: Import path (and module path) of the guest package.
GUEST_MODULE = "reactorframe/guest"
#: The version the build requires; the replace line makes it a local directory.
GUEST_VERSION = "v0.0.0"


def shipped_guest_dir() -> Path:
    """The directory of the shipped guest module (holding its go.mod)."""
    return Path(str(resources.files("reactor_frame") / "goguest"))


def replace_line() -> str:
    """The go.mod ``replace`` line that lets Go tools find the guest package."""
    return f"replace {GUEST_MODULE} => {shipped_guest_dir()}"


def find_go_mod(package: Path) -> Path:
    """The go.mod of the module holding directory ``package``; raises
    :class:`NoGoModuleError` saying how to make one."""
    for directory in (package, *package.parents):
        candidate = directory / "go.mod"
        if candidate.is_file():
            return candidate
    raise NoGoModuleError(
        f"{package} is in no Go module (no go.mod in it or any folder above). Make one with "
        f"`cd {package} && go mod init example.com/{package.name or 'game'}`, or start a new "
        "project with `reactor-frame new NAME`, which writes go.mod for you")


def prepare_modfile(toolchain: GoToolchain, package: Path, workdir: Path,
                    env: dict[str, str]) -> Path:
    """Copy the go.mod (and go.sum) of ``package``'s module into ``workdir``
    and wire the copy to the shipped guest module; return the copied go.mod's
    path, for ``-modfile``."""
    gomod = find_go_mod(package)
    guest = shipped_guest_dir()
    modfile = workdir / "go.mod"
    shutil.copyfile(gomod, modfile)
    gosum = gomod.with_name("go.sum")
    if gosum.is_file():
        shutil.copyfile(gosum, workdir / "go.sum")
    cmd = [str(toolchain.go), "mod", "edit",
           f"-require={GUEST_MODULE}@{GUEST_VERSION}",
           f"-replace={GUEST_MODULE}={guest}", str(modfile)]
    try:
        edited = subprocess.run(cmd, cwd=workdir, env=env, capture_output=True, text=True,
                                check=False)
    except OSError as exc:
        raise BuildError(f"could not run {cmd[0]}: {exc.strerror or exc}") from None
    if edited.returncode != 0:
        raise BuildError(f"could not add the guest module to a copy of {gomod}:\n"
                         f"{edited.stderr.strip()}")
    return modfile
