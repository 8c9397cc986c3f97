"""Simulation at scale: Go programs as Gymnasium environments, and sweeps of
one program over many seeds, serially, in processes or on Ray.

The environments need the ``sim`` extra (``pip install "reactor-frame[sim]"``:
Gymnasium and numpy); ``sweep`` needs nothing beyond the core, and Ray for
``executor="ray"`` (the ``ray`` extra). Names are imported on first use, so
``from reactor_frame.sim import sweep`` works without Gymnasium. See
docs/sim.md.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from ..errors import MissingDependencyError

if TYPE_CHECKING:
    from .env import GoEnv
    from .guestenv import GuestEnv
    from .runs import Run, RunResult
    from .sweeps import sweep
    from .vector import GoVectorEnv

__all__ = ["GoEnv", "GoVectorEnv", "GuestEnv", "Run", "RunResult", "sweep"]

_HOMES = {"GoEnv": "env", "GoVectorEnv": "vector", "GuestEnv": "guestenv",
          "Run": "runs", "RunResult": "runs", "sweep": "sweeps"}
_EXTRA_PACKAGES = {"gymnasium": "sim", "numpy": "sim"}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    try:
        module = importlib.import_module(f".{home}", __name__)
    except ImportError as exc:
        extra = _EXTRA_PACKAGES.get((exc.name or "").split(".")[0])
        if extra is None:
            raise
        raise MissingDependencyError(
            f"reactor_frame.sim.{name} needs {exc.name}, which is not installed: "
            f'pip install "reactor-frame[{extra}]"') from None
    value = getattr(module, name)
    globals()[name] = value
    return value
