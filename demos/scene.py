"""The still parts of the meadow: night sky, moon, stars, hills and grass.

Everything is drawn once, at start-up, from a seed: ``backdrop`` goes behind
the fireflies, ``grass`` (with alpha) in front of them.
"""

from __future__ import annotations

import math

import numpy as np
import pygame

_SKY_TOP = np.array((3, 5, 16), dtype=np.float32)
_SKY_MID = np.array((10, 17, 40), dtype=np.float32)
_SKY_LOW = np.array((26, 36, 66), dtype=np.float32)
_MOON = (236, 238, 220)
_FAR_HILLS = (13, 20, 40)
_TREES = (7, 11, 24)
_GROUND = (4, 7, 15)
_GRASS = (2, 4, 9)

# Ordered dithering hides the banding of a dark 8-bit gradient and, unlike
# random noise, keeps screenshots small.
_BAYER4 = np.array([[0, 8, 2, 10], [12, 4, 14, 6], [3, 11, 1, 9], [15, 7, 13, 5]],
                   dtype=np.float32) / 16 - 0.5


def backdrop(size: tuple[int, int], seed: int) -> pygame.Surface:
    """Sky, moon, stars, distant hills and a tree line."""
    w, h = size
    rng = np.random.default_rng(seed)
    surface = pygame.Surface(size)
    pygame.surfarray.blit_array(surface, _sky(w, h))
    _stars(surface, rng, horizon=int(h * 0.78))
    _moon(surface, (int(w * 0.79), int(h * 0.25)), max(14, h // 26))
    _ridge(surface, rng, base=h * 0.74, amplitude=h * 0.05, colour=_FAR_HILLS, roughness=3)
    _tree_line(surface, rng, base=h * 0.80, colour=_TREES)
    pygame.draw.rect(surface, _GROUND, (0, int(h * 0.86), w, h))
    return surface


def grass(size: tuple[int, int], seed: int) -> pygame.Surface:
    """Foreground grass blades along the bottom edge, on a transparent surface."""
    w, h = size
    rng = np.random.default_rng(seed + 1)
    surface = pygame.Surface(size, pygame.SRCALPHA)
    ground = h * 0.93
    pygame.draw.rect(surface, _GRASS, (0, int(ground), w, h))
    for _ in range(int(w * 0.75)):
        x = rng.uniform(-10, w + 10)
        height = h * rng.uniform(0.03, 0.14) * (1.6 if rng.random() < 0.08 else 1.0)
        lean = rng.normal(0, 0.35) * height
        width = rng.uniform(1.5, 4.0)
        base_y = ground + rng.uniform(0, h * 0.04)
        tip = (x + lean, base_y - height)
        bend = (x + lean * 0.35, base_y - height * 0.55)
        pygame.draw.polygon(surface, _GRASS, [
            (x - width, base_y), (bend[0] - width * 0.5, bend[1]), tip,
            (bend[0] + width * 0.5, bend[1]), (x + width, base_y),
        ])
    return surface


def _sky(w: int, h: int) -> np.ndarray:
    t = np.linspace(0.0, 1.0, h, dtype=np.float32)[:, None]
    upper = _SKY_TOP + (_SKY_MID - _SKY_TOP) * np.clip(t / 0.55, 0, 1)
    colour = upper + (_SKY_LOW - _SKY_MID) * np.clip((t - 0.55) / 0.3, 0, 1) ** 1.5
    rows = np.broadcast_to(colour[:, None, :], (h, w, 3))
    dither = np.tile(_BAYER4, (h // 4 + 1, w // 4 + 1))[:h, :w, None]
    return np.clip(rows + dither, 0, 255).astype(np.uint8).transpose(1, 0, 2)


def _stars(surface: pygame.Surface, rng: np.random.Generator, horizon: int) -> None:
    w = surface.get_width()
    for _ in range(w // 4):
        x, y = int(rng.uniform(0, w)), int(horizon * rng.uniform(0, 1) ** 1.4)
        fade = 1 - y / horizon
        level = int(40 + 170 * rng.uniform(0, 1) ** 3 * fade)
        colour = (level, level, min(255, level + 18))
        surface.set_at((x, y), colour)
        if level > 150:  # the brightest get a soft cross
            dim = (level // 3, level // 3, level // 3 + 6)
            for dx, dy in ((1, 0), (-1, 0), (0, 1), (0, -1)):
                surface.set_at((x + dx, y + dy), dim)


def _moon(surface: pygame.Surface, centre: tuple[int, int], radius: int) -> None:
    halo_r = radius * 6
    span = np.arange(-halo_r, halo_r + 1, dtype=np.float32)
    dist = np.hypot(span[:, None], span[None, :]) / halo_r
    light = np.clip(1 - dist, 0, 1) ** 3 * 34
    halo = np.stack([light * 0.8, light * 0.85, light], axis=-1).astype(np.uint8)
    glow = pygame.surfarray.make_surface(halo)
    surface.blit(glow, (centre[0] - halo_r, centre[1] - halo_r), special_flags=pygame.BLEND_ADD)

    # A waxing crescent: the disc minus a shadow disc shifted left, edges
    # antialiased by coverage; the shadowed part keeps a faint earthshine.
    side = 2 * radius + 3
    x = np.arange(side, dtype=np.float32)[:, None] - side / 2
    y = np.arange(side, dtype=np.float32)[None, :] - side / 2
    disc = np.clip(radius + 0.5 - np.hypot(x, y), 0, 1)
    lit = np.clip(np.hypot(x + 0.55 * radius, y + 0.12 * radius) - 0.97 * radius + 0.5, 0, 1)
    moon = pygame.Surface((side, side), pygame.SRCALPHA)
    moon.fill(_MOON)
    pygame.surfarray.pixels_alpha(moon)[:] = (255 * disc * (0.07 + 0.93 * lit)).astype(np.uint8)
    surface.blit(moon, (centre[0] - side // 2, centre[1] - side // 2))


def _ridge(surface: pygame.Surface, rng: np.random.Generator, base: float, amplitude: float,
           colour: tuple[int, int, int], roughness: int) -> None:
    w, h = surface.get_size()
    xs = np.arange(0, w + 8, 8, dtype=np.float64)
    y = np.zeros_like(xs)
    for octave in range(1, roughness + 1):
        freq = rng.uniform(0.8, 1.6) * octave * 2 * math.pi / w
        y += np.sin(xs * freq + rng.uniform(0, 2 * math.pi)) / octave
    points = [(0, h)] + [(x, base - amplitude * v) for x, v in zip(xs, y)] + [(w, h)]
    pygame.draw.polygon(surface, colour, points)


def _tree_line(surface: pygame.Surface, rng: np.random.Generator, base: float,
               colour: tuple[int, int, int]) -> None:
    w, h = surface.get_size()
    pygame.draw.rect(surface, colour, (0, int(base), w, h))
    x = rng.uniform(-30, 0)
    while x < w + 30:
        height = h * rng.uniform(0.04, 0.13)
        half = height * rng.uniform(0.22, 0.32)
        if rng.random() < 0.7:  # a conifer: stacked tiers
            tiers = 3
            for i in range(tiers):
                top = base - height * (1 - i / (tiers + 1))
                bottom = base - height * (0.35 - 0.3 * i / tiers)
                spread = half * (0.55 + 0.45 * (i + 1) / tiers)
                pygame.draw.polygon(surface, colour, [(x - spread, bottom), (x, top), (x + spread, bottom)])
            trunk = (int(x - 2), int(base - height * 0.4), 4, int(height * 0.4) + 2)
            pygame.draw.rect(surface, colour, trunk)
        else:  # a rounded broadleaf crown
            crown = (x - half * 1.4, base - height * 0.9, half * 2.8, height * 0.95)
            pygame.draw.ellipse(surface, colour, crown)
        x += rng.uniform(half * 0.9, half * 2.6)
