"""The suite's figure: step-time distributions and scaling, as a PNG.

matplotlib is imported only here, only when a plot is asked for (it is in
the ``dev`` extra, not a dependency of reactor-frame).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .result import BenchResult

MISSING = ("--plot needs matplotlib, which is not installed: "
           "pip install matplotlib (or pip install 'reactor-frame[dev]')")


def require_matplotlib() -> None:
    """Raise RuntimeError with an install hint if matplotlib is missing."""
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        raise RuntimeError(MISSING) from None


def render(results: Sequence[BenchResult], path: str | Path,
           title: str = "reactor-frame benchmarks") -> None:
    """Write a PNG of the step, frame, tick and scaling figures found in
    ``results`` (panels whose benchmark did not run are left out)."""
    require_matplotlib()
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    by_name = {r.name: r for r in results if not r.error}
    panels = [p for p in (_step_panel, _frame_panel, _tick_panel, _scaling_panel, _peers_panel)
              if p(None, by_name)]
    if not panels:
        raise RuntimeError("nothing to plot: run the step, tick or scaling benchmark")
    cols = 2 if len(panels) > 1 else 1
    rows = (len(panels) + cols - 1) // cols
    fig, axes = plt.subplots(rows, cols, figsize=(6.4 * cols, 4.2 * rows), squeeze=False)
    for ax, panel in zip(axes.flat, panels):
        panel(ax, by_name)
    for ax in list(axes.flat)[len(panels):]:
        ax.set_visible(False)
    fig.suptitle(title, fontsize=12)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def _stats(samples: list[float]) -> str:
    from .stats import percentile
    return (f"n={len(samples)}, p50 {percentile(samples, 50):.2f}, "
            f"p99 {percentile(samples, 99):.2f} ms")


def _step_panel(ax: Any, res: dict[str, BenchResult]) -> bool:
    step = res.get("step")
    if step is None or not step.samples.get("extension_step_ms"):
        return False
    if ax is None:
        return True
    ext, fb = step.samples["extension_step_ms"], step.samples.get("fallback_step_ms", [])
    top = max(ext + fb) * 1.05
    bins = [top * i / 60 for i in range(61)]
    ax.hist(ext, bins=bins, alpha=0.75, label=f"go_tick_for extension: {_stats(ext)}")
    if fb:
        ax.hist(fb, bins=bins, alpha=0.6, label=f"seed-ABI fallback (go_tick): {_stats(fb)}")
    _finish_time_panel(
        ax, bins, step.samples.get("extension_step_cpu_ms"), "navy", "extension, thread CPU time",
        budget=4.0, target=5.0, title="step(4.0) wall time, busywork 50 goroutines", unit="steps")
    return True


def _frame_panel(ax: Any, res: dict[str, BenchResult]) -> bool:
    step = res.get("step")
    if step is None or not step.samples.get("scheduler_frame_ms"):
        return False
    if ax is None:
        return True
    frames = step.samples["scheduler_frame_ms"]
    top = max(frames) * 1.02
    low = min(min(frames), 8.0) * 0.98
    bins = [low + (top - low) * i / 40 for i in range(41)]
    ax.hist(frames, bins=bins, color="tab:green", alpha=0.8, label=f"frames: {_stats(frames)}")
    _finish_time_panel(
        ax, bins, step.samples.get("scheduler_frame_cpu_ms"), "darkgreen", "thread CPU time",
        budget=8.0, target=9.5, title="FrameScheduler.step(8.0), 6 busywork reactors",
        unit="frames")
    return True


def _finish_time_panel(ax: Any, bins: list[float], cpu: list[float] | None, color: str,
                       cpu_label: str, *, budget: float, target: float, title: str,
                       unit: str) -> None:
    """The part both wall-time histograms share: the CPU-time outline, the
    budget and p99-target lines, titles and legend."""
    if cpu:
        ax.hist(cpu, bins=bins, histtype="step", color=color, lw=1.2,
                label=f"{cpu_label}: {_stats(cpu)}")
    ax.axvline(budget, color="k", ls="--", lw=1, label=f"budget {budget:g} ms")
    ax.axvline(target, color="r", ls=":", lw=1.2, label=f"p99 target {target:g} ms")
    ax.set(title=title, xlabel="ms", ylabel=unit)
    ax.legend(fontsize=8)


def _tick_panel(ax: Any, res: dict[str, BenchResult]) -> bool:
    tick = res.get("tick")
    if tick is None or not tick.samples:
        return False
    if ax is None:
        return True
    labels, data = [], []
    for case in ("idle", "runnable"):
        for key, name in (("naive", "naive\nFunc()"), ("loop_once", "loop_once"),
                          ("fastcall", "unchecked\ncall")):
            values = tick.samples.get(f"{case}.{key}_us")
            if values:
                labels.append(f"{name}\n[{case}]")
                data.append(values)
    ax.boxplot(data, showfliers=True)
    ax.set_xticks(range(1, len(labels) + 1), labels)
    ax.set(title="one go_tick call (host + guest), batch medians", ylabel="us per call")
    ax.tick_params(axis="x", labelsize=7)
    ax.set_ylim(bottom=0)
    return True


def _scaling_panel(ax: Any, res: dict[str, BenchResult]) -> bool:
    scaling = res.get("scaling")
    if scaling is None or not scaling.samples:
        return False
    if ax is None:
        return True
    from .stats import median
    for kind, marker in (("idle", "o"), ("timers", "s")):
        points = sorted((int(k.split("_x")[1].split("_")[0]), median(v) * 1e3)
                        for k, v in scaling.samples.items() if k.startswith(f"{kind}_x"))
        if points:
            ax.plot([n for n, _ in points], [us for _, us in points], marker=marker,
                    label=f"{kind} reactors")
    ax.set(xscale="log", yscale="log", title="FrameScheduler frame cost (median)",
           xlabel="reactors", ylabel="us per frame")
    ax.legend(fontsize=8)
    ax.grid(True, which="both", alpha=0.3)
    return True


def _peers_panel(ax: Any, res: dict[str, BenchResult]) -> bool:
    peers = res.get("peers")
    if peers is None or not peers.samples:
        return False
    if ax is None:
        return True
    labels, data = [], []
    for case in ("idle", "runnable"):
        for key, name in (("naive", "naive\nwasmtime-py"), ("loop_once", "loop_once"),
                          ("v8", "V8\n(node)"), ("ctypes_floor", "ctypes\nfloor"),
                          ("ctypes_noop", "ctypes\nC no-op")):
            values = peers.samples.get(f"{case}.{key}_us")
            if values:
                labels.append(f"{name}\n[{case}]")
                data.append(values)
    ax.boxplot(data, showfliers=True)
    ax.set_xticks(range(1, len(labels) + 1), labels)
    ax.set(title="go_tick CPU per call against the peers", ylabel="us per call (log)",
           yscale="log")
    ax.tick_params(axis="x", labelsize=7)
    return True
