"""The control block: facts the reactor runtime shares through guest memory.

Binaries from ``reactor-frame build`` export ``go_reactor_control``, the
address of this block (layout in ``goruntime/reactor_frame_wasip1.go``).
Reading it after a tick costs no guest call: whether main has returned, the
exact nanoseconds to the next timer, the turns and rounds the tick ran. The
host writes the virtual clock here, so a guest on virtual time reads its
clock from memory instead of calling back into Python.
"""

from __future__ import annotations

import ctypes
from typing import Any

from .._wasmtime import memory_base
from ..errors import InvalidModuleError

MAGIC = 0x42434652
VERSION = 2

STATE_MAIN_STARTED = 1
STATE_MAIN_RETURNED = 2

CLOCK_REAL = 0
CLOCK_VIRTUAL = 1


class ControlBlock(ctypes.LittleEndianStructure):
    """ctypes view of the guest's ``reactorControl`` struct."""

    _fields_ = [
        ("magic", ctypes.c_uint32),
        ("version", ctypes.c_uint32),
        ("state", ctypes.c_uint32),
        ("clock_mode", ctypes.c_uint32),
        ("virt_mono", ctypes.c_int64),
        ("virt_wall", ctypes.c_int64),
        ("delay_ns", ctypes.c_int64),
        ("turns", ctypes.c_uint64),
        ("rounds", ctypes.c_uint64),
        ("budget_spent", ctypes.c_int64),
        # version 2: preemption by the host (host/preempt.py)
        ("curg_addr", ctypes.c_uint32),
        ("off_stackguard0", ctypes.c_uint32),
        ("off_preempt", ctypes.c_uint32),
        ("preempt_req", ctypes.c_uint32),
        ("stack_preempt", ctypes.c_uint64),
        ("preemptions", ctypes.c_uint64),
        ("preempt_goid", ctypes.c_uint64),
        ("preempt_func", ctypes.c_char * 64),
    ]


def map_control_block(memory: Any, store: Any, address: int, name: str) -> ControlBlock | None:
    """The control block at guest ``address`` in ``memory`` (a
    ``wasmtime.Memory`` of ``store``), or None when there is none there
    (address out of range, no magic number: the reactor then runs on the
    seed ABI).

    Raises :class:`InvalidModuleError` for a control block of another
    version: its fields cannot be trusted to mean what this host reads.
    """
    base = memory_base(store, memory)
    size = memory.data_len(store)
    if address <= 0 or address + ctypes.sizeof(ControlBlock) > size:
        return None
    block = ControlBlock.from_address(base + address)
    if block.magic != MAGIC:
        return None
    if block.version != VERSION:
        which = "a newer" if block.version > VERSION else "an older"
        raise InvalidModuleError(
            f"{name} was built by {which} reactor-frame (control block version "
            f"{block.version}; this one reads version {VERSION}): rebuild it with this "
            "reactor-frame (`reactor-frame build PKGDIR -o OUT.wasm`)")
    return block
