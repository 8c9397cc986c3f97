"""Glow sprites: soft firefly light, rendered once and blitted additively."""

from __future__ import annotations

import numpy as np
import pygame

#: Firefly colours, from cool green through lime to amber.
PALETTE = ((150, 255, 140), (196, 255, 104), (232, 250, 96), (255, 214, 92))


def glow_sprite(radius: int, colour: tuple[int, int, int], intensity: float,
                core_px: float = 1.6) -> pygame.Surface:
    """A square RGB sprite of side ``2 * radius + 1``: a white-hot core
    fading into a coloured halo, black at the edge (for BLEND_ADD)."""
    span = np.arange(-radius, radius + 1, dtype=np.float32)
    dist = np.hypot(span[:, None], span[None, :])
    halo = np.clip(1 - dist / (radius + 0.5), 0, 1) ** 2.8
    core = np.exp(-(dist / core_px) ** 2)
    tint = np.array(colour, dtype=np.float32)
    rgb = intensity * (halo[..., None] * tint * 0.6 + core[..., None] * (tint * 0.5 + 128))
    surface = pygame.Surface((2 * radius + 1, 2 * radius + 1))
    pygame.surfarray.blit_array(surface, np.clip(rgb, 0, 255).astype(np.uint8))
    return surface


class GlowSprites:
    """Sprites for ``levels`` brightness steps of every palette colour.

    Brighter steps are larger as well as brighter: a dark firefly is a faint
    ember a few pixels wide, a flashing one lights ``max_radius`` pixels
    around it. ``sprites[colour][level]``, ``radius[level]`` and
    ``area[level]`` (the sprite's whole rectangle).
    """

    def __init__(self, levels: int = 24, max_radius: int = 40, min_radius: int = 3,
                 palette: tuple[tuple[int, int, int], ...] = PALETTE) -> None:
        self.levels = levels
        steps = np.linspace(0.0, 1.0, levels)
        self.radius = [round(min_radius + (max_radius - min_radius) * b ** 1.3) for b in steps]
        self.sprites = [
            [glow_sprite(r, colour, 0.16 + 0.84 * b) for r, b in zip(self.radius, steps)]
            for colour in palette
        ]
        self.area = [pygame.Rect(0, 0, 2 * r + 1, 2 * r + 1) for r in self.radius]

    def level(self, brightness: np.ndarray) -> np.ndarray:
        """Brightness 0..1 -> sprite level."""
        return np.clip(np.rint(brightness * (self.levels - 1)), 0, self.levels - 1).astype(np.intp)
