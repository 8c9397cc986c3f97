"""Benchmark: memory and load time of many reactors of one program.

Each case runs in a fresh Python process (so RSS is its own): N reactors of
``hello.wasm`` (main not started) made

* by path, ``Reactor(path)`` N times (the engine shares one compiled module
  per content hash);
* from one module compiled explicitly, ``Reactor(module)`` N times (the
  reference the issue sets);
* from N private modules, each loaded from the cache file on its own (what
  ``Reactor(path)`` did before modules were shared), for context.

Figures: RSS growth over the process before the first reactor, and the wall
time to make all N.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from .context import Context
from .result import BenchResult, Target
from .runner import standalone
from .testdata import program

NAME = "sharing"
TITLE = "Many reactors of one program: RSS and load time, by path vs one shared module"
#: Issue #16: RSS of N reactors by path within this ratio of N sharing one module.
RSS_RATIO = 1.15

_CHILD = r"""
import json, sys, time
import wasmtime
from reactor_frame import Reactor, ReactorEngine
mode, path, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
def rss_kb():
    with open("/proc/self/status") as f:
        return next(int(l.split()[1]) for l in f if l.startswith("VmRSS:"))
engine = ReactorEngine()
data = open(path, "rb").read()
engine.compile(data)  # in the cache before measuring (not kept: nothing holds it)
base = rss_kb()
quiet = dict(stdout=lambda t: None, stderr=lambda t: None, engine=engine)
started = time.perf_counter()
if mode == "path":
    rs = [Reactor(path, **quiet) for _ in range(n)]
elif mode == "module":
    module = engine.compile(data)
    rs = [Reactor(module, **quiet) for _ in range(n)]
else:
    entry = next(engine.cache.directory.glob(engine.cache.key(data) + ".*.cwasm"))
    rs = [Reactor(wasmtime.Module.deserialize_file(engine.wasmtime, str(entry)), **quiet)
          for _ in range(n)]
elapsed = time.perf_counter() - started
print(json.dumps({"rss_mb": (rss_kb() - base) / 1024, "load_s": elapsed}))
"""


def child(mode: str, wasm: Path, n: int) -> dict:
    done = subprocess.run([sys.executable, "-c", _CHILD, mode, str(wasm), str(n)],
                          capture_output=True, text=True, timeout=600, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{mode} child failed: {done.stderr.strip()[-800:]}")
    answer: dict = json.loads(done.stdout.strip().splitlines()[-1])
    return answer


def run(ctx: Context) -> BenchResult:
    res = BenchResult(NAME, TITLE)
    n = ctx.pick(10, 40)
    wasm = program("hello")
    got = {mode: child(mode, wasm, n) for mode in ("module", "path", "private")}
    base = got["module"]
    res.add(f"RSS growth, {n} reactors by path", got["path"]["rss_mb"], "MB", base["rss_mb"],
            "one module shared explicitly", Target("ratio", "<=", RSS_RATIO))
    res.add(f"RSS growth, {n} reactors on private modules", got["private"]["rss_mb"], "MB",
            base["rss_mb"], "one module shared explicitly",
            note="each module deserialized from the cache on its own: Reactor(path) before sharing")
    res.add(f"load time, {n} reactors by path", got["path"]["load_s"] * 1e3, "ms",
            base["load_s"] * 1e3, "one module shared explicitly")
    res.add(f"load time, {n} reactors on private modules", got["private"]["load_s"] * 1e3, "ms",
            base["load_s"] * 1e3, "one module shared explicitly")
    res.notes.append("each case in a fresh process; RSS is VmRSS growth from just before the "
                     "first reactor")
    return res


def main(argv: Sequence[str] | None = None) -> int:
    return standalone(sys.modules[__name__], argv)


if __name__ == "__main__":
    sys.exit(main())
