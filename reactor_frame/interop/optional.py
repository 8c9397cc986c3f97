"""Optional dependencies of the interop layer, imported only when used."""

from __future__ import annotations

from types import ModuleType

from ..errors import InteropError


def require_numpy(purpose: str) -> ModuleType:
    """Import numpy, or explain how to install it (``purpose`` says what
    needed it)."""
    try:
        import numpy
    except ImportError as exc:
        raise InteropError(
            f"{purpose} needs numpy, which is not installed: "
            "pip install 'reactor-frame[numpy]' (or use memoryview() instead)"
        ) from exc
    return numpy
