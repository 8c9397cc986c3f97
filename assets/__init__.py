"""Fonts and images used by the bundled demo (installed as reactor_frame.assets)."""
