"""The pygame integration: GameLoop, InputBridge, Hud and Frame.

Runs in-process on SDL's dummy video driver. The guest is the fireflies demo
on a virtual clock, so what it does each frame does not depend on the
machine's speed.
"""

from __future__ import annotations

import pytest

pygame = pytest.importorskip("pygame")
np = pytest.importorskip("numpy")

from reactor_frame import FrameScheduler, Reactor, VirtualClock  # noqa: E402
from reactor_frame.demos.build import fireflies_wasm  # noqa: E402
from reactor_frame.demos.records import (  # noqa: E402
    FIREFLIES, FIREFLY_DTYPE, MEADOW, MEADOW_DTYPE,
)
from reactor_frame.integrations.events import EventKind  # noqa: E402
from reactor_frame.integrations.frame import guest_state  # noqa: E402
from reactor_frame.integrations.pygame import GameLoop, Hud, InputBridge  # noqa: E402

FRAME_MS = 1000 / 60


@pytest.fixture(scope="module")
def display():
    env = pytest.MonkeyPatch()
    env.setenv("SDL_VIDEODRIVER", "dummy")
    env.setenv("SDL_AUDIODRIVER", "dummy")
    pygame.display.init()
    pygame.font.init()
    screen = pygame.display.set_mode((640, 480))
    yield screen
    pygame.quit()
    env.undo()


@pytest.fixture(autouse=True)
def _empty_queue(display):
    pygame.event.clear()


@pytest.fixture
def fireflies(rf_engine):
    """``fireflies(seed=1)``: a small meadow on a virtual clock."""
    made: list[Reactor] = []

    def make(seed: int = 1) -> Reactor:
        r = Reactor(fireflies_wasm(), engine=rf_engine, name=f"fireflies-{seed}", seed=seed,
                    args=["fireflies", "-n", "80", "-seed", str(seed)], clock=VirtualClock())
        made.append(r)
        return r

    yield make
    for r in made:
        r.close()


def meadow(r: Reactor) -> np.void:
    return r.shared(MEADOW).array(MEADOW_DTYPE)[0]


def loop_for(target, **kwargs) -> GameLoop:
    kwargs.setdefault("fps", 0)
    kwargs.setdefault("advance_ms", FRAME_MS)
    return GameLoop(target, **kwargs)


def key_down(key: int) -> pygame.event.Event:
    return pygame.event.Event(pygame.KEYDOWN, key=key, mod=0)


# ------------------------------------------------------------- input bridge --
def test_posted_key_event_reaches_the_guest(fireflies):
    r = fireflies()
    loop = loop_for(r, bridge=InputBridge(r))
    loop.tick()  # main starts and shares its records
    before = float(meadow(r)["coupling"])
    pygame.event.post(key_down(pygame.K_UP))
    loop.tick()
    after = meadow(r)
    assert after["events"] == 1
    assert float(after["coupling"]) == pytest.approx(before + 0.02, abs=1e-6)


def test_posted_click_startles_the_fireflies_under_it(fireflies):
    r = fireflies()
    loop = loop_for(r, bridge=InputBridge(r))
    loop.tick()
    records = r.shared(FIREFLIES).array(FIREFLY_DTYPE)
    target = records[records["alive"] == 1][0]
    flashes = int(meadow(r)["flashes"])
    pygame.event.post(pygame.event.Event(
        pygame.MOUSEBUTTONDOWN, button=1, pos=(float(target["x"]), float(target["y"]))))
    loop.tick()
    loop.tick()
    records = r.shared(FIREFLIES).array(FIREFLY_DTYPE)
    assert (records["startle"] > 0.5).sum() >= 1
    assert int(meadow(r)["flashes"]) > flashes


