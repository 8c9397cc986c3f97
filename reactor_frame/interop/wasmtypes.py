"""WebAssembly value types as Python annotations, and the conversions between
Python values and raw wasm values.

Host functions and guest exports exchange ``i32``, ``i64``, ``f32`` and
``f64`` values. The aliases below pin a parameter or result to one of them
(and ``u32``/``u64`` read Go's unsigned integers as non-negative ``int``).
The plain Python types are flexible: ``int`` and ``float`` take whichever
width the module's import declares, ``bool`` is an ``i32``, and ``str`` and
``bytes`` parameters take two ``i32`` values, a pointer and a length into
guest memory (what Go passes for a ``string`` parameter of a
``//go:wasmimport`` function).
"""

from __future__ import annotations

import operator
import types
import typing
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any

from ..errors import InteropError


@dataclass(frozen=True)
class WasmType:
    """The marker inside the ``Annotated`` aliases: a spec name (see SPECS)."""

    spec: str


i32 = Annotated[int, WasmType("i32")]
"""A 32-bit integer; arrives signed (Go ``int32``, ``bool``, pointers)."""
i64 = Annotated[int, WasmType("i64")]
"""A 64-bit integer; arrives signed (Go ``int64``)."""
u32 = Annotated[int, WasmType("u32")]
"""A 32-bit integer read as unsigned (Go ``uint32``)."""
u64 = Annotated[int, WasmType("u64")]
"""A 64-bit integer read as unsigned (Go ``uint64``)."""
f32 = Annotated[float, WasmType("f32")]
"""A 32-bit float (Go ``float32``)."""
f64 = Annotated[float, WasmType("f64")]
"""A 64-bit float (Go ``float64``)."""

#: spec -> the wasm types its one slot may have. ``str`` and ``bytes`` take
#: two ``i32`` slots and are handled apart.
SLOT_TYPES: dict[str, tuple[str, ...]] = {
    "i32": ("i32",), "u32": ("i32",), "bool": ("i32",),
    "i64": ("i64",), "u64": ("i64",),
    "f32": ("f32",), "f64": ("f64",),
    "int": ("i32", "i64"), "float": ("f32", "f64"),
}
MEMORY_SPECS = ("str", "bytes")
SPECS = (*SLOT_TYPES, *MEMORY_SPECS)
WASM_TYPES = ("i32", "i64", "f32", "f64")

_PLAIN = {int: "int", float: "float", bool: "bool", str: "str", bytes: "bytes"}


def spec_of(annotation: Any, where: str) -> str:
    """The spec name of one parameter or result annotation (or explicit type).

    Accepts the aliases above, ``int``, ``float``, ``bool``, ``str``,
    ``bytes`` and the spec names as strings ("i32", "str"...).
    """
    if isinstance(annotation, str) and annotation in SPECS:
        return annotation
    if typing.get_origin(annotation) is Annotated:
        for marker in annotation.__metadata__:
            if isinstance(marker, WasmType):
                return marker.spec
    spec = _PLAIN.get(annotation)
    if spec is None:
        raise InteropError(
            f"{where}: {_describe(annotation)} is not a type a host function can exchange; use "
            "i32, i64, u32, u64, f32, f64 (from reactor_frame.interop), int, float, bool, "
            "or str/bytes for a (pointer, length) pair"
        )
    return spec


def result_specs(annotation: Any, where: str) -> tuple[str, ...]:
    """The result specs of a return annotation: ``None`` -> (), ``X`` -> (X,),
    ``tuple[X, Y]`` -> (X, Y)."""
    if annotation is None or annotation is type(None):
        return ()
    if typing.get_origin(annotation) is tuple:
        return tuple(spec_of(a, where) for a in typing.get_args(annotation))
    return (spec_of(annotation, where),)


def _describe(annotation: Any) -> str:
    if isinstance(annotation, (type, types.GenericAlias)):
        return getattr(annotation, "__name__", repr(annotation))
    return repr(annotation)


# --------------------------------------------------------------- encoding --
Setter = Callable[[Any, Any], None]
"""``setter(slot, value)``: convert a Python value and store it in a raw slot."""

#: The integers an i32 or i64 slot accepts: signed or unsigned.
INT_RANGES = {"i32": (-(1 << 31), (1 << 32) - 1), "i64": (-(1 << 63), (1 << 64) - 1)}


def setter_for(wasm: str, spec: str, label: str) -> Setter:
    """A setter storing Python values as ``wasm`` values, checking their type
    and range; errors name ``label`` (say, "argument 2 of exports.add")."""
    if spec == "bool":
        def put_bool(slot: Any, value: Any) -> None:
            if not isinstance(value, (bool, int)):
                raise InteropError(f"{label} must be a bool, not {type(value).__name__}")
            slot.i32 = 1 if value else 0
        return put_bool
    if wasm in INT_RANGES:
        low, high = INT_RANGES[wasm]

        def put_int(slot: Any, value: Any) -> None:
            if type(value) is not int:
                value = _as_int(value, wasm, label)
            if not low <= value <= high:
                raise InteropError(
                    f"{label} = {value} does not fit in {wasm} ({low} to {high}, "
                    "unsigned values allowed)"
                )
            setattr(slot, wasm, value)  # ctypes wraps unsigned values to signed
        return put_int

    def put_float(slot: Any, value: Any) -> None:
        if type(value) is not float:
            value = _as_float(value, wasm, label)
        setattr(slot, wasm, value)
    return put_float


def _as_int(value: Any, wasm: str, label: str) -> int:
    try:
        return operator.index(value)
    except TypeError:
        raise InteropError(f"{label} must be an integer ({wasm}), not {type(value).__name__}") from None


def _as_float(value: Any, wasm: str, label: str) -> float:
    if not isinstance(value, (str, bytes, bytearray)):
        try:
            return float(value)
        except OverflowError:
            raise InteropError(f"{label} = {value} is too large for {wasm}") from None
        except (TypeError, ValueError):
            pass
    raise InteropError(f"{label} must be a number ({wasm}), not {type(value).__name__}")


# --------------------------------------------------------------- decoding --
def getter_for(wasm: str, spec: str) -> Callable[[Any], Any]:
    """``getter(slot)``: the Python value of a raw slot holding a ``wasm``
    value, as ``spec`` wants it (unsigned, bool, or as is)."""
    if spec == "u32":
        return lambda slot: slot.i32 & 0xFFFFFFFF
    if spec == "u64":
        return lambda slot: slot.i64 & 0xFFFFFFFFFFFFFFFF
    if spec == "bool":
        return lambda slot: slot.i32 != 0
    return operator.attrgetter(wasm)
