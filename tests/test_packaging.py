"""The package as users install it: every module ships, data files included."""

from __future__ import annotations

import sys
from importlib import resources

import pytest

from .conftest import ROOT

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    tomllib = pytest.importorskip("tomli")

PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
SETUPTOOLS = PYPROJECT["tool"]["setuptools"]


def test_every_python_package_is_listed_for_the_wheel():
    mapped = {name: ROOT / path for name, path in SETUPTOOLS.get("package-dir", {}).items()}
    found = set()
    for init in (ROOT / "reactor_frame").rglob("__init__.py"):
        rel = init.parent.relative_to(ROOT)
        found.add(".".join(rel.parts))
    found |= {name for name, path in mapped.items() if (path / "__init__.py").exists()}
    missing = found - set(SETUPTOOLS["packages"])
    assert not missing, f"add to [tool.setuptools] packages in pyproject.toml: {sorted(missing)}"


def test_core_dependency_is_wasmtime_only():
    deps = PYPROJECT["project"]["dependencies"]
    assert [d.split(">")[0].split("=")[0].split("<")[0] for d in deps] == ["wasmtime"]


def test_runtime_go_files_ship_as_package_data():
    files = [p.name for p in (resources.files("reactor_frame") / "goruntime").iterdir()]
    assert "reactor_frame_wasip1.go" in files
    assert (resources.files("reactor_frame") / "py.typed").is_file()
