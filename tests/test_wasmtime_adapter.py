"""The wasmtime-py internals reactor-frame relies on, all in
``reactor_frame._wasmtime``: each listed symbol exists with the expected C
signature, and the adapter's pieces work end to end on a small module. A new
wasmtime-py release that changes any of them fails here, by name."""

from __future__ import annotations

import ast
import importlib
import inspect
import threading

import pytest
import wasmtime

from reactor_frame import _wasmtime as adapter


def resolve(owner: str, name: str) -> object:
    if owner in ("Func", "Memory"):  # instance attributes: look on an instance
        _, exports = instance(lambda values: None)
        home = exports["twice" if owner == "Func" else "memory"]
    elif owner[0].isupper():
        home = getattr(wasmtime, owner, None)
    else:
        home = importlib.import_module(f"wasmtime.{owner}")
    assert home is not None, f"wasmtime.{owner} is gone"
    assert hasattr(home, name), f"wasmtime {owner}.{name} is gone"
    return getattr(home, name)


@pytest.mark.parametrize("owner, name, argtypes, restype", adapter.REQUIRED,
                         ids=[f"{o}.{n}" for o, n, _, _ in adapter.REQUIRED])
def test_required_symbol_exists_with_its_signature(owner, name, argtypes, restype):
    symbol = resolve(owner, name)
    if argtypes is None:
        return
    is_type = isinstance(symbol, type)  # a CFUNCTYPE, or a C function
    got_args = symbol._argtypes_ if is_type else symbol.argtypes
    got_res = symbol._restype_ if is_type else symbol.restype
    assert tuple(t.__name__ for t in got_args) == argtypes, f"{owner}.{name} arguments changed"
    assert (got_res.__name__ if got_res is not None else None) == restype, \
        f"{owner}.{name} result changed"


def internals_used_by_the_adapter() -> set[tuple[str, str]]:
    """(owner, name) of each wasmtime-py internal the adapter's code touches:
    ``_bindings.X``, ``_ffi.X``, ``_wasi.X``, and private attributes of
    wasmtime objects (owner "*": any class)."""
    used = set()
    for node in ast.walk(ast.parse(inspect.getsource(adapter))):
        if not isinstance(node, ast.Attribute):
            continue
        owner = node.value
        if isinstance(owner, ast.Name) and owner.id in ("_bindings", "_ffi", "_wasi"):
            used.add((owner.id, node.attr))
        elif node.attr.startswith("_") and not node.attr.startswith("__") \
                and not (isinstance(owner, ast.Name) and owner.id in ("self", "_raised")):
            used.add(("*", node.attr))
    return used


def test_every_internal_the_adapter_uses_is_listed_and_so_checked():
    listed = {(owner, name) for owner, name, _, _ in adapter.REQUIRED}
    listed_names = {name for _, name in listed}
    unlisted = {(owner, name) for owner, name in internals_used_by_the_adapter()
                if (owner, name) not in listed and not (owner == "*" and name in listed_names)}
    assert not unlisted, f"add to _wasmtime.REQUIRED, so a new wasmtime-py is checked for them: {unlisted}"


WAT = """(module
  (import "host" "f" (func $f (param i32) (result i32)))
  (memory (export "memory") 1)
  (func (export "twice") (param i32) (result i32) (i32.mul (local.get 0) (i32.const 2)))
  (func (export "via_host") (param i32) (result i32) (call $f (local.get 0)))
  (func (export "trap") unreachable))"""


def instance(host_f):
    engine = wasmtime.Engine()
    store = wasmtime.Store(engine)
    linker = wasmtime.Linker(engine)
    i32 = wasmtime.ValType.i32()
    adapter.define_unchecked(linker, "host", "f", wasmtime.FuncType([i32], [i32]), host_f)
    inst = linker.instantiate(store, wasmtime.Module(engine, wasmtime.wat2wasm(WAT)))
    return store, inst.exports(store)


def test_unchecked_calls_pass_values_and_report_traps():
    def double_back(values):
        values[0].i32 = values[0].i32 + 100
    store, exports = instance(double_back)
    twice = adapter.UncheckedCall(store, exports["twice"], 1)
    twice.i32.value = 21
    assert twice.call() is None and twice.i32.value == 42
    via = adapter.UncheckedCall(store, exports["via_host"], 1)
    via.i32.value = 1
    assert via.call() is None and via.i32.value == 101
    trap = adapter.UncheckedCall(store, exports["trap"], 0)
    failure = trap.call()
    assert isinstance(failure, wasmtime.Trap) and failure.trap_code == wasmtime.TrapCode.UNREACHABLE
    assert trap.call() is not None  # the trap slot is reset between calls


def test_host_function_exceptions_come_back_on_their_own_thread():
    def raising(values):
        raise LookupError(threading.current_thread().name)
    store, exports = instance(raising)
    via = adapter.UncheckedCall(store, exports["via_host"], 1)
    failure = via.call()
    assert isinstance(failure, LookupError) and failure.args == (threading.current_thread().name,)
    assert adapter.take_raised() is None  # taken by the call, not left behind

    # An exception kept on this thread is invisible to another one.
    with pytest.raises(KeyError):
        adapter.guarded(lambda: {}["x"])()
    seen = []
    worker = threading.Thread(target=lambda: seen.append(adapter.take_raised()))
    worker.start()
    worker.join()
    assert seen == [None]
    assert isinstance(adapter.take_raised(), KeyError)


def test_memory_size():
    store, exports = instance(lambda values: None)
    size = adapter.MemorySize(store, exports["memory"])
    assert size.size() == 65536
    exports["memory"].grow(store, 2)
    assert size.size() == 3 * 65536


EPOCH_WAT = """(module
  (func (export "count") (param $n i32) (result i32)
    (loop $l (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br_if $l (i32.gt_s (local.get $n) (i32.const 0))))
    (i32.const 7))
  (func (export "spin") (loop $l (br $l))))"""


def test_epoch_deadline_lets_calls_run_until_it_passes():
    config = wasmtime.Config()
    config.epoch_interruption = True
    engine = wasmtime.Engine(config)
    store = wasmtime.Store(engine)
    exports = wasmtime.Instance(store, wasmtime.Module(engine, wasmtime.wat2wasm(EPOCH_WAT)),
                                []).exports(store)
    count = adapter.UncheckedCall(store, exports["count"], 1)
    spin = adapter.UncheckedCall(store, exports["spin"], 0)
    assert count.call() is not None, "a new store's deadline is now: the control"
    adapter.EpochDeadline(store).set(3)  # three epochs from now
    for _ in range(2):
        engine.increment_epoch()
    count.i32.value = 1000
    assert count.call() is None and count.i32.value == 7  # before the deadline: runs
    engine.increment_epoch()
    failure = spin.call()  # the deadline has passed: stopped at the loop's first check
    assert isinstance(failure, wasmtime.Trap) and failure.trap_code == wasmtime.TrapCode.INTERRUPT
