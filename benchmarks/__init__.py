"""The reactor-frame benchmark suite (installed as ``reactor_frame.benchmarks``).

Run everything with ``reactor-frame bench`` or ``python -m benchmarks.suite``
from a checkout; run one benchmark with ``python -m benchmarks.bench_tick``.
Each ``bench_*`` module measures one thing and exposes ``NAME``, ``TITLE``,
``run(ctx) -> BenchResult`` and ``main(argv) -> int``.

The benchmarks need the Go test programs of ``testdata/`` (see
:mod:`.testdata` for how they are found).
"""
