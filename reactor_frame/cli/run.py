"""``reactor-frame run``: run a reactor to completion, as ``wasmtime run``
runs a command."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from pathlib import Path
from time import perf_counter_ns, thread_time_ns
from typing import BinaryIO

from ..clock import VirtualClock
from ..host.engine import default_engine
from ..host.progress import CompileNotice
from ..host.reactor import DEFAULT_TICK_TIMEOUT_S, Reactor
from . import drive
from .exits import EXIT_GO_FATAL, CommandError
from .stats import RunStats
from .types import Subparsers

NAME = "run"
TAKES_EXTRA = True

_DESCRIPTION = """\
Run a Go program built as a WASI reactor until its main returns or it exits.
Guest stdout and stderr go to this process's stdout and stderr; the guest's
exit code becomes this command's exit code. ARGS after -- are the guest's
arguments; its args[0] is the program's file name.

The guest sees no environment variables unless given: --env NAME=VALUE sets
one, --env NAME passes the host's value of NAME, --inherit-env passes them all.
It sees no files unless a directory is preopened with --dir, and reads an
empty stdin unless --stdin is given."""

_EPILOG = """\
exit status:
  N    the guest's exit code (0 when main returned)
  1    invalid program, trap, watchdog timeout, unreadable input
  2    usage error; or a Go panic, fatal error or deadlock (as a native Go
       program exits 2), with the Go trace on stderr"""


def register(
    subparsers: Subparsers,
) -> argparse.ArgumentParser:
    """Add ``run`` to ``subparsers``; return its parser."""
    p = subparsers.add_parser(
        NAME, help="run a reactor to completion",
        usage="%(prog)s PROG.wasm [options] [-- ARGS...]",
        description=_DESCRIPTION, epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("program", metavar="PROG.wasm", type=Path, help="the reactor to run")
    p.add_argument("--budget", metavar="MS", type=_positive_float,
                   help="drive the guest with the frame stepper: step(MS) per frame, "
                        "sleeping until the next timer between frames")
    p.add_argument("--virtual", action="store_true",
                   help="run on a virtual clock: time jumps to each timer instead of "
                        "sleeping (fast-forward; deterministic times)")
    p.add_argument("--seed", metavar="N", type=int,
                   help="seed the guest's random source (math/rand, crypto/rand); runs are "
                        "reproducible only with --virtual as well, since on real time "
                        "timers fire at machine-dependent moments")
    p.add_argument("--stats", action="store_true",
                   help="print ticks, guest time (wall and CPU), timer waits and wall time "
                        "to stderr at the end")
    p.add_argument("--dir", metavar="HOST[:GUEST]", action="append", default=[], type=_preopen,
                   help="preopen host directory HOST as GUEST (default: the same path); repeatable")
    p.add_argument("--env", metavar="NAME[=VALUE]", action="append", default=[], type=_env_var,
                   help="set a guest environment variable; without =VALUE, pass the host's; "
                        "repeatable")
    p.add_argument("--inherit-env", action="store_true",
                   help="pass the whole host environment (--env entries override it)")
    p.add_argument("--stdin", metavar="FILE",
                   help="give the guest FILE's contents as stdin ('-': read this process's "
                        "stdin to the end first)")
    p.add_argument("--tick-timeout", metavar="S", type=_non_negative_float,
                   default=DEFAULT_TICK_TIMEOUT_S,
                   help="stop a guest call that runs longer than S seconds "
                        f"(default {DEFAULT_TICK_TIMEOUT_S:g}; 0: never)")
    p.set_defaults(execute=execute)
    return p


def execute(args: argparse.Namespace) -> int:
    """Run the program; return the guest's exit code."""
    program: Path = args.program
    env = _environment(args.env, args.inherit_env)
    preopens = _preopens(args.dir)
    stdin = _read_stdin(args.stdin)
    stats = RunStats(virtual=args.virtual, budget_ms=args.budget)
    default_engine().progress = CompileNotice(sys.stderr)  # a first run compiles for seconds
    started = perf_counter_ns()
    reactor = Reactor(
        program,
        args=[program.name, *args.extra],
        env=env,
        preopens=preopens,
        stdin=stdin,
        stdout=_writer(sys.stdout.buffer),
        stderr=_writer(sys.stderr.buffer),
        clock=VirtualClock() if args.virtual else None,
        seed=args.seed,
        tick_timeout=args.tick_timeout or None,
    )
    stats.load_ns = perf_counter_ns() - started
    with reactor:
        cpu_started = thread_time_ns()
        try:
            if args.budget is None:
                drive.to_completion(reactor, stats)
            else:
                drive.by_frames(reactor, args.budget, stats)
        finally:
            stats.ticks = reactor.stats_ticks
            stats.guest_cpu_ns = thread_time_ns() - cpu_started
            stats.wall_ns = perf_counter_ns() - started
            if args.stats:
                print(stats.render(reactor.name), file=sys.stderr, flush=True)
        return _exit_code(reactor)


def _exit_code(reactor: Reactor) -> int:
    if reactor.exit_code is not None:
        return reactor.exit_code
    if reactor.features.control:
        # The runtime reports main's return, so idle without it means main is
        # blocked with nothing that could wake it: the CLI calls no exports.
        raise CommandError(
            f"{reactor.name}: all goroutines are asleep - deadlock! (main is blocked, "
            "no goroutine is runnable and no timer is pending)", EXIT_GO_FATAL)
    return 0  # a seed-ABI binary cannot say whether main returned: idle means done


def _writer(stream: BinaryIO) -> Callable[[str], None]:
    """Write guest text as UTF-8 bytes, whatever this process's locale."""
    def write(text: str) -> None:
        stream.write(text.encode("utf-8"))
        stream.flush()
    return write


def _environment(entries: list[tuple[str, str | None]], inherit: bool) -> dict[str, str]:
    env = dict(os.environ) if inherit else {}
    for name, value in entries:
        if value is None:
            value = os.environ.get(name)
            if value is None:
                continue  # like `env`-style tools: an unset host variable stays unset
        env[name] = value
    return env


def _preopens(entries: list[tuple[str, str]]) -> dict[str, str]:
    preopens: dict[str, str] = {}
    for host, guest in entries:
        if not os.path.isdir(host):
            raise CommandError(f"--dir {host}:{guest}: {host} is not a directory")
        preopens[guest] = host
    return preopens


def _read_stdin(source: str | None) -> bytes | None:
    if source is None:
        return None
    if source == "-":
        return sys.stdin.buffer.read()
    return Path(source).read_bytes()


def _positive_float(text: str) -> float:
    value = _non_negative_float(text)
    if value == 0:
        raise argparse.ArgumentTypeError(f"must be greater than 0, not {text}")
    return value


def _non_negative_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not value >= 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"must be a finite number >= 0, not {text}")
    return value


def _preopen(text: str) -> tuple[str, str]:
    host, sep, guest = text.rpartition(":")
    if not sep:
        host = guest = text
    if not host or not guest:
        raise argparse.ArgumentTypeError(f"expected HOST[:GUEST], not {text!r}")
    return host, guest


def _env_var(text: str) -> tuple[str, str | None]:
    name, sep, value = text.partition("=")
    if not name:
        raise argparse.ArgumentTypeError(f"expected NAME[=VALUE], not {text!r}")
    return name, value if sep else None
