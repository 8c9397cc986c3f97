"""Finding the compiled Go test programs the benchmarks run.

The ``.wasm`` files are neither bundled nor committed: they are built from
``testdata/*/main.go`` on first use (and again when their inputs change), and
the benchmarks are a developer tool run from a checkout. So the directory is,
in order:

1. ``$REACTOR_FRAME_TESTDATA`` if set (benchmarking an installed package
   against a checkout's programs);
2. ``testdata/`` at the top of the repository this package lives in
   (``Path(__file__).parents[1] / "testdata"``: a checkout or an editable
   install).

Anything else fails with :class:`MissingTestdata`, which says what to do.
"""

from __future__ import annotations

import os
from pathlib import Path

from reactor_frame.build import build_if_stale
from reactor_frame.errors import ReactorError

ENV_VAR = "REACTOR_FRAME_TESTDATA"


class MissingTestdata(RuntimeError):
    """The test programs the benchmarks need cannot be found."""


def testdata_dir() -> Path:
    """The directory holding the compiled test programs (see module doc)."""
    explicit = os.environ.get(ENV_VAR)
    if explicit:
        path = Path(explicit)
        if not path.is_dir():
            raise MissingTestdata(f"${ENV_VAR} is {explicit!r}, which is not a directory")
        return path
    path = Path(__file__).resolve().parents[1] / "testdata"
    if path.is_dir():
        return path
    raise MissingTestdata(
        "the benchmarks need the Go test programs of a reactor-frame checkout "
        f"(testdata/*.wasm), and none was found at {path}. Run them from a "
        "checkout (`python -m benchmarks.suite`, or `pip install -e .` then "
        f"`reactor-frame bench`), or set ${ENV_VAR} to a checkout's testdata directory."
    )


def program(name: str) -> Path:
    """Path of ``testdata/NAME.wasm``, built first if missing or stale."""
    directory = testdata_dir()
    path = directory / f"{name}.wasm"
    if not (directory / name).is_dir():
        if path.is_file():
            return path  # a directory of built programs only
        raise MissingTestdata(f"{directory} has no program {name!r}")
    try:
        return build_if_stale(directory / name, path)
    except ReactorError as exc:
        raise MissingTestdata(f"cannot build {path}: {exc}") from None
