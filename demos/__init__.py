"""The bundled demos (installed as reactor_frame.demos)."""