def test_motion_is_coalesced_and_mapped(fireflies):
    r = fireflies()
    bridge = InputBridge(r, to_guest=lambda x, y: (2 * x, 2 * y))
    loop = loop_for(r, bridge=bridge)
    loop.tick()
    for x in range(5):
        pygame.event.post(pygame.event.Event(pygame.MOUSEMOTION, pos=(10 * x, 7), rel=(10, 0),
                                             buttons=(0, 0, 0)))
    loop.tick()
    m = meadow(r)
    assert m["events"] == 1 and bridge.pushed == 1
    assert (m["cursor_x"], m["cursor_y"]) == (80.0, 14.0)


def test_translate_maps_every_kind():
    bridge = InputBridge([])
    E = pygame.event.Event
    assert bridge.translate(E(pygame.KEYDOWN, key=pygame.K_SPACE, mod=pygame.KMOD_LSHIFT)) == (
        EventKind.KEY_DOWN, pygame.K_SPACE, pygame.KMOD_LSHIFT, 0.0, 0.0)
    assert bridge.translate(E(pygame.KEYUP, key=pygame.K_a))[:3] == (EventKind.KEY_UP, pygame.K_a, 0)
    assert bridge.translate(E(pygame.MOUSEMOTION, pos=(3, 4), buttons=(1, 0, 1))) == (
        EventKind.MOUSE_MOVE, 0b101, 0, 3.0, 4.0)
    assert bridge.translate(E(pygame.MOUSEBUTTONDOWN, button=3, pos=(5, 6))) == (
        EventKind.MOUSE_DOWN, 3, 0, 5.0, 6.0)
    assert bridge.translate(E(pygame.MOUSEBUTTONUP, button=1, pos=(7, 8))) == (
        EventKind.MOUSE_UP, 1, 0, 7.0, 8.0)
    # The wheel comes as MOUSE_WHEEL at the last pointer position, not as buttons 4/5.
    assert bridge.translate(E(pygame.MOUSEBUTTONDOWN, button=4, pos=(1, 1))) is None
    assert bridge.translate(E(pygame.MOUSEWHEEL, x=0, y=-2)) == (EventKind.MOUSE_WHEEL, 0, -2, 7.0, 8.0)
    assert bridge.translate(E(pygame.VIDEORESIZE, w=800, h=600, size=(800, 600))) == (
        EventKind.WINDOW_RESIZE, 800, 600, 0.0, 0.0)
    assert bridge.translate(E(pygame.USEREVENT)) is None


def test_a_full_queue_drops_and_counts(fireflies):
    r = fireflies()
    bridge = InputBridge(r)
    loop = loop_for(r, bridge=bridge)
    loop.tick()
    for _ in range(300):
        bridge.push(EventKind.USER)
    assert bridge.dropped > 0
    assert bridge.pushed + bridge.dropped == 300
    loop.tick()
    assert meadow(r)["events"] == bridge.pushed


def test_bridge_skips_finished_and_closed_reactors(make_reactor, fireflies):
    done = make_reactor("hello")
    done.run()
    closed = fireflies()
    closed.close()
    bridge = InputBridge([done, closed])
    assert bridge.reactors() == []
    assert bridge.push(EventKind.KEY_DOWN, 32) == 0


def test_bridge_rejects_what_is_not_reactors():
    with pytest.raises(TypeError, match="InputBridge target"):
        InputBridge(["not a reactor"])


# --------------------------------------------------------------- game loop --
def test_a_frame_scheduler_gets_input_and_one_report_per_reactor(fireflies):
    a, b = fireflies(1), fireflies(2)
    scheduler = FrameScheduler([a, b])
    loop = loop_for(scheduler, bridge=InputBridge(scheduler))
    loop.tick()
    pygame.event.post(key_down(pygame.K_DOWN))
    frame = loop.tick()
    assert [meadow(r)["events"] for r in (a, b)] == [1, 1]
    assert frame.names == ("fireflies-1", "fireflies-2")
    assert frame.states == ("running", "running")
    assert len(frame.reports) == 2 and frame.ticks == sum(rep.ticks for rep in frame.reports)


