"""The command line's exit-code policy, and how a failure becomes one line.

==========  ==============================================================
code        meaning
==========  ==============================================================
0           success (``run``: the guest exited 0 or its main returned)
N           ``run``: the guest's own exit code (``os.Exit(N)``)
1           a failure: missing or invalid input, trap, watchdog timeout,
            build failure, a missing optional component
2           a usage error (argparse's convention); also, for ``run``, a Go
            panic, a fatal runtime error or a deadlock, as the same program
            built natively exits 2 after one
130         interrupted (Ctrl-C)
==========  ==============================================================
"""

from __future__ import annotations

from ..errors import GoPanicError, ReactorError, ReactorTimeoutError, first_line
from ..host.failures import TIMEOUT_ADVICE

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_USAGE = 2
EXIT_GO_FATAL = 2
EXIT_INTERRUPTED = 130


class CommandError(Exception):
    """An expected failure of a subcommand, with the exit code to use."""

    def __init__(self, message: str, exit_code: int = EXIT_FAILURE) -> None:
        super().__init__(message)
        self.exit_code = exit_code


Reportable = (CommandError, ReactorError, OSError)
"""The exceptions reported as ``reactor-frame: error: ...`` without a traceback."""


def explain(exc: BaseException) -> tuple[str, int]:
    """The message (first line first) and exit code for a reportable error."""
    if isinstance(exc, CommandError):
        return str(exc), exc.exit_code
    if isinstance(exc, GoPanicError):
        # The Go runtime's panic message and trace already went to stderr as
        # the guest wrote them; the error line only names what happened.
        return first_line(exc).rstrip(":"), EXIT_GO_FATAL
    if isinstance(exc, ReactorTimeoutError):
        # The API's advice names the keyword; the command line has a flag.
        return (str(exc).rstrip().replace(
            TIMEOUT_ADVICE,
            "Raise --tick-timeout S, or pass --tick-timeout 0 to disable the watchdog."),
            EXIT_FAILURE)
    if isinstance(exc, ReactorError):
        # Whole: a compile error's compiler output, a trap's wasm backtrace.
        return str(exc).rstrip(), EXIT_FAILURE
    if isinstance(exc, OSError):
        where = f"{exc.filename}: " if exc.filename is not None else ""
        return f"{where}{exc.strerror or exc}", EXIT_FAILURE
    raise TypeError(f"not a reportable error: {exc!r}")
