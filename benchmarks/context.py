"""Shared state of one benchmark run: quick or full, the engine, compiled
programs, and quiet reactors."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

import wasmtime

from reactor_frame import Reactor, ReactorEngine

from .testdata import program

T = TypeVar("T")


class Output:
    """Collects a reactor's stdout and stderr text (keeps the terminal quiet)."""

    def __init__(self) -> None:
        self.parts: list[str] = []

    def __call__(self, text: str) -> None:
        self.parts.append(text)

    @property
    def text(self) -> str:
        return "".join(self.parts)


@dataclass
class Context:
    """``quick`` picks CI-sized runs. ``engine`` is a default ``ReactorEngine``
    (the user's compiled-module cache, ``$REACTOR_FRAME_CACHE`` honoured), so
    programs compile once per machine, not once per run."""

    quick: bool = False
    engine: ReactorEngine = field(default_factory=ReactorEngine)
    _modules: dict[str, wasmtime.Module] = field(default_factory=dict)

    def pick(self, quick: T, full: T) -> T:
        """``quick`` in a quick run, else ``full``."""
        return quick if self.quick else full

    def module(self, name: str) -> wasmtime.Module:
        """``testdata/NAME.wasm`` compiled on ``engine`` (memoised)."""
        module = self._modules.get(name)
        if module is None:
            module = self._modules[name] = self.engine.compile(program(name).read_bytes())
        return module

    def reactor(self, name: str, args: Sequence[str] = (), output: Output | None = None,
                **kwargs: Any) -> Reactor:
        """A Reactor of program ``name`` with guest ``args``, its output
        collected by ``output`` (or discarded)."""
        sink = output if output is not None else Output()
        return Reactor(self.module(name), args=[name, *args], engine=self.engine,
                       stdout=sink, stderr=sink, name=name, **kwargs)
