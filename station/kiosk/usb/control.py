"""What the kiosk does with a USB stick: offer an export or a roster import,
run it, and say how it went. No pygame and no clock of its own: a fake clock
and a fake mount table drive it in tests.

Stages (``stage``):

- ``None``: no stick being dealt with.
- ``"found"``: a stick arrived; its new reps are being counted and its top
  folder looked at for ``roster.csv`` (in a worker thread: a slow stick
  never holds up a frame).
- ``"offer"``: "Export all", "Since last export (N new reps)", "Import
  roster" (when the stick has ``roster.csv``), "Not now".
- ``"exporting"``, then ``"result"``: safe to remove, the unmount problem,
  or the error with "Try again".
- ``"importing"``, then ``"imported"``: how many athletes were added and
  the first bad rows by line number.
- ``"cancelling"``, then ``"cancelled"``: BACK held during an export
  (``home``) stopped it; a banner, not a screen, says to leave the stick in,
  then that it may be taken out (until it is, or for ``RESULT_IDLE_S``).

The screens show only when the kiosk is ``free`` (nobody on the mat, the
attract screen up); otherwise the stage waits and the kiosk shows a banner.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from typing import Callable

from station.errors import UserError
from station.kiosk.controls.actions import Action, in_list

LOG = logging.getLogger("station")

#: The mount table is read this often: a stick shows within a second, and
#: reading it costs well under a millisecond.
POLL_S = 1.0
#: An offer left alone this long was not wanted (the stick stays mounted).
OFFER_IDLE_S = 60.0
#: A result left alone this long has been read.
RESULT_IDLE_S = 120.0
#: A stick still being looked at after this long is dying or very slow: it is
#: offered anyway, without its count of new reps or its roster file.
LOOK_LIMIT_S = 10.0
#: Bad roster rows shown on screen; the rest go to the station's log.
PROBLEMS_SHOWN = 3
SHOWN_STAGES = ("offer", "exporting", "result", "importing", "imported")


class Task:
    """``work()`` in a daemon thread; ``done``, then ``value`` or ``error``
    (a UserError's sentence; a fault is logged and becomes ``fault``).

        task = Task(lambda: count_reps(), fault="The stick could not be read.")
        if task.done: print(task.value, task.error)
    """

    def __init__(self, work: Callable, fault: str) -> None:
        self.value = None
        self.error: str | None = None
        self._work, self._fault = work, fault
        self._finished = threading.Event()
        threading.Thread(target=self._run, name="usb", daemon=True).start()

    @property
    def done(self) -> bool:
        return self._finished.is_set()

    def wait(self, timeout_s: float | None = None) -> bool:
        return self._finished.wait(timeout_s)

    def _run(self) -> None:
        try:
            self.value = self._work()
        except UserError as error:
            self.error = str(error)
        except Exception:
            LOG.exception("USB stick: %s", self._fault)
            self.error = self._fault
        finally:
            self._finished.set()


@dataclass(frozen=True)
class StickLook:
    """What a stick offers: reps new since the last export, whether its top
    folder holds ``roster.csv``, and its challenge files: the good ones and a
    sentence for each bad one."""

    new_reps: int | None
    has_roster: bool
    challenges: tuple = ()
    problems: tuple = ()


@dataclass
class Outcome:
    """What the result screens say: a title, and sentences under it."""

    title: str
    lines: list[str] = field(default_factory=list)
    ok: bool = True


class UsbControl:
    """The stick's stages, driven by ``take`` once a frame.

    ``watcher``: a ``StickWatcher`` (``poll()``, ``sticks``, ``arrived``);
    ``look(stick)``, ``export(stick, since)`` and ``import_roster(stick)``
    start the work and return an object with ``done`` (a ``Task``, an
    ``ExportJob``); ``look``'s value is a ``StickLook``, ``import_roster``'s
    a ``RosterImport``.

        control = UsbControl(watcher, look, export, import_roster)
        actions = control.take(actions, now_s, free, targets)
    """

    def __init__(self, watcher, look: Callable, export: Callable, import_roster: Callable) -> None:
        self.watcher = watcher
        self._look, self._export, self._import = look, export, import_roster
        self.stage: str | None = None
        self.stick = None
        self.found = None          # the look's Task
        self.job = None            # the export's job
        self.task = None           # the roster import's Task
        self.outcome: Outcome | None = None
        self.highlighted = 0
        self._import_unseen = False   # HOME during an import: it ends without its screen
        self._last_poll_s: float | None = None
        self._touched_s = self._found_s = 0.0

    def showing(self, free: bool) -> bool:
        """Whether the stick's screen replaces the kiosk's now."""
        return free and self.stage in SHOWN_STAGES

    def take(self, actions: list, now_s: float, free: bool, targets: dict) -> list:
        """Poll the sticks, move the stages on, and handle the actions while
        the stick's screen shows; returns the actions left for the kiosk."""
        self._poll(now_s)
        self._advance(now_s, free)
        if not self.showing(free):
            return actions
        for action in actions:
            if action is not Action.EXIT:
                self._act(action, now_s, targets)
        return [action for action in actions if action is Action.EXIT]

    def rows(self) -> list[tuple[str, str]]:
        """The choices on screen now, as (what, label)."""
        if self.stage == "offer":
            look = self.found.value if self.found and self.found.done and self.found.value \
                else StickLook(None, False)
            since = "Since last export" if look.new_reps is None else \
                f"Since last export ({look.new_reps} new {'rep' if look.new_reps == 1 else 'reps'})"
            rows = [("all", "Export all"), ("since", since)]
            return rows + ([("roster", "Import roster")] if look.has_roster else []) + \
                [("close", "Not now")]
        if self.stage == "result":
            return [("again", "Try again"), ("close", "Close")] if not self.outcome.ok \
                else [("close", "Done")]
        if self.stage == "imported":
            return [("offer", "Back to the stick"), ("close", "Close")]
        return []

    def home(self, now_s: float) -> None:
        """BACK held: the stick's screens close. An export under way is
        cancelled (its child takes back what it wrote; the stick is then
        unmounted as after any export); a roster import, one transaction,
        ends unseen; anything else is "Not now"."""
        if self.stage == "exporting":
            self.job.cancel()
            self._to("cancelling", now_s)
        elif self.stage == "importing":
            self._import_unseen = True
        elif self.stage not in ("cancelling", "cancelled"):
            self._end()

    def close(self) -> None:
        """Stop an export under way (the kiosk is closing)."""
        if self.job is not None and not self.job.done:
            self.job.stop()

    def _poll(self, now_s: float) -> None:
        if self._last_poll_s is not None and now_s - self._last_poll_s < POLL_S:
            return
        self._last_poll_s = now_s
        sticks = self.watcher.poll()
        if self.watcher.arrived and self.stage not in ("exporting", "importing", "cancelling"):
            self._start(self.watcher.arrived[0], now_s)  # the newest stick is the one wanted
        elif self.stick is not None and self.stick not in sticks and \
                self.stage in ("found", "offer", "imported", "cancelled") + (("result",) if self._safe else ()):
            self._end()  # taken out: nothing more to offer

    @property
    def _safe(self) -> bool:
        return self.outcome is not None and self.outcome.ok

    def _start(self, stick, now_s: float) -> None:
        self.stick, self.stage, self.outcome, self._import_unseen = stick, "found", None, False
        self.found = self._look(stick)
        self._touched_s = self._found_s = now_s

    def _end(self) -> None:
        self.stage, self.stick, self.found, self.job, self.task = None, None, None, None, None

    def _advance(self, now_s: float, free: bool) -> None:
        if self.stage == "found" and (self.found.done or now_s - self._found_s > LOOK_LIMIT_S):
            self._to("offer", now_s)
        elif self.stage == "exporting" and self.job.done:
            self.outcome = export_outcome(self.job)
            self._to("result", now_s)
        elif self.stage == "importing" and self.task.done:
            self.outcome = import_outcome(self.task)
            if self._import_unseen:
                self._end()
            else:
                self._to("imported", now_s)
        elif self.stage == "cancelling" and self.job.done:
            self.outcome = cancel_outcome(self.job)
            self._to("cancelled", now_s)
        if not free:
            self._touched_s = now_s  # nobody could have answered
        idle_s = OFFER_IDLE_S if self.stage == "offer" else RESULT_IDLE_S
        if self.stage in ("offer", "result", "imported", "cancelled") and now_s - self._touched_s > idle_s:
            self._end()

    def _to(self, stage: str, now_s: float) -> None:
        self.stage, self.highlighted, self._touched_s = stage, 0, now_s

    def _act(self, action, now_s: float, targets: dict) -> None:
        self._touched_s = now_s
        rows = self.rows()
        self.highlighted, chosen = in_list(action, self.highlighted, len(rows), targets)
        if chosen is not None:
            self._choose(rows[chosen][0], now_s)

    def _choose(self, what: str, now_s: float) -> None:
        if what in ("all", "since"):
            self.job = self._export(self.stick, None if what == "all" else "last")
            self._to("exporting", now_s)
        elif what == "roster":
            self.task = self._import(self.stick)
            self._to("importing", now_s)
        elif what in ("again", "offer") and self.stick in self.watcher.sticks:
            self._start(self.stick, now_s)
        else:
            self._end()


def export_outcome(job) -> Outcome:
    """The result screen of a finished export job."""
    if job.error is not None:
        return Outcome("EXPORT FAILED", [job.error], ok=False)
    reps = job.result.reps
    done = f"{reps} {'rep' if reps == 1 else 'reps'} exported to {job.result.folder.name}."
    if job.unmount_problem is not None:
        return Outcome("EXPORTED", [done, job.unmount_problem], ok=False)
    return Outcome("SAFE TO REMOVE", [done, "You can take the USB stick out now."])


def cancel_outcome(job) -> Outcome:
    """What the banner says once a cancelled export's child has ended and
    the stick was unmounted (or could not be)."""
    if job.result is not None:
        said = "The export had finished before it was cancelled: it is on the USB stick."
    elif job.error is not None:
        said = job.error
    else:
        # Not "nothing was left": a cancel as the export completes can leave it whole.
        said = "Export cancelled."
    if job.unmount_problem is not None:
        return Outcome("EXPORT CANCELLED", [f"{said} {job.unmount_problem}"], ok=False)
    return Outcome("EXPORT CANCELLED", [f"{said} You can take the USB stick out now."])


def import_outcome(task: Task) -> Outcome:
    """The result screen of a roster import; every bad row goes to the log."""
    if task.error is not None:
        return Outcome("ROSTER NOT IMPORTED", [task.error], ok=False)
    found = task.value
    count = len(found.imported)
    lines = [f"{count} {'athlete' if count == 1 else 'athletes'} added to the roster."]
    for problem in found.problems:
        LOG.warning("roster.csv on the USB stick, %s", problem)
    lines += [f"Not added: {p}" for p in found.problems[:PROBLEMS_SHOWN]]
    more = len(found.problems) - PROBLEMS_SHOWN
    if more > 0:
        lines.append(f"and {more} more rows not added (listed in the station's log).")
    return Outcome("ROSTER IMPORTED", lines, ok=not found.problems)

