"""``reactor-frame new NAME``: a new project that builds and runs at once.

A project is a Go module (``go.mod`` with the ``replace`` line that lets Go
tools find ``reactorframe/guest``, a ``main.go`` using goroutines, timers and
the guest package), a Python driver (``play.py``: a pygame ``GameLoop``, or a
headless step loop on virtual time) and a README.
"""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path

from ..errors import ReactorError
from .guestmod import GUEST_MODULE, GUEST_VERSION, replace_line

#: Template file -> the file it becomes in the project.
TEMPLATES = {"main.go.tmpl": "main.go", "play.py.tmpl": "play.py", "README.md.tmpl": "README.md"}

_NAME = re.compile(r"^[a-z][a-z0-9_-]*$")


class ProjectNameError(ReactorError, ValueError):
    """Raised by :func:`create_project` for a folder name Go cannot use as a
    module path. Also a ``ValueError``."""


class ProjectExistsError(ReactorError, FileExistsError):
    """Raised by :func:`create_project` when the target folder exists and is
    not empty. Also a ``FileExistsError``."""


def go_mod_text(module: str) -> str:
    """The go.mod of a new project whose module path is ``module``."""
    return (f"module {module}\n\ngo 1.24\n\nrequire {GUEST_MODULE} {GUEST_VERSION}\n\n"
            f"// For go vet, go test and editors; reactor-frame build wires in its own copy.\n"
            f"{replace_line()}\n")


def create_project(path: str | Path) -> Path:
    """Write a new project into folder ``path`` (created; must not hold
    files yet). Its last path part, lower-cased, names the module and the
    program. Returns the folder. Raises :class:`ProjectNameError` for a name Go
    cannot use as a module path and :class:`ProjectExistsError`."""
    target = Path(path).resolve()
    name = target.name.lower()
    if not _NAME.match(name):
        raise ProjectNameError(f"{target.name!r} cannot name a project: use a letter, then letters, "
                         "digits, '-' or '_' (it becomes the Go module path and the .wasm name)")
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise ProjectExistsError(f"{target} already exists and is not empty; choose a new name "
                                 "or remove it first")
    target.mkdir(parents=True, exist_ok=True)
    (target / "go.mod").write_text(go_mod_text(name), encoding="utf-8")
    templates = resources.files("reactor_frame.build") / "templates"
    for template, filename in TEMPLATES.items():
        text = (templates / template).read_text(encoding="utf-8")
        (target / filename).write_text(text.replace("{name}", name), encoding="utf-8")
    return target
