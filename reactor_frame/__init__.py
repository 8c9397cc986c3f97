"""reactor-frame: host Go programs compiled as WASI reactors in Python, and
drive their goroutines a frame at a time.

>>> from reactor_frame import Reactor
>>> with Reactor("testdata/hello.wasm", stdout=print) as r:   # doctest: +SKIP
...     r.run()
"""

from .abi import LoopResult, ModuleKind
from .clock import Clock, RealClock, VirtualClock
from .errors import (
    BuildError,
    CompileError,
    ConcurrentUseError,
    GoNotFoundError,
    GoPanicError,
    GoVersionError,
    GuestError,
    InteropError,
    InvalidModuleError,
    NotMainPackageError,
    ReactorClosedError,
    ReactorError,
    ReactorTimeoutError,
    ReactorTrapError,
    ReentrancyError,
    SnapshotError,
    SnapshotFormatError,
    SnapshotLimitError,
    SnapshotMismatchError,
    SnapshotStateError,
    SnapshotVersionError,
)
from .host.engine import ReactorEngine, WatchdogUnavailableError
from .host.progress import CompileEvent, CompileNotice
from .host.reactor import DEFAULT_TICK_TIMEOUT_S, Reactor
from .host.traphandlers import keep_trap_handlers, restore_trap_handlers
from .interop import HostFunction, HostFunctions, SharedBuffer, host_function
from .scheduling.fastforward import FastForwardUnavailableError, fast_forward, run_fast
from .scheduling.frame import FrameScheduler
from .scheduling.hooks import Hooks
from .scheduling.report import StepReport
from .snapshot import ReactorSnapshot
from .errors import HookSignatureError, NoGoModuleError
from .scheduling.framereport import FrameReport

__version__ = "0.1.0"

__all__ = [
    "BuildError", "Clock", "CompileError", "ConcurrentUseError", "DEFAULT_TICK_TIMEOUT_S",
    "FrameScheduler", "GoNotFoundError", "GoPanicError", "GoVersionError", "GuestError",
    "Hooks", "HostFunction", "HostFunctions", "InteropError", "InvalidModuleError", "LoopResult", "ModuleKind",
    "NotMainPackageError", "RealClock", "Reactor", "ReactorClosedError", "ReactorEngine",
    "ReactorError", "ReactorSnapshot", "ReactorTimeoutError", "ReactorTrapError", "ReentrancyError",
    "SharedBuffer", "SnapshotError", "SnapshotFormatError", "SnapshotLimitError",
    "SnapshotMismatchError", "SnapshotStateError", "SnapshotVersionError", "StepReport", "VirtualClock", "__version__", "host_function",
    "FrameReport", "HookSignatureError", "NoGoModuleError",
    "CompileEvent", "CompileNotice", "WatchdogUnavailableError",
    "FastForwardUnavailableError", "fast_forward", "run_fast",
    "keep_trap_handlers", "restore_trap_handlers",
]
