"""Build the test programs in this directory into reactors.

Usage: python testdata/build.py [--force] [NAME...]

Each subdirectory holding a main.go is one program, built to NAME.wasm next to
it. The .wasm files are not committed: they are made from their sources, and a
program is rebuilt only when its inputs (its Go files, the runtime overlay, the
Go release) changed since the last build. The test suite calls
``ensure_built`` before it starts, so a fresh clone needs no manual step.
"""

from __future__ import annotations

import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

TESTDATA = Path(__file__).resolve().parent
if str(TESTDATA.parent) not in sys.path:
    sys.path.insert(0, str(TESTDATA.parent))  # run from a checkout, not installed

from reactor_frame.build import build_if_stale, build_reactor  # noqa: E402


def programs() -> list[str]:
    """Names of all programs: the subdirectories that hold a main.go."""
    return sorted(p.parent.name for p in TESTDATA.glob("*/main.go"))


def wasm_path(name: str) -> Path:
    return TESTDATA / f"{name}.wasm"


def ensure_built(names: list[str] | None = None, workers: int = 2) -> list[Path]:
    """Build every named program (default: all) whose .wasm is missing or
    stale; returns their paths. Raises the first build error."""
    todo = programs() if names is None else names
    with ThreadPoolExecutor(workers) as pool:
        return list(pool.map(lambda n: build_if_stale(TESTDATA / n, wasm_path(n)), todo))


def build_program(name: str, out_dir: Path) -> Path:
    """Build program ``name`` to ``out_dir/NAME.wasm`` unconditionally."""
    out = Path(out_dir) / f"{name}.wasm"
    build_reactor(TESTDATA / name, out)
    return out


def main(argv: list[str]) -> int:
    force = "--force" in argv
    names = [a for a in argv if a != "--force"] or programs()
    unknown = sorted(set(names) - set(programs()))
    if unknown:
        print(f"unknown program(s): {', '.join(unknown)}; known: {', '.join(programs())}",
              file=sys.stderr)
        return 2
    if force:
        for name in names:
            wasm_path(name).with_name(f"{name}.wasm.inputs").unlink(missing_ok=True)
    for out in ensure_built(names):
        print(f"{out.relative_to(TESTDATA.parent)} ({out.stat().st_size} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
