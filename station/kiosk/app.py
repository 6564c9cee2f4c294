"""The kiosk: one frame at a time, input to flow to screen, never waiting.

Each frame takes the window's events and the buttons' presses, lets the flow
pick the screen, draws it below the banners and shows it. Events from the
pipeline go to the board (and the sound cues) as they come, so the frame after
a rep shows it. Durations on screen run on the session clock (``now_s``).

A frame draws and presents only what changed: the whole screen when what it
shows apart from its moving parts changed (the board, the flow, a highlight,
a flash), else only the boxes of the moving parts that moved (the force
trace, the attract screen's figure and steps, the weigh-in ring), and nothing
at all when nothing did. The USB stick's, the class challenge's and the
calibration's screens are drawn whole every frame.

Two held gestures act on the whole kiosk: HOME (BACK held) closes whatever
shows over the athlete's screens (a list, a stick's screen, a class
challenge, a calibration; an export under way is cancelled) and goes back
to the attract screen, or to the live screens if someone is on the mat;
CALIBRATE (SELECT and NEXT held) opens the calibration, except while a class
challenge counts down or runs.
"""

from __future__ import annotations

import math
import time
from pathlib import Path
from typing import Callable

import pygame

from station.analysis.events import Event
from station.errors import UserError
from station.fonts.files import find_fonts
from station.kiosk.config import KioskConfig
from station.kiosk.controls.actions import Action
from station.kiosk.controls.holds import KeyHolds
from station.kiosk.controls.input import KeyMap
from station.kiosk.draw.figure import figure_rect, pose_at, step_at
from station.kiosk.draw.layout import RATING_COLOURS
from station.kiosk.draw.text import TextCache
from station.kiosk.flow import Flow, Screen
from station.kiosk.screen import KioskScreen
from station.kiosk.screens import attract, banners, history, live, picker, summary, weigh_in
from station.kiosk.state.board import LiveBoard
from station.kiosk.state.trace import ForceTrace

FRAME_RATE_HZ = 60
#: Between frames the loop keeps stepping this often while someone is on the
#: mat, so a landing decided between two frames is drawn within this much of
#: its decision. With nobody on it, the loop steps once a frame: a step-on
#: shows on the next frame either way, and an idle kiosk wakes 60 times a
#: second instead of 250.
STEP_S = 0.004
# Long enough to catch from the corner of an eye on landing, short enough to be
# over before the next rep (reps come about a second apart).
HIGHLIGHT_S = 0.5
#: A flash of the landing's colour: seen from across the room, gone before the rebound ends.
FLASH_S = 0.15
#: The attract screen's figure moves this many times a second: smooth to the
#: eye from across a room, at half the redraws of every frame.
FIGURE_RATE_HZ = 30
#: The weigh-in ring is redrawn when it has filled this much more of a turn.
RING_STEPS = 720
# The window lost what it showed (uncovered, resized, restored): draw it all.
_REDRAW_EVENTS = frozenset({pygame.WINDOWEXPOSED, pygame.WINDOWSIZECHANGED, pygame.WINDOWRESTORED,
                            pygame.WINDOWSHOWN, pygame.VIDEOEXPOSE})


