"""WASI set-up for a reactor: arguments, environment, preopened directories,
stdin, output capture, and the host functions that replace wasmtime's WASI
ones for virtual time and seeded randomness."""

from __future__ import annotations

import os
import random
import struct
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import wasmtime

from .._wasmtime import guarded
from ..clock import VirtualClock
from ..errors import ReactorError
from .output import OutputCapture

WASI = "wasi_snapshot_preview1"

_ERRNO_SUCCESS = 0
_ERRNO_FAULT = 21
_ERRNO_INVAL = 28

_CLOCK_REALTIME = 0
_CLOCK_MONOTONIC = 1
_CLOCK_PROCESS_CPUTIME = 2
_CLOCK_THREAD_CPUTIME = 3

_EVENTTYPE_CLOCK = 0
_EVENTTYPE_FD_WRITE = 2
_SUBCLOCK_ABSTIME = 1

_U32 = 0xFFFF_FFFF
_SUB_SIZE, _SUB_ALIGN = 48, 8
_EVENT_SIZE, _EVENT_ALIGN = 32, 8
#: Of a subscription: tag, clock id, timeout, flags (userdata is read on output).
_SUB_FIELDS = struct.Struct("<8xB7xIxxxxQ8xH6x")
_SUB_USERDATA_TAG = struct.Struct("<QB")
_EVENT = struct.Struct("<QHBxxxxxQH6x")  # userdata, error, type, nbytes, flags
_U64 = struct.Struct("<Q")
_U32_STRUCT = struct.Struct("<I")
#: Subscriptions read from guest memory at a time: host memory per poll stays
#: small and constant whatever ``nsubscriptions`` the guest passes.
_CHUNK_SUBS = 2048

def make_wasi_config(
    *,
    args: Sequence[str],
    env: Mapping[str, str] | None,
    preopens: Mapping[str, str | os.PathLike[str]] | None,
    stdin: bytes | None,
    output: OutputCapture,
) -> wasmtime.WasiConfig:
    """A WasiConfig with output going to ``output``'s queue."""
    config = wasmtime.WasiConfig()
    config.argv = [str(a) for a in args]
    if env:
        config.env = [(str(k), str(v)) for k, v in env.items()]
    for guest_path, host_path in (preopens or {}).items():
        host = Path(host_path)
        if not host.is_dir():
            raise ReactorError(
                f"preopens[{guest_path!r}] = {str(host)!r} is not a directory on the host"
            )
        config.preopen_dir(str(host), str(guest_path))
    if stdin is not None:
        # wasmtime takes stdin from a file; it opens it now, so the name can go at once.
        fd, name = tempfile.mkstemp(prefix="reactor-frame-stdin-")
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(bytes(stdin))
            config.stdin_file = name
        finally:
            os.unlink(name)
    config.stdout_custom = output.on_stdout
    config.stderr_custom = output.on_stderr
    return config


class VirtualTimeLink:
    """What the virtual-time WASI functions share with their reactor."""

    def __init__(self, clock: VirtualClock) -> None:
        self.clock = clock
        self.guest_reads_block = False
        """Set once the guest reads virtual time from the control block; from
        then on the WASI monotonic clock answers real time, which the runtime
        uses only to measure tick budgets."""
        self.publish: Callable[[], None] = lambda: None
        """Writes the clock into the control block (set by the reactor)."""


