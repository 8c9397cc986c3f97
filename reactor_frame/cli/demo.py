"""``reactor-frame demo``: the bundled demos (``reactor_frame.demos.app``)."""

from __future__ import annotations

import argparse

from .delegate import delegate
from .types import Subparsers

NAME = "demo"
HELP = "run a bundled demo (see: reactor-frame demo --help)"


def register(
    subparsers: Subparsers,
) -> argparse.ArgumentParser:
    """Add ``demo`` to ``subparsers``; return its parser."""
    # Listed for the top-level help only: `demo` arguments are never parsed here.
    return subparsers.add_parser(NAME, help=HELP, add_help=False)


def main(argv: list[str]) -> int:
    """Run the demo app with ``argv`` as its arguments."""
    return delegate(NAME, "reactor_frame.demos.app", argv, extra="demo")
