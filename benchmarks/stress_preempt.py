"""Preemption stress: ``step(0.05)`` with preemption to the end, 10 runs per
program, outputs compared with an unpreempted ``run()``; a run that takes
over 60 s is reported as stalled.

Usage: python -m benchmarks.stress_preempt DIR [DIR...]   (DIRs of built
hog.wasm and gcmain.wasm, e.g. testdata and a Go 1.24 build made with
``python testdata/build.py --go GO124 --out-dir DIR hog gcmain``)
"""
import sys, time
from reactor_frame import Reactor

def run_ref(path, args, env=None):
    out = []
    with Reactor(path, args=args, env=env, stdout=out.append) as r:
        r.preemption = False
        r.run()
    return "".join(out)

def stress(path, args, budget, env=None):
    out = []
    with Reactor(path, args=args, env=env, stdout=out.append, tick_timeout=20) as r:
        n = 0; pre = 0; t = time.monotonic()
        while not r.done:
            rep = r.step(budget); n += 1; pre += rep.preemptions
            if rep.result > 0: time.sleep(rep.next_timer_ms / 1e3)
            if time.monotonic() - t > 60:
                return "".join(out), n, pre, "STALLED"
    return "".join(out), n, pre, "ok"

for d in sys.argv[1:]:
    for args, env in ((["hog", "calls,stack,alloc,leaf", "1"], None), (["hog", "alloc,alloc,calls", "1"], {"GOGC": "5"}), (["gcmain"], None)):
        path = f"{d}/{args[0]}.wasm"
        ref = run_ref(path, args, env)
        res = []
        for i in range(10):
            out, n, pre, st = stress(path, args, 0.05, env)
            res.append((out == ref, st, n, pre))
        print(d, args, env, "equal", sum(r[0] for r in res), "/10", "stalled", sum(r[1] != "ok" for r in res), "steps~", res[0][2], "preempts~", res[0][3], flush=True)
