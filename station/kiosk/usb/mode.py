"""USB sticks at the kiosk: the stick's screens in the frame loop.

A stick that arrives while the mat is free (the attract screen up, no class
challenge running) gets its screen at once; while someone is on the mat only
a banner says so, and the screen comes when the mat is free again. The
export runs in a child process (station.export.job), the count of new reps
and the roster import in worker threads with their own connection to the
session log: the frame loop only reads how they are getting on.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pygame

from station.challenge.definition import challenges_in
from station.export.job import ExportJob
from station.export.selection import new_reps
from station.export.usb import StickWatcher, unmount
from station.kiosk.draw.text import TextCache
from station.kiosk.flow import Screen
from station.kiosk.usb.control import StickLook, Task, UsbControl
from station.kiosk.usb.screens import UsbView, render
from station.log.athletes import import_roster_csv
from station.log.db import open_log

LOG = logging.getLogger("station")
ROSTER_FILE = "roster.csv"
BANNER = "usb"
WAITING = "USB stick found \u2014 export after the set"
CANNOT_LOOK = "The session log could not be read to count the new reps."
CANNOT_IMPORT = "The roster could not be imported because of a fault in the station."
CANCELLING = "Cancelling the export: leave the USB stick in until it says you can take it out."


class UsbMode:
    """The stick's stages (``UsbControl``) shown in the kiosk on ``board``.

        mode = UsbMode(control, app.board)
        actions = mode.take(actions, now_s, flow.screen, busy=False)
        if mode.showing:
            rects = mode.render(page, fonts, targets)
    """

    def __init__(self, control: UsbControl, board) -> None:
        self.control = control
        self.board = board
        self.showing = False
        self._looks: dict[Path, StickLook] = {}  # what each stick still in holds

    def challenges(self) -> list:
        """The good challenge files of the sticks that are in, for the challenge list."""
        return [definition for look in self._looks.values() for definition in look.challenges]

    def take(self, actions: list, now_s: float, screen: Screen, busy: bool, targets: dict) -> list:
        """Move the stick's stages on to ``now_s``; the actions left for the
        kiosk. ``screen``: the kiosk's screen of the last frame; ``busy``: a
        class challenge is running."""
        free = not busy and not self.board.on_mat and screen is Screen.ATTRACT
        left = self.control.take(actions, now_s, free, targets)
        self._remember_looks()
        self.showing = self.control.showing(free)
        self._banner(free)
        return left

    def _remember_looks(self) -> None:
        control = self.control
        found = control.found
        if control.stick is not None and found is not None and found.done and found.value:
            self._looks[control.stick.mount_point] = found.value
        still_in = {stick.mount_point for stick in control.watcher.sticks}
        self._looks = {point: look for point, look in self._looks.items() if point in still_in}

    def view(self) -> UsbView:
        """What the stick's screen shows now."""
        control = self.control
        label = control.stick.label if control.stick is not None else ""
        rows = [text for _, text in control.rows()]
        if control.stage == "offer":
            return UsbView("USB STICK FOUND", label, offer_lines(control.found), rows=rows,
                           highlighted=control.highlighted)
        if control.stage == "exporting":
            return UsbView("EXPORTING", label, ["Leave the stick in until it says safe to remove."],
                           progress=control.job.progress)
        if control.stage == "importing":
            return UsbView("IMPORTING THE ROSTER", label, [f"Reading {ROSTER_FILE} from the stick."])
        outcome = control.outcome
        return UsbView(outcome.title, label, outcome.lines, rows=rows,
                       highlighted=control.highlighted)

    def render(self, surface: pygame.Surface, fonts: TextCache, targets: dict) -> list[pygame.Rect]:
        return render(surface, self.view(), fonts, targets)

    def shot_name(self) -> str:
        """What a screenshot of this frame shows, for its file name."""
        control = self.control
        if control.stage in ("result", "imported") and not control.outcome.ok:
            return f"usb-{control.stage}-problem"
        return f"usb-{control.stage}"

    def home(self, now_s: float) -> None:
        """BACK held: see ``UsbControl.home``."""
        self.control.home(now_s)

    def close(self) -> None:
        self.control.close()

    def _banner(self, free: bool) -> None:
        self.board.banners[:] = [b for b in self.board.banners if b[0] != BANNER]
        stage = self.control.stage
        if stage == "cancelling":
            self.board.banners.append((BANNER, CANCELLING))
            return
        if stage == "cancelled":
            self.board.banners.append((BANNER, self.control.outcome.lines[0]))
            return
        if free or stage is None:
            return
        if stage == "exporting":
            done, total = self.control.job.progress
            sentence = f"Exporting to the USB stick: {100 * done // max(1, total)} %"
        elif stage in ("result", "imported", "importing"):
            sentence = "USB stick: the result shows when the mat is free"
        else:
            sentence = WAITING
        self.board.banners.append((BANNER, sentence))


