"""Integrations of reactor-frame with game frameworks.

* :mod:`reactor_frame.integrations.pygame`: drive reactors from a pygame main
  loop (:class:`~reactor_frame.integrations.pygame.GameLoop`), forward input
  into guests (``InputBridge``) and draw a timing overlay (``Hud``).
* :mod:`reactor_frame.integrations.events`: the input event kinds the
  bridges push, independent of any framework; Go programs mirror them.

Importing this package does not import pygame.
"""
