"""Subcommands owned by another part of the project: hand them every
argument and report a missing part as one clear error."""

from __future__ import annotations

import importlib

from .exits import CommandError


def delegate(command: str, module: str, argv: list[str], extra: str) -> int:
    """Call ``module.main(argv)`` and return its exit code. ``extra`` names
    the optional-dependency group that installs what ``module`` needs."""
    try:
        target = importlib.import_module(module)
    except ModuleNotFoundError as exc:
        missing = exc.name or "?"
        if module == missing or module.startswith(missing + "."):
            raise CommandError(
                f"`reactor-frame {command}` is not available: {module} is not installed "
                "(reinstall reactor-frame; in a checkout: pip install -e .)") from None
        raise CommandError(
            f"`reactor-frame {command}` needs the Python module {missing!r}, which is not "
            f"installed: pip install 'reactor-frame[{extra}]'") from None
    main = getattr(target, "main", None)
    if not callable(main):
        raise CommandError(f"`reactor-frame {command}`: {module} has no main(argv) function")
    return int(main(argv) or 0)
