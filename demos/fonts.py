"""The demo's typeface: DejaVu Sans, shipped in reactor_frame.assets."""

from __future__ import annotations

import io
from functools import cache
from importlib import resources

import pygame

FONT_FILE = "DejaVuSans.ttf"


@cache
def _font_bytes() -> bytes:
    return resources.files("reactor_frame.assets").joinpath(FONT_FILE).read_bytes()


def font(size: int) -> pygame.font.Font:
    """DejaVu Sans at ``size`` pixels (initialises pygame.font if needed)."""
    if not pygame.font.get_init():
        pygame.font.init()
    return pygame.font.Font(io.BytesIO(_font_bytes()), size)
