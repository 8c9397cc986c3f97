"""Binding a declared host function to what the guest actually calls.

:func:`bind_import` matches a :class:`HostFunction` against the type of the
module's import and prepares the per-call work once: which raw slot each
Python argument comes from, how it is decoded, and how the return value is
checked and stored. :func:`bind_callhost` adapts one to ``guest.CallHost``
(bytes in, bytes out).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import wasmtime

from .._wasmtime import Invoke
from ..errors import InteropError
from ..wasmfile import FuncType, wasm_signature
from .hostfuncs import HostFunction
from .wasmtypes import MEMORY_SPECS, SLOT_TYPES, getter_for, setter_for

if TYPE_CHECKING:
    from .memory import GuestMemoryView

MemorySource = Callable[[], "GuestMemoryView"]
Reader = Callable[[Any], Any]

_U32 = 0xFFFFFFFF


def bind_import(hf: HostFunction, label: str, functype: wasmtime.FuncType,
                memory: MemorySource) -> Invoke:
    """The raw ``invoke`` of ``hf`` imported as ``label`` with ``functype``.
    Raises :class:`InteropError` when the declared types do not match it."""
    sig = wasm_signature(functype)
    readers = _readers(hf, label, sig, memory)
    write = _writer(hf, label, sig)
    fn = hf.fn

    def invoke(values: Any) -> None:
        write(values, fn(*[read(values) for read in readers]))
    return invoke


def _mismatch(label: str, sig: FuncType, detail: str) -> InteropError:
    return InteropError(
        f"host function {label} does not match the module's import {label} {sig}: {detail}. "
        "Annotate it to match (i32, i64, u32, u64, f32, f64 from reactor_frame.interop; "
        "str or bytes for a Go string), or pass params=[...] / results=[...]"
    )


def _readers(hf: HostFunction, label: str, sig: FuncType, memory: MemorySource) -> list[Reader]:
    wasm = sig.params
    readers: list[Reader] = []
    pos = 0
    for name, spec in zip(hf.param_names, hf.params):
        if spec in MEMORY_SPECS:
            if wasm[pos:pos + 2] != ("i32", "i32"):
                raise _mismatch(label, sig, f"parameter {name!r} is {spec}, which takes two i32 "
                                f"values (pointer, length), but the import passes {_at(wasm, pos, 2)}")
            readers.append(_memory_reader(spec, pos, memory))
            pos += 2
            continue
        if pos >= len(wasm):
            raise _mismatch(label, sig, f"parameter {name!r} has no matching argument "
                            f"(the import passes {len(wasm)} values)")
        if spec is not None and wasm[pos] not in SLOT_TYPES[spec]:
            raise _mismatch(label, sig, f"parameter {name!r} is {spec}, but the import passes {wasm[pos]}")
        readers.append(_slot_reader(wasm[pos], spec or wasm[pos], pos))
        pos += 1
    if hf.rest:
        readers.extend(_slot_reader(w, w, i) for i, w in enumerate(wasm[pos:], pos))
    elif pos < len(wasm):
        raise _mismatch(label, sig, f"its {_count(len(hf.params), 'parameter')} cover "
                        f"{pos} of the {len(wasm)} values the import passes")
    return readers


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _at(wasm: tuple[str, ...], pos: int, n: int) -> str:
    found = wasm[pos:pos + n]
    return f"({', '.join(found)})" if found else "nothing more"


def _slot_reader(wasm: str, spec: str, index: int) -> Reader:
    get = getter_for(wasm, spec)
    return lambda values: get(values[index])


def _memory_reader(spec: str, index: int, memory: MemorySource) -> Reader:
    def read(values: Any) -> Any:
        data = memory().read_bytes(values[index].i32 & _U32, values[index + 1].i32 & _U32)
        return data.decode("utf-8", "replace") if spec == "str" else data
    return read


def _writer(hf: HostFunction, label: str, sig: FuncType) -> Callable[[Any, Any], None]:
    wasm = sig.results
    specs = hf.results if hf.results is not None else wasm
    if len(specs) != len(wasm):
        raise _mismatch(label, sig, f"it returns {_count(len(specs), 'value')}, the import "
                        f"expects {len(wasm)}")
    for spec, w in zip(specs, wasm):
        if spec in MEMORY_SPECS:
            raise _mismatch(label, sig, f"it returns {spec}, which a //go:wasmimport function cannot "
                            "return; call it with guest.CallHost instead")
        if w not in SLOT_TYPES[spec]:
            raise _mismatch(label, sig, f"it returns {spec}, but the import expects {w}")
    what = f"the result of host function {label}"
    setters = [setter_for(w, spec, what) for spec, w in zip(specs, wasm)]
    if not setters:
        return lambda values, result: None
    if len(setters) == 1:
        put = setters[0]
        return lambda values, result: put(values[0], result)

    def write_many(values: Any, result: Any) -> None:
        if not isinstance(result, (tuple, list)) or len(result) != len(setters):
            raise InteropError(f"{what} must be a tuple of {len(setters)} values, not {result!r}")
        for i, (put_one, item) in enumerate(zip(setters, result)):
            put_one(values[i], item)
    return write_many


def bind_callhost(hf: HostFunction, label: str) -> Callable[[bytes], bytes] | str:
    """``call(payload) -> answer`` for ``guest.CallHost``, or the reason
    ``hf`` cannot be called that way."""
    if len(hf.params) > 1 or (hf.params and hf.params[0] not in (None, *MEMORY_SPECS)):
        taken = ", ".join(s or "?" for s in hf.params)
        return f"it takes ({taken}); CallHost passes one bytes or str parameter"
    if hf.results is not None and (len(hf.results) > 1 or (hf.results and hf.results[0] not in MEMORY_SPECS)):
        return f"it returns ({', '.join(hf.results)}); CallHost expects bytes, str or None"
    fn = hf.fn
    as_text = bool(hf.params) and hf.params[0] == "str"
    takes_payload = bool(hf.params) or hf.rest

    def call(payload: bytes) -> bytes:
        if not takes_payload:
            answer = fn()
        else:
            answer = fn(payload.decode("utf-8", "replace") if as_text else payload)
        if answer is None:
            return b""
        if isinstance(answer, str):
            return answer.encode("utf-8")
        try:
            return bytes(memoryview(answer))
        except TypeError:
            raise InteropError(
                f"host function {label} returned {type(answer).__name__}; a function called "
                "with guest.CallHost must return bytes, str or None"
            ) from None
    return call
