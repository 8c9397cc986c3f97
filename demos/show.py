"""``run_demo``: the fireflies demo's window, frame loop and outputs."""

from __future__ import annotations

import hashlib
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pygame

from reactor_frame import CompileNotice, Reactor, VirtualClock
from reactor_frame.host.engine import default_engine
from reactor_frame.integrations.pygame import Frame, GameLoop, Hud, InputBridge

from .build import fireflies_wasm
from .fonts import font
from .legend import Legend
from .meadow import MeadowView
from .records import FIREFLIES, FIREFLY_DTYPE, MEADOW, MEADOW_DTYPE, WORLD_SIZE
from .rewind import Rewind
from .stats import FrameLog

#: Virtual time per frame with ``virtual``: 1/60 s, whatever the frame rate.
VIRTUAL_FRAME_MS = 1000 / 60


@dataclass(frozen=True)
class DemoOptions:
    """What ``reactor-frame demo`` was asked to do."""

    budget_ms: float = 4.0
    virtual: bool = False
    frames: int | None = None
    """Stop after this many frames; None runs until the window closes."""
    screenshot: Path | None = None
    stats: Path | None = None
    fps: float = 60.0
    seed: int = 1
    count: int = 360
    size: tuple[int, int] = WORLD_SIZE
    hud: bool = True
    rewind_at: tuple[int, int] | None = None
    """Rewind during frames N to N+M-1, as if Z were held (``--rewind-at N:M``)."""


@dataclass(frozen=True)
class DemoResult:
    """How a run went: frames drawn, wall time, step-time summary, SDL driver."""

    frames: int
    seconds: float
    summary: dict[str, float]
    video_driver: str

    @property
    def fps(self) -> float:
        return self.frames / self.seconds if self.seconds > 0 else 0.0


def run_demo(options: DemoOptions) -> DemoResult:
    """Open the window (on whatever SDL video driver is configured), run the
    meadow, then save the screenshot and statistics asked for."""
    default_engine().progress = CompileNotice(sys.stderr)  # the build compiles it too
    wasm = fireflies_wasm(progress=lambda message: print(message, file=sys.stderr))
    pygame.display.init()
    pygame.font.init()
    try:
        screen = pygame.display.set_mode(options.size)
        pygame.display.set_caption("reactor-frame \u00b7 fireflies")
        reactor = Reactor(
            wasm, name="fireflies", seed=options.seed,
            args=["fireflies", "-n", str(options.count), "-seed", str(options.seed)],
            clock=VirtualClock() if options.virtual else None,
        )
        try:
            return _run(screen, reactor, options)
        finally:
            reactor.close()
    finally:
        pygame.quit()


def _run(screen: pygame.Surface, reactor: Reactor, options: DemoOptions) -> DemoResult:
    sx, sy = WORLD_SIZE[0] / options.size[0], WORLD_SIZE[1] / options.size[1]
    scale = min(options.size[0] / WORLD_SIZE[0], options.size[1] / WORLD_SIZE[1])
    hud = Hud(font(max(10, round(13 * scale))), visible=options.hud)
    loop = GameLoop(
        reactor, budget_ms=options.budget_ms, fps=options.fps,
        advance_ms=VIRTUAL_FRAME_MS if options.virtual else None,
        bridge=InputBridge(reactor, to_guest=lambda x, y: (x * sx, y * sy)),
        hud=hud,
    )
    view = MeadowView(options.size, options.seed)
    legend = Legend(max(0.75, scale))
    log = FrameLog()
    rewind = Rewind(reactor, script=options.rewind_at)
    loop.on_event(rewind.handle)
    caption = font(max(12, round(20 * scale))).render("\u25c0\u25c0  rewinding", True, (246, 236, 190))

    @loop.on_event
    def toggle(event: pygame.event.Event) -> None:
        if event.type != pygame.KEYDOWN:
            return
        if event.key == pygame.K_h:
            hud.toggle()
        elif event.key == pygame.K_t:
            view.trails = not view.trails
        elif event.key == pygame.K_l:
            legend.visible = not legend.visible

    def render(frame: Frame) -> None:
        log.add(frame)
        meadow = reactor.shared(MEADOW).array(MEADOW_DTYPE)[0]
        view.draw(screen, reactor.shared(FIREFLIES).array(FIREFLY_DTYPE), meadow)
        legend.draw(screen, meadow)
        if loop.paused:
            screen.blit(caption, ((screen.get_width() - caption.get_width()) // 2, 12))

    started = time.perf_counter()
    frames = 0
    while loop.running and (options.frames is None or frames < options.frames):
        loop.paused = rewind.before_frame(frames)
        frame = loop.tick()
        if not loop.paused:
            rewind.after_step()
        render(frame)
        loop.present(frame)
        frames += 1
    seconds = time.perf_counter() - started
    result = DemoResult(frames, seconds, log.summary(), pygame.display.get_driver())

    if options.screenshot is not None:
        pygame.image.save(screen, str(options.screenshot))
    if options.stats is not None:
        meadow = reactor.shared(MEADOW).array(MEADOW_DTYPE)[0]
        log.write(
            options.stats, fps=round(result.fps, 2), seconds=round(seconds, 3),
            video_driver=result.video_driver, virtual=options.virtual,
            meadow={name: meadow[name].item() for name in MEADOW_DTYPE.names or ()},
            sim_frames=rewind.sim_frame, rewound=rewind.rewound,
            fireflies_sha256=hashlib.sha256(bytes(reactor.shared(FIREFLIES).memoryview())).hexdigest(),
        )
    return result
