"""``reactor-frame demo``: fireflies, a meadow of goroutines.

Hundreds of goroutines in a Go program each own a firefly that flashes on
its own clock; seeing a neighbour flash nudges a firefly's clock, and the
meadow falls into step. pygame draws it, stepping the Go program a few
milliseconds per frame.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from reactor_frame.errors import ReactorError

#: File types pygame.image.save writes, by extension (others silently become TGA).
SCREENSHOT_TYPES = (".png", ".jpg", ".jpeg", ".bmp", ".tga")

#: The Go program's number of firefly slots (maxFireflies in fireflies/world.go).
MAX_FIREFLIES = 1500


def _size(text: str) -> tuple[int, int]:
    try:
        w, h = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected WIDTHxHEIGHT, e.g. 1280x720, not {text!r}") from None
    if w < 320 or h < 240:
        raise argparse.ArgumentTypeError("the window must be at least 320x240")
    return w, h


def _non_negative(text: str) -> float:
    value = float(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be >= 0, not {text}")
    return value


def _count(text: str) -> int:
    value = int(text)
    if not 0 <= value <= MAX_FIREFLIES:
        raise argparse.ArgumentTypeError(f"must be between 0 and {MAX_FIREFLIES}, not {text}")
    return value


def _span(text: str) -> tuple[int, int]:
    try:
        start, count = (int(v) for v in text.split(":"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected N:M (frame N, M frames), not {text!r}") from None
    if start < 0 or count < 1:
        raise argparse.ArgumentTypeError("N:M needs N >= 0 and M >= 1")
    return start, count


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="reactor-frame demo",
        description="Fireflies: hundreds of goroutines, each a firefly flashing on its own "
                    "clock, falling into step. Click, drag and use the keys shown on screen.",
    )
    parser.add_argument("--budget", type=_non_negative, default=4.0, metavar="MS",
                        help="wall time the Go program gets each frame (default: 4.0)")
    parser.add_argument("--virtual", action="store_true",
                        help="run Go on virtual time: 1/60 s per frame, whatever the frame rate")
    parser.add_argument("--fps", type=_non_negative, default=60.0,
                        help="frame-rate cap; 0 for none (default: 60)")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default: 1)")
    parser.add_argument("--count", type=_count, default=360, metavar="N",
                        help=f"fireflies at the start, up to {MAX_FIREFLIES} (default: 360)")
    parser.add_argument("--size", type=_size, default=(1280, 720), metavar="WxH",
                        help="window size (default: 1280x720)")
    parser.add_argument("--no-hud", action="store_true", help="start with the timing overlay hidden")
    parser.add_argument("--headless", action="store_true",
                        help="render off-screen (SDL dummy video driver); needs --frames")
    parser.add_argument("--frames", type=int, metavar="N", help="stop after N frames")
    parser.add_argument("--screenshot", type=Path, metavar="PNG", help="save the last frame here")
    parser.add_argument("--stats", type=Path, metavar="JSON",
                        help="write per-frame step figures here")
    parser.add_argument("--rewind-at", type=_span, metavar="N:M",
                        help="rewind during frames N to N+M-1, as if Z were held")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the demo; returns the process exit status."""
    parser = build_parser()
    args = parser.parse_args(sys.argv[1:] if argv is None else list(argv))
    if args.headless and args.frames is None:
        parser.error("--headless needs --frames N")
    if args.frames is not None and args.frames < 1:
        parser.error("--frames must be at least 1")
    for flag, path in (("--screenshot", args.screenshot), ("--stats", args.stats)):
        if path is not None and not path.resolve().parent.is_dir():
            parser.error(f"{flag} {path}: folder {path.resolve().parent} does not exist")
    if args.screenshot is not None and args.screenshot.suffix.lower() not in SCREENSHOT_TYPES:
        parser.error(f"--screenshot {args.screenshot}: use a file name ending in "
                     f"{', '.join(SCREENSHOT_TYPES)}")
    if args.headless:
        os.environ["SDL_VIDEODRIVER"] = "dummy"
        os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
    else:
        from reactor_frame.integrations.display import NoDisplayError, require_display
        try:
            require_display("run it off-screen with: reactor-frame demo --headless "
                            "--frames 300 --screenshot out.png")
        except NoDisplayError as exc:
            print(f"reactor-frame demo: {exc}", file=sys.stderr)
            return 1
    os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
    try:
        from .show import DemoOptions, run_demo
    except ImportError as exc:
        print(f"reactor-frame demo: {exc.name or exc} is missing; install the demo's "
              "dependencies with: pip install 'reactor-frame[demo]'", file=sys.stderr)
        return 2

    options = DemoOptions(
        budget_ms=args.budget, virtual=args.virtual, frames=args.frames,
        screenshot=args.screenshot, stats=args.stats, fps=args.fps, seed=args.seed,
        count=args.count, size=args.size, hud=not args.no_hud, rewind_at=args.rewind_at,
    )
    try:
        result = run_demo(options)
    except ReactorError as exc:
        print(f"reactor-frame demo: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("reactor-frame demo: interrupted", file=sys.stderr)
        return 130
    if args.frames is not None:
        s = result.summary
        print(f"{result.frames} frames in {result.seconds:.1f} s ({result.fps:.1f} fps, "
              f"{result.video_driver}); Go per frame: median {s.get('elapsed_median_ms', 0):.2f} ms "
              f"wall, {s.get('cpu_median_ms', 0):.2f} ms CPU, {s.get('os_median_ms', 0):.2f} ms "
              f"taken by the OS; p99 {s.get('elapsed_p99_ms', 0):.2f} ms wall, "
              f"{s.get('cpu_p99_ms', 0):.2f} ms CPU; budget {args.budget} ms; "
              f"{s.get('preemptions', 0):.0f} preemptions, {s.get('overrun_frames', 0):.0f} frames overran")
    return 0


if __name__ == "__main__":
    sys.exit(main())
