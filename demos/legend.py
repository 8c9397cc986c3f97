"""The demo's text: a legend of controls and a status card for the swarm."""

from __future__ import annotations

import numpy as np
import pygame

from .fonts import font

CONTROLS = (
    ("click", "startle the fireflies nearby"),
    ("right-drag  or  A", "light a lantern they gather to"),
    ("\u2191 \u2193  or  wheel", "stronger / weaker coupling"),
    ("space", "release 30 more at the pointer"),
    ("backspace", "30 fly away"),
    ("R", "scramble every rhythm"),
    ("Z (hold)", "rewind the last 3 seconds"),
    ("T   H   L   Esc", "trails, timing, legend, quit"),
)

_PANEL = (6, 9, 20, 150)
_TITLE = (246, 236, 190)
_KEY = (226, 230, 214)
_TEXT = (150, 160, 178)
_BAR = (214, 250, 120)
_BAR_BACK = (40, 48, 66)
_PAD = 12


class Legend:
    """Draws the controls (bottom left) and the swarm's status (top right)."""

    def __init__(self, scale: float = 1.0) -> None:
        self.visible = True
        self._title = font(round(22 * scale))
        self._small = font(round(14 * scale))
        self._controls = self._render_controls()
        self._status_key: tuple[int, int, int] | None = None
        self._status: pygame.Surface | None = None

    def draw(self, surface: pygame.Surface, meadow: np.void) -> None:
        if not self.visible:
            return
        w, h = surface.get_size()
        surface.blit(self._controls, (_PAD, h - self._controls.get_height() - _PAD))
        status = self._status_card(meadow)
        surface.blit(status, (w - status.get_width() - _PAD, _PAD))

    def _render_controls(self) -> pygame.Surface:
        title = self._title.render("Fireflies", True, _TITLE)
        subtitle = self._small.render("every firefly is a goroutine in a Go program", True, _TEXT)
        keys = [self._small.render(k, True, _KEY) for k, _ in CONTROLS]
        texts = [self._small.render(t, True, _TEXT) for _, t in CONTROLS]
        key_w = max(k.get_width() for k in keys) + 14
        line = self._small.get_linesize()
        width = max(subtitle.get_width(), key_w + max(t.get_width() for t in texts)) + 2 * _PAD
        top = title.get_height() + subtitle.get_height() + 10
        panel = _panel((width, top + line * len(CONTROLS) + 2 * _PAD))
        panel.blit(title, (_PAD, _PAD))
        panel.blit(subtitle, (_PAD, _PAD + title.get_height()))
        for i, (key, text) in enumerate(zip(keys, texts)):
            y = _PAD + top + i * line
            panel.blit(key, (_PAD, y))
            panel.blit(text, (_PAD + key_w, y))
        return panel

    def _status_card(self, meadow: np.void) -> pygame.Surface:
        alive, coupling, sync = int(meadow["alive"]), float(meadow["coupling"]), float(meadow["sync"])
        key = (alive, round(coupling * 1000), round(sync * 100))
        if key == self._status_key and self._status is not None:
            return self._status
        rows = [
            (self._small.render("fireflies", True, _TEXT), self._small.render(str(alive), True, _KEY)),
            (self._small.render("coupling", True, _TEXT), self._small.render(f"{coupling:.3f}", True, _KEY)),
            (self._small.render("in unison", True, _TEXT), self._small.render(f"{sync:.0%}", True, _KEY)),
        ]
        line = self._small.get_linesize()
        label_w = max(label.get_width() for label, _ in rows) + 14
        bar_w = 150
        panel = _panel((label_w + bar_w + 2 * _PAD, line * len(rows) + 2 * _PAD + 10))
        for i, (label, value) in enumerate(rows):
            panel.blit(label, (_PAD, _PAD + i * line))
            panel.blit(value, (_PAD + label_w + bar_w - value.get_width(), _PAD + i * line))
        bar = pygame.Rect(_PAD + label_w, _PAD + line * len(rows) + 3, bar_w, 5)
        pygame.draw.rect(panel, _BAR_BACK, bar, border_radius=2)
        pygame.draw.rect(panel, _BAR, (bar.x, bar.y, max(2, round(bar_w * sync)), bar.h), border_radius=2)
        self._status_key, self._status = key, panel
        return panel


def _panel(size: tuple[int, int]) -> pygame.Surface:
    panel = pygame.Surface(size, pygame.SRCALPHA)
    pygame.draw.rect(panel, _PANEL, panel.get_rect(), border_radius=8)
    return panel
