"""``MeadowView``: draws one frame of the meadow from the shared records."""

from __future__ import annotations

import numpy as np
import pygame

from .glow import PALETTE, GlowSprites, glow_sprite
from .records import WORLD_SIZE
from .scene import backdrop, grass

_TRAIL_FADE = (210, 210, 210)  # per frame: a streak fades to 1/e in about 5 frames
_TRAIL_FLOOR = (3, 3, 3)  # and sinks, since BLEND_MULT rounds small values up
_LANTERN = (255, 196, 120)


class MeadowView:
    """The meadow at ``size`` pixels: backdrop, light trails, fireflies, the
    lantern when lit, and the grass in front.

    Firefly records (``FIREFLY_DTYPE``) are in world units and are scaled to
    the view. Between flashes a firefly shows as a faint ember that warms
    as its next flash nears.
    """

    def __init__(self, size: tuple[int, int], seed: int, *, trails: bool = True) -> None:
        self.scale = (size[0] / WORLD_SIZE[0], size[1] / WORLD_SIZE[1])
        self.trails = trails
        self.backdrop = _fast(backdrop(size, seed))
        self.grass = _fast(grass(size, seed), alpha=True)
        zoom = min(self.scale)
        self.sprites = GlowSprites(max_radius=max(8, round(40 * zoom)), min_radius=max(2, round(3 * zoom)))
        self.dots = GlowSprites(levels=8, max_radius=2, min_radius=1)
        self.lantern = glow_sprite(round(110 * zoom), _LANTERN, 0.3, core_px=4 * zoom)
        self._trail = pygame.Surface(size)
        self._hues = len(PALETTE)

    def draw(self, surface: pygame.Surface, fireflies: np.ndarray, meadow: np.void) -> None:
        """Draw the frame for these firefly records and meadow record."""
        surface.blit(self.backdrop, (0, 0))
        live = fireflies[fireflies["alive"] == 1]
        xs = live["x"] * self.scale[0]
        ys = live["y"] * self.scale[1]
        hues = np.minimum((live["hue"] * self._hues).astype(np.intp), self._hues - 1)
        ember = 0.02 + 0.07 * live["phase"] ** 6
        bright = np.maximum.reduce([live["glow"], ember, 0.45 * live["startle"]])

        if self.trails:
            self._draw_trails(surface, xs, ys, hues, bright)
        if meadow["attract"]:
            r = self.lantern.get_width() // 2
            corner = (round(float(meadow["cursor_x"]) * self.scale[0]) - r,
                      round(float(meadow["cursor_y"]) * self.scale[1]) - r)
            surface.blit(self.lantern, corner, special_flags=pygame.BLEND_ADD)
        self._blit_glows(surface, self.sprites, xs, ys, hues, bright)
        surface.blit(self.grass, (0, 0))

    def _draw_trails(self, surface: pygame.Surface, xs: np.ndarray, ys: np.ndarray,
                     hues: np.ndarray, bright: np.ndarray) -> None:
        self._trail.fill(_TRAIL_FADE, special_flags=pygame.BLEND_MULT)
        self._trail.fill(_TRAIL_FLOOR, special_flags=pygame.BLEND_SUB)
        lit = bright > 0.3
        self._blit_glows(self._trail, self.dots, xs[lit], ys[lit], hues[lit], bright[lit] * 0.5)
        surface.blit(self._trail, (0, 0), special_flags=pygame.BLEND_ADD)

    @staticmethod
    def _blit_glows(target: pygame.Surface, sprites: GlowSprites, xs: np.ndarray, ys: np.ndarray,
                    hues: np.ndarray, bright: np.ndarray) -> None:
        levels = sprites.level(bright)
        radius = np.asarray(sprites.radius)[levels]
        left = np.rint(xs - radius).astype(int)
        top = np.rint(ys - radius).astype(int)
        table, area = sprites.sprites, sprites.area
        add = pygame.BLEND_ADD
        target.blits(
            [(table[h][lv], (x, y), area[lv], add)
             for h, lv, x, y in zip(hues.tolist(), levels.tolist(), left.tolist(), top.tolist())],
            doreturn=False,
        )


def _fast(surface: pygame.Surface, alpha: bool = False) -> pygame.Surface:
    """``surface`` in the display's pixel format, when there is a display."""
    if pygame.display.get_surface() is None:
        return surface
    return surface.convert_alpha() if alpha else surface.convert()
