"""Declaring host functions: Python callables the guest calls by module and
name, either as ``//go:wasmimport`` functions or with ``guest.CallHost``.

Three equivalent ways to offer them to ``Reactor(..., imports=...)``::

    Reactor(path, imports={"game": {"play_sound": play_sound}})

    @host_function
    def play_sound(name: str, volume: f32) -> None: ...
    Reactor(path, imports={"game": {"play_sound": play_sound}})

    game = HostFunctions()
    @game.function("game")
    def play_sound(name: str, volume: f32) -> None: ...
    Reactor(path, imports=game)

Parameter and result types come from the annotations (see
:mod:`reactor_frame.interop.wasmtypes`) or from explicit ``params=[...]`` /
``results=[...]``. An unannotated (or ``Any``) parameter or return takes the
type the module's import declares, so a plain ``lambda a, b: a + b`` works; annotated
ones are checked against the import when the Reactor is created. A return
value is ignored when the import declares no result.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any, Union

from ..errors import InteropError
from .wasmtypes import result_specs, spec_of

#: Annotations that leave a type to the module's import.
_UNTYPED = (inspect.Parameter.empty, Any)

ImportsSpec = Mapping[str, Mapping[str, Callable[..., Any]]]
"""``{module: {name: callable}}``; a :class:`HostFunctions` registry is one."""

TypeList = Sequence[Any]


class HostFunction:
    """A Python callable offered to the guest, with the wasm types of its
    parameters and results. Calling it calls the wrapped function.

    ``params`` holds one spec name per Python parameter (None: take the
    import's type); ``rest`` is True when unannotated ``*args`` takes every
    remaining argument; ``results`` is None when the return is unannotated.
    """

    def __init__(self, fn: Callable[..., Any], *, params: TypeList | None = None,
                 results: TypeList | None = None, label: str | None = None) -> None:
        if not callable(fn):
            raise InteropError(
                f"host function {label or '?'} must be callable, not {type(fn).__name__}"
            )
        self.fn = fn
        self.__name__: str = getattr(fn, "__name__", type(fn).__name__)
        self.__doc__ = getattr(fn, "__doc__", None)
        self.label = label or getattr(fn, "__qualname__", self.__name__)
        where = f"host function {self.label}"
        self.params: tuple[str | None, ...]
        self.param_names: tuple[str, ...]
        self.rest = False
        self.results: tuple[str, ...] | None
        signature = _signature(fn, where)
        if params is not None:
            if isinstance(params, (str, bytes)) or not isinstance(params, Sequence):
                raise InteropError(f"{where}: params must be a list of types, not {params!r}")
            self.params = tuple(spec_of(p, f"{where}, params[{i}]") for i, p in enumerate(params))
            self.param_names = tuple(f"params[{i}]" for i in range(len(self.params)))
        elif signature is None:
            self.params, self.param_names, self.rest = (), (), True
        else:
            self._read_parameters(signature, where)
        if results is not None:
            if isinstance(results, (str, bytes)) or not isinstance(results, Sequence):
                raise InteropError(f"{where}: results must be a list of types, not {results!r}")
            self.results = tuple(spec_of(r, f"{where}, results[{i}]") for i, r in enumerate(results))
        elif signature is None or signature.return_annotation in _UNTYPED:
            self.results = None
        else:
            self.results = result_specs(signature.return_annotation, f"{where}, return annotation")

    def _read_parameters(self, signature: inspect.Signature, where: str) -> None:
        specs: list[str | None] = []
        names: list[str] = []
        for p in signature.parameters.values():
            if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD):
                specs.append(None if p.annotation in _UNTYPED
                             else spec_of(p.annotation, f"{where}, parameter {p.name!r}"))
                names.append(p.name)
            elif p.kind is p.VAR_POSITIONAL:
                if p.annotation not in _UNTYPED:
                    raise InteropError(
                        f"{where}: *{p.name} cannot be annotated; list the types with "
                        "params=[...] instead"
                    )
                self.rest = True
            elif p.kind is p.KEYWORD_ONLY and p.default is p.empty:
                raise InteropError(
                    f"{where}: keyword-only parameter {p.name!r} has no default, but the "
                    "guest passes arguments by position only"
                )
        self.params, self.param_names = tuple(specs), tuple(names)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.fn(*args, **kwargs)

    def __repr__(self) -> str:
        params = ", ".join(s or "?" for s in self.params) + (", *?" if self.rest else "")
        results = "?" if self.results is None else ", ".join(self.results)
        return f"<HostFunction {self.label} ({params}) -> ({results})>"


def _signature(fn: Callable[..., Any], where: str) -> inspect.Signature | None:
    """The signature with string annotations evaluated; None when Python
    cannot tell (some builtins)."""
    try:
        inspect.signature(fn)
    except (TypeError, ValueError):
        return None
    try:
        return inspect.signature(fn, eval_str=True)
    except Exception as exc:  # noqa: BLE001 - a bad string annotation
        raise InteropError(f"{where}: cannot evaluate its annotations: {exc}") from exc


def host_function(fn: Callable[..., Any] | None = None, *, params: TypeList | None = None,
                  results: TypeList | None = None) -> Any:
    """Decorator: declare a host function, checking its annotations now.

    Use bare (``@host_function``) or with explicit types
    (``@host_function(params=[i32, str], results=[i32])``). The result is
    still callable from Python.
    """
    if fn is None:
        return lambda f: HostFunction(f, params=params, results=results)
    return HostFunction(fn, params=params, results=results)


class HostFunctions(Mapping[str, Mapping[str, HostFunction]]):
    """A registry of host functions by module and name, itself usable as
    ``Reactor(..., imports=registry)``."""

    def __init__(self) -> None:
        self._modules: dict[str, dict[str, HostFunction]] = {}

    def function(self, module: str, name: str | None = None, *, params: TypeList | None = None,
                 results: TypeList | None = None) -> Callable[[Callable[..., Any]], HostFunction]:
        """Decorator: register the function as ``module.name`` (``name``
        defaults to the function's own name)."""
        def register(fn: Callable[..., Any]) -> HostFunction:
            return self.add(module, name or fn.__name__, fn, params=params, results=results)
        return register

    def add(self, module: str, name: str, fn: Callable[..., Any], *, params: TypeList | None = None,
            results: TypeList | None = None) -> HostFunction:
        """Register ``fn`` as ``module.name``; returns its :class:`HostFunction`."""
        _check_name(module, "module name")
        _check_name(name, f"function name in module {module!r}")
        functions = self._modules.setdefault(module, {})
        if name in functions:
            raise InteropError(f"host function {module}.{name} is already registered")
        if isinstance(fn, HostFunction) and params is None and results is None:
            functions[name] = fn
        else:
            target = fn.fn if isinstance(fn, HostFunction) else fn
            functions[name] = HostFunction(target, params=params, results=results,
                                           label=f"{module}.{name}")
        return functions[name]

    def __getitem__(self, module: str) -> Mapping[str, HostFunction]:
        return self._modules[module]

    def __iter__(self) -> Iterator[str]:
        return iter(self._modules)

    def __len__(self) -> int:
        return len(self._modules)

    def __repr__(self) -> str:
        names = [f"{m}.{n}" for m, fns in self._modules.items() for n in fns]
        return f"<HostFunctions {', '.join(names) or '(empty)'}>"


def collect(imports: Union[ImportsSpec, None]) -> dict[tuple[str, str], HostFunction]:
    """Check an ``imports=`` argument; returns ``{(module, name): HostFunction}``."""
    if imports is None:
        return {}
    if not isinstance(imports, Mapping):
        raise InteropError(
            "imports must map module names to {name: function} mappings, like "
            f"{{'game': {{'play_sound': fn}}}}, or be a HostFunctions registry; got "
            f"{type(imports).__name__}"
        )
    found: dict[tuple[str, str], HostFunction] = {}
    for module, functions in imports.items():
        _check_name(module, "imports: module name")
        if not isinstance(functions, Mapping):
            raise InteropError(
                f"imports[{module!r}] must map function names to callables, not "
                f"{type(functions).__name__}"
            )
        for name, fn in functions.items():
            _check_name(name, f"imports[{module!r}]: function name")
            label = f"{module}.{name}"
            found[(module, name)] = (
                fn if isinstance(fn, HostFunction) else HostFunction(fn, label=label)
            )
    return found


def _check_name(name: object, what: str) -> None:
    if not isinstance(name, str) or not name:
        raise InteropError(f"{what} must be a non-empty str, not {name!r}")
