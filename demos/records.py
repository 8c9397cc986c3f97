"""The fireflies program's shared records, as numpy dtypes.

The dtypes mirror the Go structs ``Firefly`` and ``Meadow`` in
``fireflies/world.go`` field for field; a change there must be made here.
"""

from __future__ import annotations

import numpy as np

#: Size of the Go program's world, in its units.
WORLD_SIZE = (1280, 720)

FIREFLY_DTYPE = np.dtype([
    ("x", "<f4"), ("y", "<f4"),
    ("glow", "<f4"),      # flash brightness, 0..1
    ("phase", "<f4"),     # progress through the flash cycle, 0..1
    ("hue", "<f4"),       # colour variation, 0..1
    ("flashes", "<u4"),
    ("alive", "<u4"),     # 1 while its goroutine runs
    ("startle", "<f4"),   # 1 just after a scatter, decaying to 0
])

MEADOW_DTYPE = np.dtype([
    ("alive", "<u4"),
    ("flashes", "<u4"),
    ("coupling", "<f4"),
    ("sync", "<f4"),      # order parameter of the phases, 0..1
    ("cursor_x", "<f4"), ("cursor_y", "<f4"),
    ("events", "<u4"),    # input events handled
    ("attract", "<u4"),   # 1 while the lantern draws fireflies in
])

FIREFLIES = "fireflies"
MEADOW = "meadow"