class KioskApp:
    """The kiosk's screens on ``screen``, showing ``board``.

    ``kiosk``: the ``[kiosk]`` config (exit keys, flash). ``roster`` and
    ``on_pick``: the athletes to pick from, and who was picked (see
    station.kiosk.flow). ``history``: ``history(athlete_id)`` gives the
    history screen's ``AthleteHistory`` (station.log.athlete_history), or
    None for no history screen. ``buttons``: an object whose ``take()`` gives the
    presses since the last frame (station.kiosk.controls.buttons), or None.
    ``cues``: an object whose ``on_event(event)`` hears every pipeline event
    (station.kiosk.sound), or None. ``screenshots``: a folder to save the
    first frame of every screen state in, as numbered PNGs, or None.
    ``frame_stats``: an object whose ``row(draw_s, present_s)`` hears of
    every presented frame (station.kiosk.frame_stats), or None.

        app = KioskApp(KioskScreen((800, 480)), LiveBoard(has_force=True))
        loop = StationLoop(source, pipeline, app.on_event, on_readings=app.board.on_readings)
        while loop.step() and app.frame(loop.now_s):
            pass
    """

    def __init__(self, screen: KioskScreen, board: LiveBoard, kiosk: KioskConfig = KioskConfig(),
                 roster: Callable[[], list[tuple[int, str]]] = list,
                 on_pick: Callable[[int | None, str], None] = lambda athlete_id, name: None,
                 buttons=None, cues=None, screenshots: Path | None = None,
                 history: Callable[[int], object] | None = None, frame_stats=None) -> None:
        self.screen = screen
        self.board = board
        self.kiosk = kiosk
        self.flow = Flow(roster, on_pick, history)
        self.keys = KeyMap(kiosk.exit_combo, screen.fullscreen, screen.size)
        self.holds = KeyHolds(kiosk.back_hold_s, kiosk.calibrate_hold_s)
        self.buttons = buttons
        self.cues = cues
        self.fonts = TextCache(find_fonts(kiosk.fonts))
        self.shots = Screenshots(screenshots) if screenshots is not None else None
        self.rects: list[pygame.Rect] = []   # the text boxes of the last frame
        #: ``set_link(set_index)``: a set's page at the hub (station/kiosk/screens/set_link.py), or None.
        self.set_link: Callable[[int], str | None] | None = None
        self._targets: dict[str, tuple[int, int, int, int]] = {}
        self._seen_rep = board.last_rep_changed_at
        self._seen_landing = board.landing_changed_at
        self._highlight_until_s = -math.inf
        self._flash_until_s = -math.inf
        self._clock_s = time.monotonic
        self._last_frame_s = -math.inf
        self.frame_stats = frame_stats
        self._still = None       # what the last frame showed apart from its moving parts
        self._parts: dict = {}   # what each moving part showed
        self._moving: dict[str, pygame.Rect] = {}  # where each moving part is, on the window
        self._redraws: dict[str, Callable] = {}  # the parts drawn on their own: redraw(time_s, page_box)
        self._page_at = (0, 0)   # where the page below the banners starts, on the window
        self._figure_s = 0.0     # the attract figure's time in the last frame
        #: Class challenges (station.kiosk.challenge.mode.attach), or None.
        self.challenge = None
        #: USB sticks: export and roster import (station.kiosk.usb.mode.attach), or None.
        self.usb = None
        #: Tap-in from a tag reader (station.kiosk.tap.mode.attach), or None.
        self.tap = None
        #: Calibrating the load cells (station.kiosk.calibration.mode.attach), or None.
        self.calibration = None

    def on_event(self, event: Event) -> None:
        """Hand one pipeline event to the board and the cues."""
        self.board.apply(event)
        if self.cues is not None:
            self.cues.on_event(event)
        if self.challenge is not None:
            self.challenge.on_event(event)

    def frame(self, now_s: float) -> bool:
        """Handle input, draw and show one frame at session time ``now_s``; False once EXIT was asked."""
        events = self.screen.events()
        if any(event.type in _REDRAW_EVENTS for event in events):
            self._still = None
        actions = self.keys.actions(events) + self.holds.take(events, now_s)
        if self.buttons is not None:
            actions += self.buttons.take()
        actions = self._gestures(actions, now_s)
        calibrating = self.calibration is not None and self.calibration.showing
        if self.calibration is not None:
            actions = self.calibration.take(actions, now_s, self._targets)
        if self.usb is not None:
            busy = calibrating or (self.challenge is not None and self.challenge.active)
            actions = self.usb.take(actions, now_s, self.flow.screen, busy, self._targets)
        if self.tap is not None:
            actions = self.tap.take(actions, now_s, self._targets)
        if self.challenge is not None:
            actions = self.challenge.take(actions, now_s, self.flow.screen, self._targets)
        shown = self.flow.update(self.board, now_s, actions, self._targets)
        began = time.perf_counter()
        rects = self._draw_changes(shown, now_s)
        if rects is None or rects:
            drawn = time.perf_counter()
            self.screen.show(rects)
            if self.frame_stats is not None:
                self.frame_stats.row(drawn - began, time.perf_counter() - drawn)
        if self.shots is not None and self.calibration is not None and self.calibration.showing:
            self.shots.take(self.screen.surface, self.calibration.shot_name())
        elif self.shots is not None and self.usb is not None and self.usb.showing:
            self.shots.take(self.screen.surface, self.usb.shot_name())
        elif self.shots is not None and self.tap is not None and self.tap.showing:
            self.shots.take(self.screen.surface, "new-tag")
        elif self.shots is not None:
            challenge = self.challenge is not None and self.challenge.active
            self.shots.take(self.screen.surface, self.challenge.shot_name(now_s) if challenge
                            else shot_name(shown, self.board))
        return not self.flow.exit_asked

    def _gestures(self, actions: list, now_s: float) -> list:
        """Act on HOME and CALIBRATE; the other actions, for the screens."""
        if Action.HOME in actions:
            if self.calibration is not None:
                self.calibration.cancel()
            if self.usb is not None:
                self.usb.home(now_s)
            self._close_screens(now_s)
        running = self.challenge is not None and self.challenge.running
        if Action.CALIBRATE in actions and self.calibration is not None and not running:
            self._close_screens(now_s)
            self.calibration.open(now_s)
        return [action for action in actions if action not in (Action.HOME, Action.CALIBRATE)]

    def _close_screens(self, now_s: float) -> None:
        """Close what shows over the athlete's screens: the picker, a
        history, a summary, New tag, a class challenge (one running only
        comes here on HOME: CALIBRATE leaves it alone)."""
        self.flow.home(self.board)
        if self.tap is not None:
            self.tap.home()
        if self.challenge is not None:
            self.challenge.home(now_s)

    def _draw_changes(self, shown: Screen, now_s: float) -> list[pygame.Rect] | None:
        """Draw what changed since the last frame: None when the whole screen was
        drawn, else the boxes redrawn (none when nothing changed)."""
        self._notice_changes(now_s)
        still, parts = self._still_key(shown, now_s), self._part_keys(shown, now_s)
        if still is None or still != self._still:
            self.draw(shown, now_s)
            self._still, self._parts, self._figure_s = still, parts, animation_s(now_s)
            return None
        moved = [name for name, key in parts.items() if name in self._moving and self._parts.get(name) != key]
        boxes = [self._moved_box(name, now_s) for name in moved]
        self._parts, self._figure_s = parts, animation_s(now_s)
        for name, box in zip(moved, boxes):
            if name in self._redraws:
                time_s = animation_s(now_s) if shown is Screen.ATTRACT else now_s
                self._redraws[name](time_s, box.move(-self._page_at[0], -self._page_at[1]))
            else:
                self.draw(shown, now_s, clip=box)
        return boxes

    def _moved_box(self, name: str, now_s: float) -> pygame.Rect:
        """What to redraw of moving part ``name``: its box; of the figure, where it was and is."""
        box = self._moving[name]
        if name != "figure":
            return box
        return figure_rect(box, self._figure_s).union(figure_rect(box, animation_s(now_s)))

    def _still_key(self, shown: Screen, now_s: float) -> tuple | None:
        """All a frame shows apart from its moving parts; None for a screen drawn whole every frame."""
        if (self.usb is not None and self.usb.showing) or (self.challenge is not None and self.challenge.active):
            return None
        if self.calibration is not None and self.calibration.showing:
            return None
        if self.kiosk.flash and now_s < self._flash_until_s:
            return None   # the flash covers the moving parts too
        return (shown, self.screen.size, now_s < self._highlight_until_s, _state(self.board), _state(self.flow))

    def _part_keys(self, shown: Screen, now_s: float) -> dict:
        """What each moving part of screen ``shown`` shows at ``now_s``."""
        if shown is Screen.ATTRACT:
            time_s = animation_s(now_s)
            return {"figure": tuple(pose_at(time_s).values()), "steps": step_at(time_s)}
        if shown is Screen.WEIGH_IN:
            return {"ring": round(self.board.weigh_in_progress(now_s) * RING_STEPS)}
        if shown is Screen.LIVE:
            return {"trace": self.board.trace.changes}
        return {}

    def draw(self, shown: Screen, now_s: float, clip: pygame.Rect | None = None) -> list[pygame.Rect]:
        """Draw screen ``shown`` under the banners (only inside ``clip``, when
        given); the rects of every text drawn."""
        self._notice_changes(now_s)
        surface = self.screen.surface
        surface.set_clip(clip)
        try:
            rects, top = banners.render(surface, self.board.shown_banners, self.fonts)
            area = pygame.Rect(0, top, surface.get_width(), surface.get_height() - top)
            page = surface.subsurface(area)
            if clip is not None:  # a subsurface has a clip of its own
                page.set_clip(clip.move(-area.left, -area.top))
            targets: dict = {}
            moving: dict = {}
            page_rects = self._render(shown, page, now_s, targets, moving)
            rects += [rect.move(area.topleft) for rect in page_rects]
            self._targets = {name: (x, y + top, w, h) for name, (x, y, w, h) in targets.items()}
            if clip is None:
                self._page_at = area.topleft
                self._redraws = {name: part[1] for name, part in moving.items() if isinstance(part, tuple)}
                self._moving = {name: (part[0] if isinstance(part, tuple) else part).move(area.topleft)
                                for name, part in moving.items()}
            # The challenge's clock and the calibration's steps must stay readable.
            over = (self.challenge is not None and self.challenge.active) or \
                (self.calibration is not None and self.calibration.showing)
            if self.kiosk.flash and now_s < self._flash_until_s and self.board.rating is not None \
                    and not over:
                surface.fill(RATING_COLOURS[self.board.rating])
        finally:
            surface.set_clip(None)
        self.rects = rects
        return rects

    def _render(self, shown: Screen, page: pygame.Surface, now_s: float, targets: dict,
                moving: dict) -> list[pygame.Rect]:
        board, fonts = self.board, self.fonts
        if self.calibration is not None and self.calibration.showing:
            return self.calibration.render(page, now_s, fonts, targets)
        if self.usb is not None and self.usb.showing:
            return self.usb.render(page, fonts, targets)
        if self.tap is not None and self.tap.showing:
            return self.tap.render(page, fonts, targets)
        if self.challenge is not None and self.challenge.active:
            return self.challenge.render(page, now_s, fonts, targets)
        if shown is Screen.ATTRACT:
            return attract.render(page, self.flow.athlete_name, animation_s(now_s), fonts, targets,
                                  history=self.flow.has_history, moving=moving,
                                  back_hold_s=self.kiosk.back_hold_s)
        if shown is Screen.WEIGH_IN:
            return weigh_in.render(page, board, now_s, fonts, moving=moving)
        if shown is Screen.SUMMARY:
            return summary.render(page, board, fonts, link=self._set_link())
        if shown is Screen.PICKER:
            names = [name for _, name in self.flow.choices]
            return picker.render(page, names, self.flow.highlighted, fonts, targets)
        if shown is Screen.HISTORY:
            return history.render(page, self.flow.shown_history, fonts)
        return live.render(page, board, fonts, highlight=now_s < self._highlight_until_s, moving=moving)

    def _set_link(self) -> str | None:
        """The last set's page at the hub, for its QR code; None without a hub."""
        if self.set_link is None or self.board.last_totals is None:
            return None
        return self.set_link(self.board.last_totals.index)

    def _notice_changes(self, now_s: float) -> None:
        """Start the count's highlight on a new rep, and the flash on a new landing."""
        if self.board.last_rep_changed_at != self._seen_rep:
            self._seen_rep = self.board.last_rep_changed_at
            self._highlight_until_s = now_s + HIGHLIGHT_S
        if self.board.landing_changed_at != self._seen_landing:
            self._seen_landing = self.board.landing_changed_at
            self._flash_until_s = now_s + FLASH_S

    def between_steps(self, loop, stop) -> None:
        """One frame of a running ``StationLoop``, then wait for the next frame's turn.

        ``stop`` (a ``threading.Event``) is set when EXIT is asked."""
        self.board.device_problem = loop.problem
        if not self.frame(loop.now_s):
            stop.set()
        self.wait_for_next_frame(loop)

    def wait_for_next_frame(self, loop) -> None:
        """Keep the loop stepping until the next frame is due, and end the
        wait at once when a landing or a rep is decided: waiting for the frame
        would add up to 16.7 ms to the feedback an athlete waits for."""
        period_s = 1.0 / FRAME_RATE_HZ
        due_s = self._last_frame_s + period_s
        news = self.board.landing_changed_at, self.board.last_rep_changed_at
        step_s = STEP_S if self.board.on_mat else period_s
        while True:
            left_s = due_s - self._clock_s()
            if left_s <= 0:
                break
            time.sleep(min(left_s, step_s))
            if not loop.step() or news != (self.board.landing_changed_at, self.board.last_rep_changed_at):
                break
        now_s = self._clock_s()
        # On time, frames keep their cadence (a sleep's overshoot must not
        # add up to a slower frame rate); early for news, or a frame late,
        # the next frame is counted from now.
        self._last_frame_s = due_s if due_s <= now_s < due_s + period_s else now_s

    def readings_too(self, on_readings: Callable[[list], None] | None) -> Callable[[list], None]:
        """A readings listener that feeds the board's force trace, then ``on_readings``."""
        def both(readings: list) -> None:
            self.board.on_readings(readings)
            if on_readings is not None:
                on_readings(readings)
        return both

    def close(self) -> None:
        self.screen.close()
        if self.frame_stats is not None:
            self.frame_stats.close()


