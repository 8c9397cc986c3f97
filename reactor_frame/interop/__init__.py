"""Host <-> Go interop: host functions, guest exports, guest memory, and the
host side of the ``reactorframe/guest`` Go package (events, shared records,
``CallHost``). See docs/interop.md.
"""

from .events import GuestEvents
from .exports import GuestExports, GuestFunction, UnknownExportError
from .hostfuncs import HostFunction, HostFunctions, ImportsSpec, host_function
from .memory import GuestMemoryView
from .shared import SharedBuffer
from .wasmtypes import WasmType, f32, f64, i32, i64, u32, u64

__all__ = [
    "GuestEvents",
    "GuestExports",
    "GuestFunction",
    "GuestMemoryView",
    "HostFunction",
    "HostFunctions",
    "ImportsSpec",
    "SharedBuffer",
    "UnknownExportError",
    "WasmType",
    "f32",
    "f64",
    "host_function",
    "i32",
    "i64",
    "u32",
    "u64",
]
