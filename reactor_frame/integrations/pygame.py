"""Drive Go reactors from a pygame main loop.

A frame is: collect events (input goes into the guests), step the reactors
within a budget, render, present. :class:`GameLoop` does all but rendering::

    import pygame
    from reactor_frame import Reactor
    from reactor_frame.integrations.pygame import GameLoop, Hud, InputBridge

    pygame.init()
    screen = pygame.display.set_mode((1280, 720))
    reactor = Reactor("game.wasm")
    loop = GameLoop(reactor, budget_ms=4.0, bridge=InputBridge(reactor), hud=Hud())
    loop.run(lambda frame: draw(screen, reactor))   # until the window closes

or, keeping the loop in your hands::

    while loop.running:
        frame = loop.tick()          # events -> guests, then step Go
        draw(screen, reactor)
        loop.present(frame)          # HUD, flip, wait for the next frame

Works with pygame 2 and pygame-ce. pygame must be initialised (with a
display mode set) before the first tick.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from time import perf_counter, thread_time
from typing import Union

from .pgimport import pygame

from ..host.reactor import Reactor
from ..host.traphandlers import restore_trap_handlers
from ..scheduling.frame import FrameScheduler
from ..scheduling.report import StepReport
from .bridge import InputBridge
from .events import EventKind
from .frame import Frame, guest_state
from .hud import Hud

__all__ = ["EventKind", "Frame", "GameLoop", "Hud", "InputBridge"]

Steppable = Union[Reactor, FrameScheduler]


class GameLoop:
    """The frame cycle of a pygame program hosting reactors.

    ``target`` is one :class:`Reactor` or a :class:`FrameScheduler`; every
    frame it gets ``budget_ms`` of wall time. With ``advance_ms`` (reactors on
    a :class:`~reactor_frame.VirtualClock`) each frame also moves virtual time
    forward by that much, e.g. ``1000 / 60``. ``fps`` caps the frame rate in
    :meth:`present` (0: no cap).

    A ``pygame.QUIT`` event or a key in ``quit_keys`` (Escape by default)
    sets :attr:`running` to False. Events also go to ``bridge``, if any, and
    to ``on_event`` callbacks (:meth:`on_event`).
    """

    def __init__(self, target: Steppable, *, budget_ms: float = 4.0, fps: float = 60.0,
                 advance_ms: float | None = None, bridge: InputBridge | None = None,
                 hud: Hud | None = None,
                 quit_keys: Iterable[int] = (pygame.K_ESCAPE,)) -> None:
        if not isinstance(target, (Reactor, FrameScheduler)):
            raise TypeError(f"GameLoop target must be a Reactor or a FrameScheduler, "
                            f"not {type(target).__name__}")
        if budget_ms < 0:
            raise ValueError(f"budget_ms must be >= 0, not {budget_ms}")
        if fps < 0:
            raise ValueError(f"fps must be >= 0, not {fps}")
        restore_trap_handlers()  # pygame may have been imported after the reactors were made
        self.target = target
        self.budget_ms = budget_ms
        self.fps = fps
        self.advance_ms = advance_ms
        self.bridge = bridge
        self.hud = hud
        self.quit_keys = frozenset(quit_keys)
        self.running = True
        """False once the user asked to quit (or :meth:`stop` was called)."""
        self.frames = 0
        """Frames ticked so far."""
        self.paused = False
        """While True, :meth:`tick` collects events but does not step the
        reactors (their reports are empty and idle): for a host that moves
        them itself meanwhile, e.g. restoring snapshots to rewind."""
        self._handlers: list[Callable[[pygame.event.Event], None]] = []
        self._clock = pygame.time.Clock()
        self._last_start: float | None = None

    def on_event(self, handler: Callable[[pygame.event.Event], None]) -> Callable[[pygame.event.Event], None]:
        """Call ``handler(event)`` for every event collected (usable as a decorator)."""
        self._handlers.append(handler)
        return handler

    def stop(self) -> None:
        """End :meth:`run` after the current frame."""
        self.running = False

    @property
    def reactors(self) -> list[Reactor]:
        """The reactors stepped, in the order of a frame's reports."""
        target = self.target
        return [target] if isinstance(target, Reactor) else list(target.reactors)

    def tick(self) -> Frame:
        """Collect events, forward input, and step the reactors; returns the frame."""
        start = perf_counter()
        dt_ms = 0.0 if self._last_start is None else (start - self._last_start) * 1000
        self._last_start = start
        events = tuple(pygame.event.get())
        for event in events:
            if event.type == pygame.QUIT or (
                    event.type == pygame.KEYDOWN and event.key in self.quit_keys):
                self.running = False
            if self.bridge is not None:
                self.bridge.handle(event)
            for handler in self._handlers:
                handler(event)
        if self.bridge is not None:
            self.bridge.flush()
        reactors = self.reactors
        cpu_start = thread_time()
        reports = (tuple(StepReport(budget_ms=self.budget_ms, idle=True) for _ in reactors)
                   if self.paused else self._step())
        cpu_ms = (thread_time() - cpu_start) * 1000
        frame = Frame(
            index=self.frames, dt_ms=dt_ms, budget_ms=self.budget_ms, reports=reports,
            names=tuple(r.name for r in reactors),
            states=tuple(guest_state(r, rep) for r, rep in zip(reactors, reports)),
            cpu_ms=cpu_ms, events=events,
        )
        self.frames += 1
        return frame

    def present(self, frame: Frame) -> None:
        """Draw the HUD on the display, flip it, and wait out the frame at ``fps``."""
        surface = pygame.display.get_surface()
        if surface is not None:
            if self.hud is not None:
                self.hud.draw(surface, frame)
            pygame.display.flip()
        if self.fps > 0:
            self._clock.tick(self.fps)

    def run(self, render: Callable[[Frame], None], *, frames: int | None = None) -> int:
        """Tick, ``render(frame)`` and present until :attr:`running` is False
        or ``frames`` frames have run; returns the number of frames run."""
        ran = 0
        while self.running and (frames is None or ran < frames):
            frame = self.tick()
            render(frame)
            self.present(frame)
            ran += 1
        return ran

    def _step(self) -> tuple[StepReport, ...]:
        target = self.target
        if isinstance(target, Reactor):
            if target.closed:
                return (StepReport(budget_ms=self.budget_ms, idle=True),)
            return (target.step(self.budget_ms, advance_ms=self.advance_ms),)
        return tuple(target.step(self.budget_ms, advance_ms=self.advance_ms))
