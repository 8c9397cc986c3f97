"""Benchmark 8: the cost of crossing between Python and Go.

Three figures, each against a baseline measured in the same run on the same
compiled program (``testdata/interopcheck``):

* a host function called from Go: the export ``call_noop(n)`` calls the
  Python function ``check.noop`` n times; reactor-frame's unchecked
  trampoline against wasmtime-py's ``Linker.define_func`` trampoline;
* a guest export called from Python: ``r.exports.add_i32(1, 2)`` (prepared
  call, checked arguments, the reactor's guest-call path) against wasmtime-py's
  ``Func.__call__`` on the same export, with the raw prepared call underneath;
* getting a 10,000-record state buffer (24-byte records, as the guest shares
  them with ``guest.Share``) as a numpy array once per frame: a zero-copy
  view (``r.shared(name).array(dtype)``) against a copy through wasmtime-py's
  ``Memory.read`` and one through ``r.mem.read_bytes``; and the same followed
  by summing one field, the least a frame would do with the data.

Run alone: ``python -m benchmarks.bench_interop [--quick] [--json FILE]``.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import wasmtime

from reactor_frame import Reactor

from .context import Context
from .result import BenchResult, Target
from .runner import standalone
from .stats import median
from .timing import interleaved_us

NAME = "interop"
TITLE = "Interop: host functions from Go, exports from Python, shared state per frame"

PROGRAM = "interopcheck"
RECORDS = 10_000
APPEND = 2  # interopcheck's event kind: append A records to "records"
RECORD = np.dtype([("id", "<i4"), ("value", "<f8"), ("flag", "?")], align=True)


def _zero(valtype: wasmtime.ValType) -> Any:
    return 0.0 if str(valtype) in ("f32", "f64") else 0


class NaiveInterop:
    """interopcheck in a plain ``wasmtime.Store``, every import defined with
    ``Linker.define_func`` (``check.noop`` counting its calls, the rest
    returning zeros), driven through ``Func.__call__``."""

    def __init__(self, engine: wasmtime.Engine, module: wasmtime.Module) -> None:
        self.noops = 0
        self.store = wasmtime.Store(engine)
        self.store.set_epoch_deadline(1 << 62)  # the engine has epoch interruption on
        self.store.set_wasi(wasmtime.WasiConfig())
        linker = wasmtime.Linker(engine)
        linker.define_wasi()
        for imp in module.imports:
            ty = imp.type
            if (imp.module == "wasi_snapshot_preview1" or imp.name is None
                    or not isinstance(ty, wasmtime.FuncType)):
                continue
            linker.define_func(imp.module, imp.name, ty, self._stub(imp.name, ty))
        self.exports = linker.instantiate(self.store, module).exports(self.store)
        self.exports["_initialize"](self.store)  # type: ignore[operator]

    def _stub(self, name: str | None, ty: wasmtime.FuncType) -> Callable[..., Any]:
        if name == "noop":
            def noop() -> None:
                self.noops += 1
            return noop
        results = [_zero(t) for t in ty.results]
        return lambda *_args: results[0] if results else None

    def call(self, export: str, *args: Any) -> Callable[[], Any]:
        """``Func.__call__`` of ``export`` with ``args``, bound."""
        func = self.exports[export]
        assert isinstance(func, wasmtime.Func)
        return functools.partial(func, self.store, *args)

    def close(self) -> None:
        self.store.close()


def _interop_reactor(ctx: Context) -> tuple[Reactor, list[int]]:
    noops = [0]

    def noop() -> None:
        noops[0] += 1

    def zero(*_args: Any) -> Any:  # types taken from the imports
        return 0

    names = ("echo_i32", "echo_i64", "echo_u32", "echo_u64", "echo_f32", "echo_f64",
             "echo_bool", "text", "blob", "fail", "reenter")
    functions: dict[str, Callable[..., Any]] = {name: zero for name in names}
    functions["noop"] = noop
    return ctx.reactor(PROGRAM, imports={"check": functions}), noops


def host_functions(ctx: Context, r: Reactor, naive: NaiveInterop, res: BenchResult) -> None:
    n = ctx.pick(2_000, 20_000)
    samples = interleaved_us({
        "reactor_frame": functools.partial(r.exports.call_noop, n),
        "define_func": naive.call("call_noop", n),
    }, calls=1, samples=ctx.pick(7, 25))
    per_call = {k: [v / n for v in vs] for k, vs in samples.items()}
    fast, slow = median(per_call["reactor_frame"]), median(per_call["define_func"])
    res.add("host function called from Go", fast, "us", slow, "wasmtime define_func",
            Target("ratio", "<=", 0.6), note=f"one export call looping {n} times over check.noop()")
    res.samples.update({f"hostfunc.{k}_us": v for k, v in per_call.items()})


def exports(ctx: Context, r: Reactor, naive: NaiveInterop, res: BenchResult) -> None:
    add = r.exports.add_i32
    samples = interleaved_us({
        "exports": lambda: add(1, 2),
        "fastcall": add._fc.call,
        "naive": naive.call("add_i32", 1, 2),
        "events.push": lambda: r.events.push(0),
    }, calls=ctx.pick(1_000, 5_000), samples=ctx.pick(7, 25))
    exp, raw, slow, push = (median(samples[k]) for k in ("exports", "fastcall", "naive", "events.push"))
    base = "naive Func.__call__"
    res.add("export called from Python: r.exports.add_i32(1, 2)", exp, "us", slow, base,
            Target("ratio", "<=", 0.35))
    res.add("export: raw prepared call underneath", raw, "us", slow, base)
    res.add("export: argument checks and guest-call path", exp - raw, "us", exp, "r.exports call")
    res.add("r.events.push (an export of reactorframe/guest)", push, "us", slow, base,
            note="queue kept full: each push is a refused non-blocking send")
    res.samples.update({f"exports.{k}_us": v for k, v in samples.items()})


def state_buffer(ctx: Context, r: Reactor, res: BenchResult) -> None:
    r.step(10)
    r.events.push(APPEND, a=RECORDS - 4)  # interopcheck starts with 4 records
    r.step(100)
    shared = r.shared("records")
    assert shared.count == RECORDS and shared.stride == RECORD.itemsize
    store, memory = r.store, r.memory
    assert store is not None
    start, stop = shared.address, shared.address + shared.nbytes

    ways: dict[str, Callable[[], Any]] = {
        "zero_copy": lambda: shared.array(RECORD),
        "memory_read": lambda: np.frombuffer(memory.read(store, start, stop), RECORD),
        "read_bytes": lambda: np.frombuffer(r.mem.read_bytes(start, stop - start), RECORD),
    }
    sums = {f"{name}+sum": functools.partial(_field_sum, get) for name, get in ways.items()}
    assert len({fn() for fn in sums.values()}) == 1
    samples = interleaved_us({**ways, **sums}, calls=ctx.pick(100, 400), samples=ctx.pick(7, 25))
    m = {k: median(v) for k, v in samples.items()}
    base = "copy via Memory.read"
    what = f"{RECORDS} records of {RECORD.itemsize} bytes ({RECORDS * RECORD.itemsize // 1000} kB)"
    res.add("state buffer: numpy array per frame, zero-copy view", m["zero_copy"], "us",
            m["memory_read"], base, Target("ratio", "<=", 0.5), note=what)
    res.add("state buffer: numpy array per frame, copy via r.mem.read_bytes", m["read_bytes"], "us",
            m["memory_read"], base)
    res.add("state buffer: array + sum of one float64 field, zero-copy", m["zero_copy+sum"], "us",
            m["memory_read+sum"], f"{base} + sum")
    res.samples.update({f"state.{k}_us": v for k, v in samples.items()})


def _field_sum(get: Callable[[], Any]) -> float:
    return float(get()["value"].sum())


def run(ctx: Context) -> BenchResult:
    res = BenchResult(NAME, TITLE)
    r, noops = _interop_reactor(ctx)
    naive = NaiveInterop(ctx.engine.wasmtime, ctx.module(PROGRAM))
    try:
        host_functions(ctx, r, naive, res)
        assert noops[0] > 0 and naive.noops == noops[0]
        exports(ctx, r, naive, res)
        state_buffer(ctx, r, res)
    finally:
        r.close()
        naive.close()
    res.notes.append(
        "medians of interleaved batches (GC paused); the baselines use plain wasmtime-py on "
        "the same engine and compiled module, so guest code is identical")
    return res


def main(argv: Sequence[str] | None = None) -> int:
    return standalone(sys.modules[__name__], argv)


if __name__ == "__main__":
    sys.exit(main())
