"""Build WASI reactors from Go packages with a stock Go toolchain.

``build_reactor`` is what ``reactor-frame build`` runs: it finds Go, checks its
version, overlays this project's runtime files onto the toolchain's runtime
package for the one build (the installed toolchain is never modified), and
verifies the output exports the reactor ABI. ``build_if_stale`` does the
same only when the inputs changed since the last build.
"""

from .builder import BuildResult, build_reactor
from .fresh import build_if_stale
from .toolchain import GoToolchain, find_go

__all__ = ["BuildResult", "GoToolchain", "build_if_stale", "build_reactor", "find_go"]
