"""Build the test programs in this directory into reactors.

Usage: python testdata/build.py [--force] [NAME...]
       python testdata/build.py --go PATH/TO/go --out-dir DIR [NAME...]

The second form builds the programs with another Go toolchain (CI uses it for
the oldest supported release) into DIR, leaving the test suite's builds alone.

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


def build_program(name: str, out_dir: Path, go: Path | None = None) -> Path:
    """Build program ``name`` to ``out_dir/NAME.wasm`` unconditionally."""
    out = Path(out_dir) / f"{name}.wasm"
    build_reactor(TESTDATA / name, out, go=go)
    return out


def _option(argv: list[str], name: str) -> Path | None:
    """The value of ``name VALUE`` in ``argv`` (removed from it), resolved
    against the current directory."""
    if name not in argv:
        return None
    at = argv.index(name)
    value = argv[at + 1]
    del argv[at:at + 2]
    return Path(value).expanduser().resolve()


def main(argv: list[str]) -> int:
    argv = list(argv)
    go, out_dir = _option(argv, "--go"), _option(argv, "--out-dir")
    force = "--force" in argv
    names = [a for a in argv if a != "--force"] or programs()
    unknown = sorted(set(names) - set(programs()))
    if unknown:
        print(f"unknown program(s): {', '.join(unknown)}; known: {', '.join(programs())}",
              file=sys.stderr)
        return 2
    if go is not None or out_dir is not None:
        if go is None or out_dir is None:
            print("--go and --out-dir go together", file=sys.stderr)
            return 2
        out_dir.mkdir(parents=True, exist_ok=True)
        for name in names:
            out = build_program(name, out_dir, go)
            print(f"{out} ({out.stat().st_size} bytes)")
        return 0
    if force:
        for name in names:
            wasm_path(name).with_name(f"{name}.wasm.inputs").unlink(missing_ok=True)
    for out in ensure_built(names):
        print(f"{out.relative_to(TESTDATA.parent)} ({out.stat().st_size} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
