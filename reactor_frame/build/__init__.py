"""Build WASI reactors from Go packages with a stock Go toolchain.

``build_reactor`` is what ``reactor-frame build`` runs: it finds Go, checks its
version, overlays this project's runtime files onto the toolchain's runtime
package for the one build (the installed toolchain is never modified), and
verifies the output exports the reactor ABI.
"""

from .builder import BuildResult, build_reactor
from .toolchain import GoToolchain, find_go

__all__ = ["BuildResult", "GoToolchain", "build_reactor", "find_go"]