def test_quit_event_and_escape_stop_the_loop(fireflies):
    r = fireflies()
    loop = loop_for(r)
    pygame.event.post(pygame.event.Event(pygame.QUIT))
    loop.tick()
    assert not loop.running

    loop = loop_for(r)
    pygame.event.post(key_down(pygame.K_ESCAPE))
    loop.tick()
    assert not loop.running

    loop = loop_for(r, quit_keys=())
    pygame.event.post(key_down(pygame.K_ESCAPE))
    loop.tick()
    assert loop.running


def test_each_frame_advances_virtual_time(fireflies):
    r = fireflies()
    loop = loop_for(r, advance_ms=10.0)
    start = r.clock.now_ns()
    for _ in range(3):
        loop.tick()
    assert r.clock.now_ns() - start == 30_000_000


def test_a_paused_loop_handles_events_but_does_not_step(fireflies):
    r = fireflies()
    loop = loop_for(r, advance_ms=10.0)
    loop.tick()
    seen: list[int] = []
    loop.on_event(lambda event: seen.append(event.type))
    loop.paused = True
    start = r.clock.now_ns()
    pygame.event.post(pygame.event.Event(pygame.USEREVENT))
    frame = loop.tick()
    assert r.clock.now_ns() == start
    assert frame.calls == 0 and frame.reports[0].idle
    assert pygame.USEREVENT in seen
    loop.paused = False
    assert loop.tick().calls > 0 and r.clock.now_ns() == start + 10_000_000


def test_run_counts_frames_and_calls_event_handlers(fireflies):
    r = fireflies()
    loop = loop_for(r)
    seen: list[int] = []
    loop.on_event(lambda event: seen.append(event.type))
    rendered: list[int] = []

    def render(frame):
        rendered.append(frame.index)
        if frame.index == 1:
            pygame.event.post(pygame.event.Event(pygame.USEREVENT))

    assert loop.run(render, frames=4) == 4
    assert rendered == [0, 1, 2, 3]
    assert pygame.USEREVENT in seen
    assert loop.frames == 4


def test_game_loop_checks_its_arguments(fireflies):
    with pytest.raises(TypeError, match="Reactor or a FrameScheduler"):
        GameLoop("game.wasm")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="budget_ms"):
        GameLoop(fireflies(), budget_ms=-1)


def test_guest_states(make_reactor, fireflies):
    r = make_reactor("hello")
    frame = loop_for(r, advance_ms=None).tick()
    assert frame.states == ("exited (0)",)
    assert guest_state(r, frame.reports[0]) == "exited (0)"

    closed = fireflies()
    loop = loop_for(closed)
    loop.tick()
    closed.close()
    assert loop.tick().states == ("closed",)


# --------------------------------------------------------------------- HUD --
def test_hud_draws_timing_and_state(display, fireflies):
    r = fireflies()
    hud = Hud()
    loop = loop_for(r, hud=hud)
    loop.tick()
    frame = loop.tick()
    rows = dict(hud.lines(frame))
    assert rows["guest"] == "running"
    assert f"/ {frame.budget_ms:.1f} ms" in rows["go"]
    assert rows["ticks"].startswith(str(frame.ticks))
    assert rows["preempt"].startswith(f"{frame.preemptions}   over {frame.overrun_ms:4.1f} ms")

    surface = pygame.Surface((640, 480))
    area = hud.draw(surface, frame)
    assert area is not None and area.width > 150 and area.height > 80
    pixels = pygame.surfarray.array3d(surface.subsurface(area))
    assert (pixels.max(axis=2) > 150).sum() > 200  # text and graph, not just the panel

    hud.toggle()
    blank = pygame.Surface((640, 480))
    assert hud.draw(blank, frame) is None
    assert pygame.surfarray.array3d(blank).max() == 0


def test_present_draws_the_hud_on_the_display(display, fireflies):
    r = fireflies()
    loop = loop_for(r, hud=Hud(position=(0, 0)))
    display.fill((0, 0, 0))
    loop.present(loop.tick())
    corner = pygame.surfarray.array3d(display.subsurface((0, 0, 120, 60)))
    assert corner.max() > 150
