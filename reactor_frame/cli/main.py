"""Entry point of ``reactor-frame`` and ``python -m reactor_frame``."""

from __future__ import annotations

import sys

from .app import run


def main(argv: list[str] | None = None) -> int:
    return run(sys.argv[1:] if argv is None else argv)
