"""Rebuild ``fireflies.wasm`` from the Go program in ``fireflies/``.

Usage, in a checkout: ``python -m reactor_frame.demos.build [OUT.wasm]``
(default: the ``fireflies.wasm`` shipped next to the sources).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from importlib import resources
from pathlib import Path

from reactor_frame.build import build_reactor
from reactor_frame.errors import BuildError


def package_dir() -> Path:
    """This package's directory; building needs the sources on disk."""
    root = resources.files(__package__)
    if not isinstance(root, Path):
        raise BuildError(f"the {__package__} sources are not on the file system ({root}); "
                         "rebuild the demo from a checkout")
    return root


def build_demo(output: str | Path | None = None) -> Path:
    """Build the fireflies program to ``output`` (default: the shipped .wasm)."""
    out = Path(output) if output is not None else package_dir() / "fireflies.wasm"
    build_reactor(package_dir() / "fireflies", out)
    return out


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) > 1:
        print("usage: python -m reactor_frame.demos.build [OUT.wasm]", file=sys.stderr)
        return 2
    try:
        out = build_demo(args[0] if args else None)
    except BuildError as exc:
        print(f"build failed: {exc}", file=sys.stderr)
        return 1
    print(f"built {out} ({out.stat().st_size} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
