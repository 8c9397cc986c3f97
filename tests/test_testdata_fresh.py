"""The test programs are built from their sources, and rebuilt when those change.

The .wasm files are not committed; conftest builds them before the session
with testdata/build.py, which rebuilds a program only when a digest of its
inputs changed. These tests check that mechanism and that builds are
reproducible, so a stale or hand-edited binary cannot hide.
"""

from __future__ import annotations

import shutil

from reactor_frame.build import build_if_stale, find_go

from .conftest import TESTDATA, testdata_build

PROGRAMS = testdata_build.programs()


def test_every_program_is_built_and_current():
    assert PROGRAMS, "no programs found in testdata/"
    for name in PROGRAMS:
        wasm = testdata_build.wasm_path(name)
        assert wasm.is_file(), f"{wasm} was not built"
    # Nothing is stale: a second pass returns without building (same mtimes).
    before = {n: testdata_build.wasm_path(n).stat().st_mtime_ns for n in PROGRAMS}
    testdata_build.ensure_built()
    assert {n: testdata_build.wasm_path(n).stat().st_mtime_ns for n in PROGRAMS} == before


def test_readme_lists_every_program():
    readme = (TESTDATA / "README.md").read_text()
    missing = [name for name in PROGRAMS if f"`{name}`" not in readme]
    assert not missing, f"testdata/README.md does not describe {', '.join(missing)}"


def test_a_changed_source_is_rebuilt_and_builds_are_reproducible(tmp_path):
    module = tmp_path / "mod"
    shutil.copytree(TESTDATA / "hello", module / "hello")
    shutil.copy(TESTDATA / "go.mod", module / "go.mod")  # same module path: same bytes
    out = tmp_path / "hello.wasm"
    build_if_stale(module / "hello", out)
    first = out.read_bytes()
    assert first == testdata_build.wasm_path("hello").read_bytes()  # reproducible
    stamp = out.stat().st_mtime_ns
    build_if_stale(module / "hello", out)
    assert out.stat().st_mtime_ns == stamp  # unchanged inputs: no build
    main_go = module / "hello" / "main.go"
    main_go.write_text(main_go.read_text().replace("hello from go", "hello again"))
    build_if_stale(module / "hello", out)
    assert b"hello again" in out.read_bytes()


def test_a_build_from_another_install_is_not_reused(tmp_path, monkeypatch):
    # The binary records where the guest module lives (its replace target),
    # so a build made by another install of reactor-frame (another checkout
    # sharing the user cache) must not count as fresh here.
    from reactor_frame.build import fresh

    module = tmp_path / "mod"
    shutil.copytree(TESTDATA / "hello", module / "hello")
    shutil.copy(TESTDATA / "go.mod", module / "go.mod")
    toolchain = find_go()
    here = fresh.inputs_digest(module / "hello", toolchain)
    monkeypatch.setattr(fresh, "shipped_guest_dir", lambda: tmp_path / "elsewhere" / "goguest")
    assert fresh.inputs_digest(module / "hello", toolchain) != here


def test_a_go_file_stands_for_its_folder(tmp_path):
    # build_reactor builds a .go file's folder; the staleness digest must
    # cover that folder's sources too, or an edit would not rebuild.
    module = tmp_path / "mod"
    shutil.copytree(TESTDATA / "hello", module / "hello")
    shutil.copy(TESTDATA / "go.mod", module / "go.mod")
    out = tmp_path / "hello.wasm"
    main_go = module / "hello" / "main.go"
    build_if_stale(main_go, out)
    main_go.write_text(main_go.read_text().replace("hello from go", "hello via the file"))
    build_if_stale(main_go, out)
    assert b"hello via the file" in out.read_bytes()
