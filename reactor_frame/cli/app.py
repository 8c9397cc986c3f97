"""``reactor-frame``: the parser, the dispatch to one module per subcommand,
and the turning of expected failures into one error line and an exit code
(the policy is in :mod:`.exits`)."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from typing import Protocol

from .. import __version__
from . import bench as bench_cmd
from . import build as build_cmd
from . import demo as demo_cmd
from . import inspect as inspect_cmd
from . import new as new_cmd
from . import run as run_cmd
from .exits import EXIT_FAILURE, EXIT_INTERRUPTED, Reportable, explain
from .types import Subparsers

PROG = "reactor-frame"

_DESCRIPTION = "Host Go programs compiled as WASI reactors, and drive their goroutines."

_EPILOG = """\
exit status: 0 on success; for `run`, the guest's exit code; 1 on a failure;
2 on a usage error, and for `run` on a Go panic or deadlock (as native Go).
`python -m reactor_frame` is the same command."""


class Command(Protocol):
    """A subcommand module."""

    NAME: str

    def register(
        self, subparsers: Subparsers,
    ) -> argparse.ArgumentParser: ...


class ParsedCommand(Command, Protocol):
    """A subcommand whose arguments this parser reads."""

    TAKES_EXTRA: bool
    """Whether arguments after ``--`` are passed on (as ``args.extra``)."""


class DelegatedCommand(Command, Protocol):
    """A subcommand that receives its arguments unparsed."""

    def main(self, argv: list[str]) -> int: ...


PARSED: tuple[ParsedCommand, ...] = (run_cmd, build_cmd, inspect_cmd, new_cmd)
DELEGATED: tuple[DelegatedCommand, ...] = (demo_cmd, bench_cmd)


def build_parser() -> tuple[argparse.ArgumentParser, dict[str, argparse.ArgumentParser]]:
    """The parser of the whole command line, and each subcommand's parser."""
    parser = argparse.ArgumentParser(
        prog=PROG, description=_DESCRIPTION, epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", title="commands",
                                       required=True)
    every: tuple[Command, ...] = (*PARSED, *DELEGATED)
    commands = {command.NAME: command.register(subparsers) for command in every}
    return parser, commands


def run(argv: Sequence[str]) -> int:
    """Run the command line ``argv`` (without the program name); return the
    exit code. Usage errors exit through argparse (``SystemExit(2)``)."""
    argv = list(argv)
    name = argv[0] if argv else ""
    for delegated in DELEGATED:
        if name == delegated.NAME:
            main = delegated.main
            return _reporting(lambda: main(argv[1:]))
    head, extra = argv, []
    takes_extra = any(name == c.NAME and c.TAKES_EXTRA for c in PARSED)
    if takes_extra and "--" in argv:
        # Split here rather than in argparse, which mishandles "--" after options.
        at = argv.index("--")
        head, extra = argv[:at], argv[at + 1:]
    parser, commands = build_parser()
    args, unknown = parser.parse_known_args(head)
    if unknown:
        # Report with the subcommand's usage, not the top-level one.
        hint = "; to pass arguments on, put them after --" if takes_extra else ""
        commands[args.command].error(f"unrecognized arguments: {' '.join(unknown)}{hint}")
    args.extra = extra
    return _reporting(lambda: args.execute(args))


def _reporting(call: Callable[[], int]) -> int:
    try:
        return call()
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # The reader of stdout went away (`... | head`): stop quietly, and keep
        # the interpreter's final flush from failing again.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_FAILURE
    except Reportable as exc:
        message, code = explain(exc)
        print(f"{PROG}: error: {message}", file=sys.stderr, flush=True)
        return code
