"""Simulation at scale: Go programs as Gymnasium environments, and sweeps of
one program over many seeds, serially, in processes or on Ray.

Needs the ``sim`` extra (``pip install "reactor-frame[sim]"``: Gymnasium and
numpy); Ray sweeps need the ``ray`` extra. See docs/sim.md.
"""

from .env import GoEnv
from .guestenv import GuestEnv
from .sweep import Run, RunResult, sweep
from .vector import GoVectorEnv

__all__ = ["GoEnv", "GoVectorEnv", "GuestEnv", "Run", "RunResult", "sweep"]
