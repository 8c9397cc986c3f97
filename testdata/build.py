"""Rebuild the test programs in this directory into reactors.

Usage: python testdata/build.py [NAME...]

Each subdirectory holding a main.go is one program, built to NAME.wasm next to
it with reactor_frame.build.build_reactor. With no names, every program is
rebuilt. tests/test_testdata_fresh.py uses build_program to check that the
committed .wasm files match their sources.
"""

from __future__ import annotations

import sys
from pathlib import Path

TESTDATA = Path(__file__).resolve().parent
sys.path.insert(0, str(TESTDATA.parent))  # run from a checkout, not installed

from reactor_frame.build import build_reactor  # noqa: E402


def programs() -> list[str]:
    """Names of all programs: the subdirectories that hold a main.go."""
    return sorted(p.parent.name for p in TESTDATA.glob("*/main.go"))


def build_program(name: str, out_dir: Path = TESTDATA) -> Path:
    """Build program ``name`` to ``out_dir/NAME.wasm`` and return that path."""
    out = Path(out_dir) / f"{name}.wasm"
    build_reactor(TESTDATA / name, out)
    return out


def main(argv: list[str]) -> int:
    known = programs()
    names = argv or known
    unknown = sorted(set(names) - set(known))
    if unknown:
        print(f"unknown program(s): {', '.join(unknown)}; known: {', '.join(known)}",
              file=sys.stderr)
        return 2
    for name in names:
        out = build_program(name)
        print(f"built {out.relative_to(TESTDATA.parent)} ({out.stat().st_size} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