def open_app(source, config, size: tuple[int, int] = (1280, 720), fullscreen: bool = False,
             screenshots: Path | None = None, frame_stats: Path | None = None,
             config_problem: str | None = None, **parts) -> KioskApp:
    """The kiosk of a ``station run``: a window of ``size`` pixels (or
    ``fullscreen``), a board for ``source``, the config's ``[kiosk]``; a PNG of
    every screen state into ``screenshots`` and a CSV row per frame into
    ``frame_stats`` when given; ``config_problem`` shows as a banner. ``parts``
    go on to ``KioskApp`` (``roster``, ``on_pick``, ``history``, ``buttons``, ``cues``)."""
    try:
        screen = KioskScreen(None if fullscreen else size, fullscreen=fullscreen)
    except pygame.error as error:
        raise UserError(f"No screen could be opened ({error}); run it from the Pi's console or "
                        "a desktop, or use --headless.") from None
    board = LiveBoard(simulated=source.simulated, has_force=source.has_force,
                      weigh_in_s=config.force.weigh_in_s)
    if config_problem:
        board.banners.append(("config", config_problem))
    try:
        if frame_stats is not None:
            from station.kiosk.frame_stats import FrameStats
            parts = {**parts, "frame_stats": FrameStats(frame_stats)}
        return KioskApp(screen, board, config.kiosk, screenshots=screenshots, **parts)
    except UserError:
        screen.close()
        raise