def define_virtual_time(linker: wasmtime.Linker, link: VirtualTimeLink) -> None:
    """Replace ``clock_time_get`` and ``poll_oneoff`` so the guest lives on
    ``link.clock``: reads return virtual time and polls never block, moving
    virtual time to the earliest clock subscription instead.

    Guest arguments are checked as WASI does: pointers and counts are u32, a
    pointer outside memory gives EFAULT, a misaligned one or an unknown clock
    or subscription type EINVAL; no guest value makes the host raise.
    """
    clock = link.clock

    def clock_time_get(caller: wasmtime.Caller, clock_id: int, _precision: int, out_ptr: int) -> int:
        clock_id &= _U32
        if clock_id == _CLOCK_REALTIME:
            value = clock.wall_ns()
        elif clock_id == _CLOCK_MONOTONIC:
            value = time.monotonic_ns() if link.guest_reads_block else clock.now_ns()
        elif clock_id in (_CLOCK_PROCESS_CPUTIME, _CLOCK_THREAD_CPUTIME):
            value = time.thread_time_ns()
        else:
            return _ERRNO_INVAL
        return _write(caller, out_ptr & _U32, _U64.pack(value), align=8)

    def poll_oneoff(caller: wasmtime.Caller, in_ptr: int, out_ptr: int, nsubs: int,
                    nevents_ptr: int) -> int:
        in_ptr, out_ptr, nsubs, nevents_ptr = in_ptr & _U32, out_ptr & _U32, nsubs & _U32, nevents_ptr & _U32
        memory = _memory(caller)
        if memory is None:
            return _ERRNO_FAULT
        if nsubs == 0 or in_ptr % _SUB_ALIGN or out_ptr % _EVENT_ALIGN or nevents_ptr % 4:
            return _ERRNO_INVAL
        size = memory.data_len(caller)
        if in_ptr + _SUB_SIZE * nsubs > size or nevents_ptr + 4 > size:
            return _ERRNO_FAULT
        now = clock.now_ns()
        offset = clock.wall_ns() - now
        limit = clock.limit_ns()

        def when(clock_id: int, timeout: int, flags: int) -> int:
            # Saturated: a u64 timeout never takes the clock past its limit.
            if not flags & _SUBCLOCK_ABSTIME:
                return min(limit, now + timeout)
            if clock_id == _CLOCK_REALTIME:
                return min(limit, timeout - offset)
            return min(limit, timeout)

        # Pass 1: validate and find the earliest clock deadline, a chunk at a time.
        wake = limit
        has_fd = False
        for first in range(0, nsubs, _CHUNK_SUBS):
            raw = _read_subs(caller, memory, in_ptr, first, min(nsubs, first + _CHUNK_SUBS))
            for tag, clock_id, timeout, flags in _SUB_FIELDS.iter_unpack(raw):
                if tag == _EVENTTYPE_CLOCK:
                    if clock_id not in (_CLOCK_REALTIME, _CLOCK_MONOTONIC):
                        return _ERRNO_INVAL
                    wake = min(wake, when(clock_id, timeout, flags))
                elif tag <= _EVENTTYPE_FD_WRITE:
                    has_fd = True
                else:
                    return _ERRNO_INVAL
        # Virtual time never blocks: it jumps to the earliest clock subscription
        # (fd subscriptions are always ready, so then no time passes).
        if not has_fd:
            clock.advance_to_ns(wake)
            link.publish()
        now_after = clock.now_ns()

        # Pass 2: write an event for each subscription that is ready.
        nevents = 0
        for first in range(0, nsubs, _CHUNK_SUBS):
            raw = _read_subs(caller, memory, in_ptr, first, min(nsubs, first + _CHUNK_SUBS))
            events = bytearray()
            for i, (tag, clock_id, timeout, flags) in enumerate(_SUB_FIELDS.iter_unpack(raw)):
                if tag != _EVENTTYPE_CLOCK or when(clock_id, timeout, flags) <= now_after:
                    userdata, _ = _SUB_USERDATA_TAG.unpack_from(raw, i * _SUB_SIZE)
                    events += _EVENT.pack(userdata, 0, tag, 0, 0)
            if events:
                at = out_ptr + _EVENT_SIZE * nevents
                if at + len(events) > size:
                    return _ERRNO_FAULT
                memory.write(caller, bytes(events), at)
                nevents += len(events) // _EVENT_SIZE
        return _write(caller, nevents_ptr, _U32_STRUCT.pack(nevents), align=4)

    i32, i64 = wasmtime.ValType.i32(), wasmtime.ValType.i64()
    linker.define_func(WASI, "clock_time_get", wasmtime.FuncType([i32, i64, i32], [i32]), guarded(clock_time_get),
                       access_caller=True)
    linker.define_func(WASI, "poll_oneoff", wasmtime.FuncType([i32, i32, i32, i32], [i32]), guarded(poll_oneoff),
                       access_caller=True)


def define_seeded_random(linker: wasmtime.Linker, seed: int) -> random.Random:
    """Replace ``random_get`` with a stream determined by ``seed``; returns
    the generator, whose state snapshots save and restore."""
    rng = random.Random(seed)

    def random_get(caller: wasmtime.Caller, buf_ptr: int, length: int) -> int:
        buf_ptr, length = buf_ptr & _U32, length & _U32
        memory = _memory(caller)
        if memory is None or buf_ptr + length > memory.data_len(caller):
            return _ERRNO_FAULT
        return _write(caller, buf_ptr, rng.randbytes(length))

    i32 = wasmtime.ValType.i32()
    linker.define_func(WASI, "random_get", wasmtime.FuncType([i32, i32], [i32]), guarded(random_get),
                       access_caller=True)
    return rng


def _memory(caller: wasmtime.Caller) -> wasmtime.Memory | None:
    memory: Any = caller.get("memory")
    return memory if isinstance(memory, wasmtime.Memory) else None


def _read_subs(caller: wasmtime.Caller, memory: wasmtime.Memory, in_ptr: int,
               first: int, stop: int) -> bytearray:
    return memory.read(caller, in_ptr + _SUB_SIZE * first, in_ptr + _SUB_SIZE * stop)


def _write(caller: wasmtime.Caller, ptr: int, data: bytes, align: int = 1) -> int:
    """Write ``data`` at u32 ``ptr``: EINVAL if misaligned, EFAULT if out of memory."""
    if ptr % align:
        return _ERRNO_INVAL
    memory = _memory(caller)
    if memory is None or ptr < 0 or ptr + len(data) > memory.data_len(caller):
        return _ERRNO_FAULT
    if data:  # wasmtime refuses even an empty write at the end of memory
        memory.write(caller, data, ptr)
    return _ERRNO_SUCCESS
