"""``reactor-frame new``: start a project that builds and runs at once."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..build.guestmod import replace_line
from ..build.scaffold import create_project
from .exits import EXIT_USAGE, CommandError
from .types import Subparsers

NAME = "new"
TAKES_EXTRA = False

_DESCRIPTION = """\
Create folder NAME holding a new project: go.mod (with the replace line that
lets go vet, gopls and go test find reactorframe/guest), main.go (goroutines,
timers, the guest package), play.py (a pygame loop, or --headless) and a
README. Then: reactor-frame build NAME -o NAME.wasm && reactor-frame run NAME.wasm"""


def register(subparsers: Subparsers) -> argparse.ArgumentParser:
    """Add ``new`` to ``subparsers``; return its parser."""
    p = subparsers.add_parser(NAME, help="start a new project (Go module + Python driver)",
                              description=_DESCRIPTION,
                              formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("name", metavar="NAME", nargs="?", type=Path,
                   help="folder to create; its name names the module and the program")
    p.add_argument("--print-replace", action="store_true",
                   help="only print the go.mod replace line for reactorframe/guest "
                        "(for an existing module, or after reinstalling reactor-frame)")
    p.set_defaults(execute=execute)
    return p


def execute(args: argparse.Namespace) -> int:
    """Create the project, or print the replace line."""
    if args.print_replace:
        print(replace_line())
        return 0
    if args.name is None:
        raise CommandError("new: give the NAME of the project folder to create "
                           "(or --print-replace)", EXIT_USAGE)
    target = create_project(args.name)
    shown = args.name
    print(f"created {target}\nnext:\n"
          f"  reactor-frame build {shown} -o {target.name.lower()}.wasm\n"
          f"  reactor-frame run {target.name.lower()}.wasm\n"
          f"  cd {shown} && go vet ./... && python play.py")
    return 0
