"""``build_reactor``: one Go package in, one verified reactor ``.wasm`` out."""

from __future__ import annotations

import os
import subprocess
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from .. import abi
from ..errors import BuildError, CompileError, GoVersionError, NotMainPackageError
from ..wasmfile import WasmFormatError, export_globals, read_wasm
from .guestmod import GUEST_MODULE, prepare_modfile
from .overlay import write_overlay
from .toolchain import MIN_GO_VERSION, GoToolchain, find_go
from .verify import verify_loads


@dataclass(frozen=True)
class BuildResult:
    """What a build produced."""

    output: Path
    toolchain: GoToolchain
    size: int
    seconds: float


#: The Go experiment that puts a preemption check on every loop back edge,
#: so the host can stop a loop that calls nothing (docs/abi.md, "Preemption").
PREEMPTIBLE_LOOPS = "preemptibleloops"
#: A file of this name in a package directory builds it without preemptible
#: loops by default (a test program that must spin for real, say).
NO_PREEMPTIBLE_LOOPS_FILE = "NO_PREEMPTIBLE_LOOPS"


def wants_preemptible_loops(package: Path, preemptible_loops: bool | None) -> bool:
    """``preemptible_loops``, or when None: yes unless ``package`` holds a
    ``NO_PREEMPTIBLE_LOOPS`` file."""
    if preemptible_loops is not None:
        return preemptible_loops
    return not (package / NO_PREEMPTIBLE_LOOPS_FILE).exists()


def _go_env(toolchain: GoToolchain, preemptible_loops: bool = False) -> dict[str, str]:
    env = dict(os.environ)
    env.update(GOOS="wasip1", GOARCH="wasm", GOROOT=str(toolchain.goroot))
    env.setdefault("GOTOOLCHAIN", "local")  # never download another toolchain
    env["GOWORK"] = "off"  # the build's own go.mod copy decides (-modfile)
    if preemptible_loops:
        experiments = [e for e in env.get("GOEXPERIMENT", "").split(",") if e]
        if PREEMPTIBLE_LOOPS not in experiments:
            env["GOEXPERIMENT"] = ",".join([*experiments, PREEMPTIBLE_LOOPS])
    return env


def _run(cmd: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    except OSError as exc:
        raise BuildError(f"could not run {cmd[0]}: {exc.strerror or exc}") from None


def overlay_failed(go_output: str) -> bool:
    """Whether ``go build`` output reports errors in the overlaid runtime or
    guest package (``# runtime`` / ``# reactorframe/guest`` sections), not in
    the user's program."""
    return any(line.strip() in ("# runtime", f"# {GUEST_MODULE}")
               for line in go_output.splitlines())


def build_reactor(
    package: str | os.PathLike[str],
    output: str | os.PathLike[str],
    *,
    go: str | os.PathLike[str] | None = None,
    extra_flags: Sequence[str] = (),
    progress: Callable[[str], None] | None = None,
    preemptible_loops: bool | None = None,
) -> BuildResult:
    """Build the Go ``main`` package in directory ``package`` (or the folder
    of the ``.go`` file ``package``) into a reactor at ``output``, with the
    reactor runtime overlaid and the ``reactorframe/guest`` module wired in.
    The same sources and toolchain give byte-identical output.
    ``preemptible_loops`` builds with ``GOEXPERIMENT=preemptibleloops``, so
    loops are preemption points too (docs/abi.md); None (default): on, unless
    the package directory holds a file ``NO_PREEMPTIBLE_LOOPS``.

    Raises :class:`GoNotFoundError`, :class:`GoVersionError`,
    :class:`NoGoModuleError`, :class:`NotMainPackageError`, :class:`CompileError`, or
    :class:`BuildError` when the output does not load (it is then removed).
    """
    say = progress or (lambda _msg: None)
    started = time.perf_counter()
    pkgdir = package_dir(package)
    out = Path(output).resolve()
    toolchain = find_go(go)
    say(f"using {toolchain.go} ({toolchain.version_text})")
    env = _go_env(toolchain, wants_preemptible_loops(pkgdir, preemptible_loops))
    with tempfile.TemporaryDirectory(prefix="reactor-frame-overlay-") as tmp:
        modfile = prepare_modfile(toolchain, pkgdir, Path(tmp), env)
        overlay_dir = Path(tmp) / "overlay"
        overlay_dir.mkdir()
        overlay = write_overlay(toolchain, overlay_dir)
        _build(toolchain, pkgdir, out, env, modfile, list(extra_flags), overlay, say)
    return _finish(out, toolchain, started, say)


def package_dir(package: str | os.PathLike[str]) -> Path:
    """The directory to build for ``package``: itself, or the folder of a
    ``.go`` file. Raises :class:`BuildError` when there is no such directory."""
    path = Path(package).resolve()
    if path.is_file() and path.suffix == ".go":
        return path.parent
    if not path.exists():
        raise BuildError(f"{package}: no such directory; pass the directory of a Go main "
                         "package (or one of its .go files)")
    if not path.is_dir():
        raise BuildError(f"{package}: not a directory or a .go file; pass the directory of a "
                         "Go main package")
    return path


def _build(toolchain: GoToolchain, pkgdir: Path, out: Path, env: dict[str, str], modfile: Path,
           extra_flags: list[str], overlay: Path, say: Callable[[str], None]) -> None:
    listed = _run([str(toolchain.go), "list", f"-modfile={modfile}", "-f", "{{.Name}}", "."],
                  pkgdir, env)
    if listed.returncode != 0:
        raise CompileError(f"go list failed for {pkgdir}:\n{listed.stderr.strip()}")
    name = listed.stdout.strip()
    if name != "main":
        raise NotMainPackageError(
            f"{pkgdir} is package {name!r}, not package main: a reactor is built from a "
            "main package (its main function runs when the host calls go_start_main)"
        )

    cmd = [
        str(toolchain.go), "build",
        "-buildmode=c-shared", "-trimpath", "-buildvcs=false",
        f"-overlay={overlay}",
        "-o", str(out),
        f"-modfile={modfile}", *extra_flags,
        ".",
    ]
    say("running go " + " ".join(cmd[1:]))
    built = _run(cmd, pkgdir, env)
    if built.returncode != 0:
        output = built.stderr.strip()
        if overlay_failed(output):
            raise GoVersionError(
                f"{toolchain.version_text} cannot compile reactor-frame's runtime overlay, so this "
                f"Go release is not supported; use Go {MIN_GO_VERSION[0]}.{MIN_GO_VERSION[1]} to "
                f"the newest tested release (see docs/abi.md).\n{output}")
        raise CompileError(f"go build failed for {pkgdir}:\n{output}")


def _finish(out: Path, toolchain: GoToolchain, started: float,
            say: Callable[[str], None]) -> BuildResult:
    data = out.read_bytes()
    try:
        # Post-link: export the globals, so snapshots can save and restore them.
        data = export_globals(data, abi.GLOBAL_EXPORT_PREFIX)
        out.write_bytes(data)
        info = read_wasm(data)
    except WasmFormatError as exc:
        raise BuildError(f"go build wrote {out}, but it is not a valid module: {exc}") from None
    missing = abi.missing_reactor_exports(info)
    if missing:
        raise BuildError(
            f"go build wrote {out}, but it lacks the reactor exports {', '.join(missing)}; "
            "the runtime overlay did not apply"
        )
    verify_loads(out, data)
    seconds = time.perf_counter() - started
    say(f"wrote {out} ({len(data)} bytes) in {seconds:.1f} s")
    return BuildResult(out, toolchain, len(data), seconds)