def animation_s(now_s: float) -> float:
    """The attract figure's time at ``now_s``: it moves on ``FIGURE_RATE_HZ`` times a second."""
    return math.floor(now_s * FIGURE_RATE_HZ) / FIGURE_RATE_HZ


def _state(thing) -> tuple:
    """A copy of ``thing``'s attributes to compare with a later one: lists,
    dicts and sets copied one level deep, a force trace left out (it is a
    moving part)."""
    return tuple((name, _copied(value)) for name, value in vars(thing).items()
                 if not isinstance(value, ForceTrace))


def _copied(value):
    if isinstance(value, list):
        return tuple(value)
    if isinstance(value, dict):
        return tuple(value.items())
    if isinstance(value, set):
        return frozenset(value)
    return value


def shot_name(shown: Screen, board: LiveBoard) -> str:
    """What a screenshot of this frame shows, for its file name."""
    if shown is Screen.WEIGH_IN:
        return "weighed" if board.body_weight_n is not None else "weigh-in"
    if shown is Screen.SUMMARY and board.last_totals is not None and board.last_totals.last_reason:
        return "summary-not-counted"
    if shown is not Screen.LIVE:
        return shown.value
    if board.last_rep is not None and not board.last_rep.valid:
        return "invalid-rep"
    if board.rating == "hard":
        return "hard-landing"
    return "live-reps" if board.valid_reps >= 3 else "live"


class Screenshots:
    """Saves the first frame of each screen state as ``NN-name.png`` in ``folder``.

        shots = Screenshots(Path("docs/screenshots/800x480"))
        shots.take(surface, "attract")     # saved as 01-attract.png; later "attract" frames are not
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise UserError(f"Screenshots cannot be saved in {folder} ({error.strerror}); "
                            "give a folder you can write to.") from None
        self.saved: list[Path] = []
        self._names: set[str] = set()

    def take(self, surface: pygame.Surface, name: str) -> None:
        if name in self._names:
            return
        self._names.add(name)
        path = self.folder / f"{len(self.saved) + 1:02d}-{name}.png"
        pygame.image.save(surface, path)
        self.saved.append(path)
