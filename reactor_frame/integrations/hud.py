"""``Hud``: an overlay of a frame's timing and the guests' state."""

from __future__ import annotations

from collections import deque

from .pgimport import pygame

from .frame import Frame

__all__ = ["Hud"]

_PANEL = (8, 12, 22, 178)
_TEXT = (214, 222, 236)
_DIM = (134, 146, 170)
_OK, _WARN, _OVER = (88, 196, 150), (236, 184, 76), (236, 92, 84)
_PAD = 8
_GRAPH_H = 30


class Hud:
    """Draws frame time and rate, guest time against the budget (wall time,
    then the CPU time of the step and the wall time the OS took), ticks,
    calls and turns this frame, the next timer deadline, preemptions and
    overrun (and where the last preemption stopped), and each guest's
    state (running, idle, exited, closed), over a graph of guest time per
    frame with the budget marked.

    ``font`` defaults to pygame's bundled font. Timing history is kept while
    the overlay is hidden, so the graph is full when it is shown again.
    """

    def __init__(self, font: pygame.font.Font | None = None, *,
                 position: tuple[int, int] = (10, 10), history: int = 120,
                 visible: bool = True) -> None:
        self.font = font
        self.position = position
        self.visible = visible
        self._dt_ms: deque[float] = deque(maxlen=history)
        self._used: deque[float] = deque(maxlen=history)

    def toggle(self) -> None:
        """Show the overlay if hidden, hide it if shown."""
        self.visible = not self.visible

    def record(self, frame: Frame) -> None:
        """Add ``frame`` to the timing history (:meth:`draw` does it too)."""
        if frame.dt_ms > 0:
            self._dt_ms.append(frame.dt_ms)
        self._used.append(frame.utilisation)

    def lines(self, frame: Frame) -> list[tuple[str, str]]:
        """The overlay's rows as (label, text)."""
        dts = self._dt_ms
        mean_dt = sum(dts) / len(dts) if dts else 0.0
        rate = f"{1000 / mean_dt:5.1f} fps" if mean_dt > 0 else "  -- fps"
        timer = frame.next_timer_ms
        rows = [
            ("frame", f"{frame.dt_ms:5.1f} ms  {rate}"),
            ("go", f"{frame.elapsed_ms:5.2f} / {frame.budget_ms:.1f} ms  "
                   f"{100 * frame.utilisation:3.0f}%"),
            ("cpu", f"{frame.cpu_ms:5.2f} ms   os {frame.os_ms:.2f} ms"),
            ("ticks", f"{frame.ticks}   calls {frame.calls}   turns {frame.turns}"),
            ("timer", "none" if timer is None else f"in {timer:.1f} ms"),
            ("preempt", f"{frame.preemptions}   over {frame.overrun_ms:4.1f} ms"
                        + (f"   in {frame.preempted_at[:24]}" if frame.preempted_at else "")),
        ]
        if len(frame.states) == 1:
            rows.append(("guest", frame.states[0]))
        else:
            rows += [(name[:12], state) for name, state in zip(frame.names, frame.states)]
        return rows

    def draw(self, surface: pygame.Surface, frame: Frame) -> pygame.Rect | None:
        """Record ``frame`` and draw the overlay; returns the area drawn, or
        None while hidden."""
        self.record(frame)
        if not self.visible:
            return None
        font = self._font()
        rows = [(font.render(label, True, _DIM), font.render(text, True, _TEXT))
                for label, text in self.lines(frame)]
        label_w = max(label.get_width() for label, _ in rows) + 10
        line_h = font.get_linesize()
        graph_w = 2 * (self._used.maxlen or 1)
        width = max(graph_w, label_w + max(text.get_width() for _, text in rows)) + 2 * _PAD
        height = len(rows) * line_h + _GRAPH_H + 3 * _PAD

        panel = pygame.Surface((width, height), pygame.SRCALPHA)
        panel.fill(_PANEL)
        y = _PAD
        for label, text in rows:
            panel.blit(label, (_PAD, y))
            panel.blit(text, (_PAD + label_w, y))
            y += line_h
        self._draw_graph(panel, pygame.Rect(_PAD, y + _PAD, graph_w, _GRAPH_H))
        return surface.blit(panel, self.position)

    def _draw_graph(self, panel: pygame.Surface, area: pygame.Rect) -> None:
        # The budget sits at half height, so overruns up to 2x stay visible.
        budget_y = area.bottom - area.height // 2
        for i, used in enumerate(self._used):
            h = max(1, min(area.height, round(used * area.height / 2)))
            colour = _OK if used <= 0.8 else _WARN if used <= 1.0 else _OVER
            pygame.draw.rect(panel, colour, (area.x + 2 * i, area.bottom - h, 1, h))
        pygame.draw.line(panel, _DIM, (area.x, budget_y), (area.right - 1, budget_y))

    def _font(self) -> pygame.font.Font:
        if self.font is None:
            if not pygame.font.get_init():
                pygame.font.init()
            self.font = pygame.font.Font(None, 18)
        return self.font
