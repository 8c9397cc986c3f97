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
_ERRNO_INVAL = 28
_ERRNO_FAULT = 21

_CLOCK_REALTIME = 0
_CLOCK_MONOTONIC = 1

_SUBSCRIPTION = struct.Struct("<QB7xIxxxxQQH6x")  # userdata, tag, clock id, timeout, precision, flags
_FD_SUBSCRIPTION = struct.Struct("<QB7xI")
_EVENT = struct.Struct("<QHBxxxxxQH6x")  # userdata, error, type, nbytes, flags
_SUBCLOCK_ABSTIME = 1


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
    virtual time to the earliest clock subscription instead."""
    clock = link.clock

    def clock_time_get(caller: wasmtime.Caller, clock_id: int, _precision: int, out_ptr: int) -> int:
        if clock_id == _CLOCK_REALTIME:
            value = clock.wall_ns()
        elif clock_id == _CLOCK_MONOTONIC:
            value = time.monotonic_ns() if link.guest_reads_block else clock.now_ns()
        elif clock_id in (2, 3):
            value = time.thread_time_ns()
        else:
            return _ERRNO_INVAL
        return _write(caller, out_ptr, struct.pack("<Q", value))

    def poll_oneoff(caller: wasmtime.Caller, in_ptr: int, out_ptr: int, nsubs: int,
                    nevents_ptr: int) -> int:
        memory = _memory(caller)
        if memory is None or nsubs <= 0 or in_ptr + 48 * nsubs > memory.data_len(caller):
            return _ERRNO_INVAL
        raw = memory.read(caller, in_ptr, in_ptr + 48 * nsubs)
        now = clock.now_ns()
        wake = None
        subs = []
        for i in range(nsubs):
            userdata, tag, clock_id, timeout, _prec, flags = _SUBSCRIPTION.unpack_from(raw, 48 * i)
            if tag == 0:
                when = timeout if flags & _SUBCLOCK_ABSTIME else now + timeout
                subs.append((userdata, tag, when))
                wake = when if wake is None else min(wake, when)
            else:
                subs.append((userdata, tag, None))
        # Virtual time never blocks: time jumps to the earliest clock subscription.
        if wake is not None and not any(s[2] is None for s in subs):
            clock.advance_to_ns(wake)
            link.publish()
        now = clock.now_ns()
        events = [
            _EVENT.pack(userdata, 0, tag, 0, 0)
            for userdata, tag, when in subs
            if when is None or when <= now
        ]
        if _write(caller, out_ptr, b"".join(events)):
            return _ERRNO_FAULT
        return _write(caller, nevents_ptr, struct.pack("<I", len(events)))

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
        return _write(caller, buf_ptr, rng.randbytes(length))

    i32 = wasmtime.ValType.i32()
    linker.define_func(WASI, "random_get", wasmtime.FuncType([i32, i32], [i32]), guarded(random_get),
                       access_caller=True)
    return rng


def _memory(caller: wasmtime.Caller) -> wasmtime.Memory | None:
    memory: Any = caller.get("memory")
    return memory if isinstance(memory, wasmtime.Memory) else None


def _write(caller: wasmtime.Caller, ptr: int, data: bytes) -> int:
    memory = _memory(caller)
    if memory is None or ptr < 0 or ptr + len(data) > memory.data_len(caller):
        return _ERRNO_FAULT
    memory.write(caller, data, ptr)
    return _ERRNO_SUCCESS
