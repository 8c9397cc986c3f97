"""Shared test fixtures: repository paths and compiled test programs."""

from __future__ import annotations

import hashlib
import importlib.util
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
import wasmtime

ROOT = Path(__file__).resolve().parents[1]
TESTDATA = ROOT / "testdata"
#: Reactor keyword arguments that drop the guest's output.
QUIET = {"stdout": lambda _t: None, "stderr": lambda _t: None}

if str(ROOT) not in sys.path:  # run from a checkout, not installed
    sys.path.insert(0, str(ROOT))

_spec = importlib.util.spec_from_file_location("testdata_build", TESTDATA / "build.py")
testdata_build = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(testdata_build)


def pytest_sessionstart(session: pytest.Session) -> None:
    """Build the Go test programs before collection: the .wasm files are not
    committed, and only programs whose inputs changed are rebuilt."""
    from reactor_frame.errors import ReactorError

    try:
        testdata_build.ensure_built()
    except ReactorError as exc:
        pytest.exit(f"cannot build the Go test programs in testdata/: {exc}", returncode=1)


@pytest.fixture(scope="session")
def engine() -> wasmtime.Engine:
    return wasmtime.Engine()


@pytest.fixture(scope="session")
def compile_testdata(request: pytest.FixtureRequest) -> Callable[..., wasmtime.Module]:
    """``compile_testdata(name, engine, tag="")`` compiles ``testdata/NAME.wasm``
    once per session. Compiled code is kept in pytest's cache directory across
    runs (a Go program takes about 0.8 s to compile, under 10 ms to load); pass
    a distinct ``tag`` for an engine configured differently from ``engine``."""
    cache = getattr(request.config, "cache", None)  # None under -p no:cacheprovider
    cache_dir = cache.mkdir("wasmtime-modules") if cache is not None else None
    modules: dict[tuple[str, int], wasmtime.Module] = {}

    def compile_(name: str, engine: wasmtime.Engine, tag: str = "") -> wasmtime.Module:
        key = (name, id(engine))
        if key not in modules:
            data = (TESTDATA / f"{name}.wasm").read_bytes()
            modules[key] = _load(engine, data, tag, cache_dir)
        return modules[key]

    return compile_


def _load(engine: wasmtime.Engine, data: bytes, tag: str, cache_dir: Path | None) -> wasmtime.Module:
    if cache_dir is None:
        return wasmtime.Module(engine, data)
    # Engines with other settings or another wasmtime refuse a serialized
    # module (deserialize raises); then it is compiled again and overwritten.
    path = cache_dir / (hashlib.sha256(data).hexdigest()[:40] + tag)
    if path.exists():
        try:
            return wasmtime.Module.deserialize_file(engine, str(path))
        except wasmtime.WasmtimeError:
            pass
    module = wasmtime.Module(engine, data)
    path.write_bytes(module.serialize())
    return module


@pytest.fixture(scope="session")
def rf_engine(request: pytest.FixtureRequest):
    """One ReactorEngine for the session, its module cache in pytest's cache
    directory (compiled test programs load in milliseconds on later runs)."""
    from reactor_frame import ReactorEngine

    cache = getattr(request.config, "cache", None)
    cache_dir = cache.mkdir("reactor-frame-modules") if cache is not None else None
    return ReactorEngine(cache=cache_dir is not None, cache_dir=cache_dir)


@pytest.fixture
def make_reactor(rf_engine):
    """``make_reactor(name, **kwargs)``: a Reactor of ``testdata/NAME.wasm`` on
    the session engine, output captured unless given; closed at teardown."""
    from reactor_frame import Reactor

    made = []

    def make(name: str, **kwargs):
        kwargs.setdefault("engine", rf_engine)
        kwargs.setdefault("stdout", lambda _text: None)
        kwargs.setdefault("stderr", lambda _text: None)
        reactor = Reactor(TESTDATA / f"{name}.wasm", **kwargs)
        made.append(reactor)
        return reactor

    yield make
    for reactor in made:
        reactor.close()


@pytest.fixture
def host():
    """The "check" host module for testdata/interopcheck (tests/interop_support.py)."""
    from .interop_support import CheckHost

    return CheckHost()


@pytest.fixture
def check(make_reactor, host):
    """``check(replace={name: fn}, **kwargs)``: a Reactor of interopcheck with
    ``host``'s functions (some replaced); closed at teardown."""
    def make(*, replace=None, **kwargs):
        kwargs.setdefault("imports", host.imports(**(replace or {})))
        return make_reactor("interopcheck", **kwargs)
    return make
