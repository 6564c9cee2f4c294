"""The kiosk: one frame at a time, input to flow to screen, never waiting.

Each frame takes the window's events and the buttons' presses, lets the flow
pick the screen, draws it below the banners and shows it. Events from the
pipeline go to the board (and the sound cues) as they come, so the frame after
a rep shows it. Durations on screen run on the session clock (``now_s``).
"""

from __future__ import annotations

import math
import time
from pathlib import Path
from typing import Callable

import pygame

from station.analysis.events import Event
from station.errors import UserError
from station.kiosk import attract, banners, history, live, picker, summary, weigh_in
from station.kiosk.board import LiveBoard
from station.kiosk.config import KioskConfig
from station.kiosk.flow import Flow, Screen
from station.kiosk.input import KeyMap
from station.kiosk.layout import RATING_COLOURS
from station.kiosk.screen import KioskScreen
from station.kiosk.text import TextCache

FRAME_RATE_HZ = 60
#: Between frames the loop keeps stepping this often, so a landing decided
#: between two frames is drawn within this much of its decision.
STEP_S = 0.004
# Long enough to catch from the corner of an eye on landing, short enough to be
# over before the next rep (reps come about a second apart).
HIGHLIGHT_S = 0.5
#: A flash of the landing's colour: seen from across the room, gone before the rebound ends.
FLASH_S = 0.15