def offer_lines(found) -> list[str]:
    """The offer's sentences: the question, and what the stick's challenge
    files hold (the first bad one's sentence; all of them are in the log)."""
    lines = ["What shall the station do with it?"]
    look = found.value if found is not None and found.done and found.value else None
    if look is None:
        return lines
    if look.challenges:
        count = len(look.challenges)
        lines.append(f"{count} class {'challenge' if count == 1 else 'challenges'} on it: "
                     "NEXT on the start screen lists them.")
    if look.problems:
        more = f" ({len(look.problems) - 1} more in the log)" if len(look.problems) > 1 else ""
        lines.append(look.problems[0] + more)
    return lines


def looker(data_dir: Path):
    """``look(stick)`` for UsbControl: counts the new reps and looks for
    roster.csv, in a worker thread."""
    def look(stick) -> Task:
        def work() -> StickLook:
            has_roster = (stick.mount_point / ROSTER_FILE).is_file()
            good, problems = challenges_in(stick.mount_point)
            for problem in problems:
                LOG.warning("USB stick: %s", problem)
            # On screen the file's name is enough: the stick is the one just plugged in.
            problems = [problem.replace(f"{stick.mount_point}/", "") for problem in problems]
            try:
                conn = open_log(data_dir)
            except Exception as error:  # no log: offer the export without a count
                LOG.warning("USB stick: %s", error)
                return StickLook(None, has_roster, tuple(good), tuple(problems))
            try:
                return StickLook(new_reps(conn), has_roster, tuple(good), tuple(problems))
            finally:
                conn.close()
        return Task(work, CANNOT_LOOK)
    return look


def roster_importer(data_dir: Path):
    """``import_roster(stick)`` for UsbControl: the stick's roster.csv into
    the session log, in a worker thread with its own connection."""
    def import_roster(stick) -> Task:
        def work():
            conn = open_log(data_dir)
            try:
                return import_roster_csv(conn, stick.mount_point / ROSTER_FILE)
            finally:
                conn.close()
        return Task(work, CANNOT_IMPORT)
    return import_roster


def attach(app, config, data_dir: Path, watcher: StickWatcher | None = None,
           unmount_stick=unmount) -> UsbMode:
    """Give the kiosk ``app`` USB sticks: sticks under ``config.export``'s
    mount roots, exports of the session log in ``data_dir``, unmounted
    afterwards with ``unmount_stick``."""
    watcher = watcher or StickWatcher(roots=config.export.mount_roots)
    watcher.poll()  # sticks already in at start are not offered: nobody just plugged them in

    def export(stick, since):
        return ExportJob(data_dir, stick, since=since, unmount_stick=unmount_stick).start()
    control = UsbControl(watcher, looker(Path(data_dir)), export, roster_importer(Path(data_dir)))
    app.usb = UsbMode(control, app.board)
    return app.usb
