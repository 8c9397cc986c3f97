"""``reactor-frame bench``: the benchmark suite (``reactor_frame.benchmarks.suite``)."""

from __future__ import annotations

import argparse

from .delegate import delegate
from .types import Subparsers

NAME = "bench"
HELP = "run the benchmark suite and print a table (see: reactor-frame bench --help)"


def register(
    subparsers: Subparsers,
) -> argparse.ArgumentParser:
    """Add ``bench`` to ``subparsers``; return its parser."""
    # Listed for the top-level help only: `bench` arguments are never parsed here.
    return subparsers.add_parser(NAME, help=HELP, add_help=False)


def main(argv: list[str]) -> int:
    """Run the benchmark suite with ``argv`` as its arguments."""
    return delegate(NAME, "reactor_frame.benchmarks.suite", argv, extra="dev")
