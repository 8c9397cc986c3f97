"""The package's shape, checked by walking its syntax trees: who may touch
wasmtime-py's internals, how many cross-object private accesses remain, how
long a module may grow, and where imports may sit."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import reactor_frame
from reactor_frame.integrations.events import EventKind

PACKAGE = Path(reactor_frame.__file__).parent
ADAPTER = "_wasmtime.py"
MAX_LINES = 400
MAX_PRIVATE_ACCESSES = 5
#: Imports allowed inside functions: optional dependencies only.
OPTIONAL = {"numpy", "pygame", "matplotlib", "zstandard", "gymnasium", "ray"}
#: Private names of wasmtime-py that only the adapter may use.
WASMTIME_INTERNALS = {"_bindings", "_ffi", "_func", "_wasi", "_slab", "LAST_EXCEPTION",
                      "CUSTOM_OUTPUTS", "_context", "_from_ptr", "_consume", "_func_call_unchecked"}


def modules() -> dict[str, ast.Module]:
    return {str(p.relative_to(PACKAGE)): ast.parse(p.read_text(), str(p))
            for p in sorted(PACKAGE.rglob("*.py"))}


def is_private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def private_accesses(tree: ast.Module) -> list[str]:
    """``x._name`` where ``x`` is not ``self``/``cls`` (another object's private attribute)."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and is_private(node.attr):
            owner = node.value
            if isinstance(owner, ast.Name) and owner.id in ("self", "cls"):
                continue
            if isinstance(owner, ast.Call) and isinstance(owner.func, ast.Name) \
                    and owner.func.id == "super":
                continue
            found.append(f"{ast.unparse(node)} (line {node.lineno})")
    return found


def wasmtime_internal_uses(tree: ast.Module) -> list[str]:
    uses = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("wasmtime"):
            names = {a.name for a in node.names}
            if node.module != "wasmtime" or names & WASMTIME_INTERNALS:
                uses.append(f"from {node.module} import {', '.join(sorted(names))}")
        elif isinstance(node, ast.Import):
            uses += [f"import {a.name}" for a in node.names if a.name.startswith("wasmtime.")]
        elif isinstance(node, ast.Attribute) and node.attr in WASMTIME_INTERNALS:
            uses.append(f"{ast.unparse(node)} (line {node.lineno})")
    return uses


def test_only_the_adapter_uses_wasmtime_internals():
    users = {name: uses for name, tree in modules().items()
             if (uses := wasmtime_internal_uses(tree))}
    assert set(users) == {ADAPTER}, {k: v for k, v in users.items() if k != ADAPTER}


def test_few_private_accesses_across_objects_outside_the_adapter():
    found = {name: acc for name, tree in modules().items()
             if name != ADAPTER and (acc := private_accesses(tree))}
    total = sum(len(v) for v in found.values())
    assert total <= MAX_PRIVATE_ACCESSES, found


def test_no_module_is_too_long():
    long = {str(p.relative_to(PACKAGE)): n for p in PACKAGE.rglob("*.py")
            if (n := len(p.read_text().splitlines())) > MAX_LINES}
    assert not long, long


def test_imports_inside_functions_are_only_optional_dependencies():
    bad = []
    for name, tree in modules().items():
        for func in ast.walk(tree):
            if not isinstance(func, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            for node in ast.walk(func):
                if isinstance(node, ast.Import):
                    tops = {a.name.split(".")[0] for a in node.names}
                elif isinstance(node, ast.ImportFrom):
                    tops = {"." if node.level else (node.module or "").split(".")[0]}
                else:
                    continue
                if not tops <= OPTIONAL:
                    bad.append(f"{name}:{node.lineno} {ast.unparse(node)}")
    assert not bad, bad


def test_the_checks_see_what_they_look_for():
    # The walkers must find what they forbid, or the tests above prove nothing.
    tree = ast.parse(
        "from wasmtime import _ffi\nimport wasmtime._func\nx = store._context()\n"
        "def f():\n    import json\n    return other._secret, self._mine\n")
    assert len(wasmtime_internal_uses(tree)) == 3
    assert private_accesses(tree) == ["store._context (line 3)", "other._secret (line 6)"]


def test_go_guest_event_kinds_equal_python_event_kinds():
    go = (PACKAGE / "goguest" / "events.go").read_text()
    kinds = {m[1]: int(m[2]) for m in re.finditer(r"^\s+Kind(\w+)\s+= (\d+)", go, re.MULTILINE)}
    python = {k.name.title().replace("_", ""): k.value for k in EventKind}
    assert kinds == python