class KioskApp:
    """The kiosk's screens on ``screen``, showing ``board``.

    ``kiosk``: the ``[kiosk]`` config (exit keys, flash). ``roster`` and
    ``on_pick``: the athletes to pick from, and who was picked (see
    station.kiosk.flow). ``history``: ``history(athlete_id)`` gives the
    history screen's ``AthleteHistory`` (station.log.athlete_history), or
    None for no history screen. ``buttons``: an object whose ``take()`` gives the
    presses since the last frame (station.kiosk.buttons), or None.
    ``cues``: an object whose ``on_event(event)`` hears every pipeline event
    (station.kiosk.sound), or None. ``screenshots``: a folder to save the
    first frame of every screen state in, as numbered PNGs, or None.

        app = KioskApp(KioskScreen((800, 480)), LiveBoard(has_force=True))
        loop = StationLoop(source, pipeline, app.on_event, on_readings=app.board.on_readings)
        while loop.step() and app.frame(loop.now_s):
            pass
    """

    def __init__(self, screen: KioskScreen, board: LiveBoard, kiosk: KioskConfig = KioskConfig(),
                 roster: Callable[[], list[tuple[int, str]]] = list,
                 on_pick: Callable[[int | None, str], None] = lambda athlete_id, name: None,
                 buttons=None, cues=None, screenshots: Path | None = None,
                 history: Callable[[int], object] | None = None) -> None:
        self.screen = screen
        self.board = board
        self.kiosk = kiosk
        self.flow = Flow(roster, on_pick, history)
        self.keys = KeyMap(kiosk.exit_combo, screen.fullscreen, screen.size)
        self.buttons = buttons
        self.cues = cues
        self.fonts = TextCache()
        self.shots = Screenshots(screenshots) if screenshots is not None else None
        self.rects: list[pygame.Rect] = []   # the text boxes of the last frame
        #: ``set_link(set_index)``: a set's page at the hub (station/kiosk/set_link.py), or None.
        self.set_link: Callable[[int], str | None] | None = None
        self._targets: dict[str, tuple[int, int, int, int]] = {}
        self._seen_rep = board.last_rep_changed_at
        self._seen_landing = board.landing_changed_at
        self._highlight_until_s = -math.inf
        self._flash_until_s = -math.inf
        self._clock_s = time.monotonic
        self._last_frame_s = -math.inf
        #: Class challenges (station.kiosk.challenge_mode.attach), or None.
        self.challenge = None
        #: USB sticks: export and roster import (station.kiosk.usb_mode.attach), or None.
        self.usb = None
        #: Tap-in from a tag reader (station.kiosk.tap_mode.attach), or None.
        self.tap = None

    def on_event(self, event: Event) -> None:
        """Hand one pipeline event to the board and the cues."""
        self.board.apply(event)
        if self.cues is not None:
            self.cues.on_event(event)
        if self.challenge is not None:
            self.challenge.on_event(event)

    def frame(self, now_s: float) -> bool:
        """Handle input, draw and show one frame at session time ``now_s``; False once EXIT was asked."""
        actions = self.keys.actions(self.screen.events())
        if self.buttons is not None:
            actions += self.buttons.take()
        if self.usb is not None:
            busy = self.challenge is not None and self.challenge.active
            actions = self.usb.take(actions, now_s, self.flow.screen, busy, self._targets)
        if self.tap is not None:
            actions = self.tap.take(actions, now_s, self._targets)
        if self.challenge is not None:
            actions = self.challenge.take(actions, now_s, self.flow.screen, self._targets)
        shown = self.flow.update(self.board, now_s, actions, self._targets)
        self.draw(shown, now_s)
        self.screen.show()
        if self.shots is not None and self.usb is not None and self.usb.showing:
            self.shots.take(self.screen.surface, self.usb.shot_name())
        elif self.shots is not None and self.tap is not None and self.tap.showing:
            self.shots.take(self.screen.surface, "new-tag")
        elif self.shots is not None:
            challenge = self.challenge is not None and self.challenge.active
            self.shots.take(self.screen.surface, self.challenge.shot_name(now_s) if challenge
                            else shot_name(shown, self.board))
        return not self.flow.exit_asked

    def draw(self, shown: Screen, now_s: float) -> list[pygame.Rect]:
        """Draw screen ``shown`` under the banners; the rects of every text drawn."""
        self._notice_changes(now_s)
        surface = self.screen.surface
        rects, top = banners.render(surface, self.board.shown_banners, self.fonts)
        area = pygame.Rect(0, top, surface.get_width(), surface.get_height() - top)
        targets: dict = {}
        page_rects = self._render(shown, surface.subsurface(area), now_s, targets)
        rects += [rect.move(area.topleft) for rect in page_rects]
        self._targets = {name: (x, y + top, w, h) for name, (x, y, w, h) in targets.items()}
        challenge = self.challenge is not None and self.challenge.active
        if self.kiosk.flash and now_s < self._flash_until_s and self.board.rating is not None \
                and not challenge:  # the challenge's clock must stay readable
            surface.fill(RATING_COLOURS[self.board.rating])
        self.rects = rects
        return rects

    def _render(self, shown: Screen, page: pygame.Surface, now_s: float, targets: dict) -> list[pygame.Rect]:
        board, fonts = self.board, self.fonts
        if self.usb is not None and self.usb.showing:
            return self.usb.render(page, fonts, targets)
        if self.tap is not None and self.tap.showing:
            return self.tap.render(page, fonts, targets)
        if self.challenge is not None and self.challenge.active:
            return self.challenge.render(page, now_s, fonts, targets)
        if shown is Screen.ATTRACT:
            return attract.render(page, self.flow.athlete_name, now_s, fonts, targets,
                                  history=self.flow.has_history)
        if shown is Screen.WEIGH_IN:
            return weigh_in.render(page, board, now_s, fonts)
        if shown is Screen.SUMMARY:
            return summary.render(page, board, fonts, link=self._set_link())
        if shown is Screen.PICKER:
            names = [name for _, name in self.flow.choices]
            return picker.render(page, names, self.flow.highlighted, fonts, targets)
        if shown is Screen.HISTORY:
            return history.render(page, self.flow.shown_history, fonts)
        return live.render(page, board, fonts, highlight=now_s < self._highlight_until_s)

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
        while True:
            left_s = due_s - self._clock_s()
            if left_s <= 0:
                break
            time.sleep(min(left_s, STEP_S))
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


def open_app(source, config, args, config_problem: str | None = None, **parts) -> KioskApp:
    """The kiosk of a ``station run``: its window from ``args`` (``size``,
    ``fullscreen``, ``screenshots``), a board for ``source``, the config's
    ``[kiosk]``; ``config_problem`` shows as a banner. ``parts`` go on to
    ``KioskApp`` (``roster``, ``on_pick``, ``history``, ``buttons``, ``cues``)."""
    try:
        screen = KioskScreen(None if args.fullscreen else args.size, fullscreen=args.fullscreen)
    except pygame.error as error:
        raise UserError(f"No screen could be opened ({error}); run it from the Pi's console or "
                        "a desktop, or use --headless.") from None
    board = LiveBoard(simulated=source.simulated, has_force=source.has_force,
                      weigh_in_s=config.force.weigh_in_s)
    if config_problem:
        board.banners.append(("config", config_problem))
    try:
        return KioskApp(screen, board, config.kiosk, screenshots=getattr(args, "screenshots", None), **parts)
    except UserError:
        screen.close()
        raise


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
