"""The committed testdata/*.wasm files are what their Go sources build to.

Builds are reproducible (same sources and toolchain, same bytes), so each
program is rebuilt into a temporary directory with testdata/build.py and
compared byte for byte. Skipped when no usable Go toolchain is found. The first
run compiles every program (a few seconds each); Go's build cache makes later
runs fast.
"""

from __future__ import annotations

import importlib.util
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

TESTDATA = Path(__file__).resolve().parents[1] / "testdata"
_spec = importlib.util.spec_from_file_location("testdata_build", TESTDATA / "build.py")
testdata_build = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(testdata_build)

PROGRAMS = testdata_build.programs()


@pytest.fixture(scope="module")
def fresh_builds(tmp_path_factory) -> dict[str, Path | Exception]:
    """Every program built into a temporary directory: name -> .wasm path, or
    the exception its build raised."""
    from reactor_frame.build import find_go
    from reactor_frame.errors import GoNotFoundError, GoVersionError

    try:
        find_go()
    except (GoNotFoundError, GoVersionError) as exc:
        pytest.skip(f"cannot rebuild testdata: {exc}")
    out_dir = tmp_path_factory.mktemp("fresh")

    def build(name: str) -> Path | Exception:
        try:
            return testdata_build.build_program(name, out_dir)
        except Exception as exc:  # reported by the program's own test
            return exc

    with ThreadPoolExecutor(2) as pool:
        return dict(zip(PROGRAMS, pool.map(build, PROGRAMS)))


def test_every_program_has_a_committed_wasm():
    assert PROGRAMS, "no programs found in testdata/"
    wasm = sorted(p.stem for p in TESTDATA.glob("*.wasm"))
    assert wasm == PROGRAMS, "testdata/*.wasm and the program directories differ"


def test_readme_lists_every_program():
    readme = (TESTDATA / "README.md").read_text()
    missing = [name for name in PROGRAMS if f"`{name}`" not in readme]
    assert not missing, f"testdata/README.md does not describe {', '.join(missing)}"


@pytest.mark.parametrize("name", PROGRAMS)
def test_committed_wasm_is_fresh(fresh_builds, name):
    built = fresh_builds[name]
    if isinstance(built, Exception):
        raise built
    committed = TESTDATA / f"{name}.wasm"
    hint = f"run python testdata/build.py {name}"
    assert committed.exists(), f"testdata/{name}.wasm is missing: {hint}"
    assert built.read_bytes() == committed.read_bytes(), (
        f"testdata/{name}.wasm is stale: {hint}"
    )
