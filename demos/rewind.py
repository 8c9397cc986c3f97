"""Rewind: the meadow runs backwards through a ring of recent snapshots.

After every ``every`` simulated frames the reactor is snapshotted into a ring of
``capacity`` entries (the oldest falls out). While rewinding (Z held, or a
scripted span of frames) each displayed frame restores the newest entry and
drops it, so the swarm plays backwards at ``every`` times normal speed until
the ring is empty, and then holds still; released, time runs forward again
from there. On a
VirtualClock the resumed run is the plain run from that point, frame for
frame.
"""

from __future__ import annotations

from collections import deque

import pygame

from reactor_frame import Reactor, ReactorSnapshot

#: One snapshot every this many simulated frames.
EVERY = 4
#: Snapshots kept: 45 x 4 frames = 3 s at 60 fps (the fireflies program is ~5 MiB).
CAPACITY = 45


class Rewind:
    """The snapshot ring and the rewind control of one reactor.

    ``script`` is ``(start, count)``: rewind during displayed frames
    ``start`` to ``start + count - 1`` (``--rewind-at``), as if Z were held.
    """

    def __init__(self, reactor: Reactor, *, script: tuple[int, int] | None = None,
                 every: int = EVERY, capacity: int = CAPACITY) -> None:
        self.reactor = reactor
        self.script = script
        self.every = every
        self.ring: deque[tuple[int, ReactorSnapshot]] = deque(maxlen=capacity)
        self.held = False
        """Whether the rewind key is down."""
        self.sim_frame = 0
        """Simulated frames the meadow is at (it goes down while rewinding)."""
        self.rewound = 0
        """Snapshots restored so far."""

    def handle(self, event: pygame.event.Event) -> None:
        """Track the rewind key (Z)."""
        if event.type in (pygame.KEYDOWN, pygame.KEYUP) and event.key == pygame.K_z:
            self.held = event.type == pygame.KEYDOWN

    def wanted(self, display_frame: int) -> bool:
        """Whether frame ``display_frame`` should rewind (key or script)."""
        if self.held:
            return True
        if self.script is None:
            return False
        start, count = self.script
        return start <= display_frame < start + count

    def before_frame(self, display_frame: int) -> bool:
        """Rewind one ring entry if this frame should rewind; returns True
        then (the reactor must not be stepped this frame)."""
        if not self.wanted(display_frame):
            return False
        while self.ring and self.ring[-1][0] >= self.sim_frame:
            self.ring.pop()  # the present itself
        if self.ring:  # empty: stay at the oldest moment kept
            self.sim_frame, snapshot = self.ring.pop()
            self.reactor.restore(snapshot)
            self.rewound += 1
        return True

    def after_step(self) -> None:
        """Count a simulated frame; record the state every ``every`` frames."""
        self.sim_frame += 1
        if self.sim_frame % self.every == 0 and not self.reactor.closed:
            # On real time timers keep the delay they had left; on a
            # VirtualClock the clock itself travels.
            self.ring.append((self.sim_frame, self.reactor.snapshot(allow_real_time=True)))
