"""Which screen shows: from the board, the time and what people ask.

Pure: no pygame, no clock of its own. ``now_s`` is the session time (the
timeline of the board's events), so a fake clock drives it in tests.

- Nobody on the mat: the attract screen (how to do the jump, who is up).
- Someone steps on and load cells can weigh them: the weigh-in, until they
  are weighed (the weight stays up ``WEIGHT_SHOWN_S``) or start jumping.
- Then the live set, until they step off.
- A step-off shows the set's summary for ``SUMMARY_S``, or until SELECT, a
  tap or the next step-on.
- SELECT on the attract screen, or a tap on the athlete's name, opens the
  picker: NEXT/BACK move, SELECT or a tap on a name picks. It closes without
  a pick after ``PICKER_IDLE_S`` untouched, or when someone steps on.
- BACK on the attract screen, or a tap on its "HISTORY" button, with an
  athlete picked (not a guest) and a history to ask, opens their history.
  BACK, SELECT or a tap closes it, as do ``HISTORY_IDLE_S`` untouched and
  someone stepping on; NEXT only keeps it open.
- HOME (BACK held) closes the picker, a history and a summary at once.
- EXIT (only the configured key combination makes it) ends the kiosk.
"""

from __future__ import annotations

from enum import Enum
from typing import Callable

from station.kiosk.controls.actions import Action, Tap, hit, in_list
from station.kiosk.state.board import LiveBoard

#: Long enough to read a number at a glance, short enough not to hold up the set.
WEIGHT_SHOWN_S = 1.5
#: Long enough to read the totals after stepping off, shorter than most rests.
SUMMARY_S = 5.0
#: A picker left alone this long was opened by mistake.
PICKER_IDLE_S = 30.0
#: A history left alone this long has been read, or was opened by mistake.
HISTORY_IDLE_S = 30.0

GUEST = "Guest"


class Screen(Enum):
    ATTRACT = "attract"
    WEIGH_IN = "weigh-in"
    LIVE = "live"
    SUMMARY = "summary"
    PICKER = "picker"
    HISTORY = "history"


class Flow:
    """The kiosk's screen flow and the athlete who is up.

    ``roster()`` lists the athletes who can be picked as (id, name), asked
    each time the picker opens; ``on_pick(athlete_id, name)`` is told of a
    pick (``athlete_id`` None: a guest). ``history(athlete_id)`` gives what
    the history screen shows of the athlete who is up (station.log.athlete_history),
    or None; asked once as it opens. ``targets`` given to ``update`` are
    the tappable boxes of the frame on screen, name -> (x, y, width, height):
    "athlete" (the name on the attract screen), "history" (its history
    button) and "row N" (picker rows).

        flow = Flow(lambda: [(1, "Ada")], on_pick=print)
        screen = flow.update(board, now_s, [Action.SELECT], targets={})
    """

    def __init__(self, roster: Callable[[], list[tuple[int, str]]] = list,
                 on_pick: Callable[[int | None, str], None] = lambda athlete_id, name: None,
                 history: Callable[[int], object] | None = None) -> None:
        self.roster = roster
        self.on_pick = on_pick
        self.history = history
        #: What the history screen shows while it is open.
        self.shown_history = None
        self.athlete: tuple[int | None, str] = (None, GUEST)
        self.choices: list[tuple[int | None, str]] = []
        self.highlighted = 0
        self.exit_asked = False
        self.screen = Screen.ATTRACT
        self._picking_since_s: float | None = None
        self._history_since_s: float | None = None
        self._dismissed_set: int | None = None

    @property
    def athlete_name(self) -> str:
        return self.athlete[1]

    @property
    def has_history(self) -> bool:
        """Whether the athlete who is up has a history screen to open."""
        return self.history is not None and self.athlete[0] is not None

    def update(self, board: LiveBoard, now_s: float, actions: list,
               targets: dict[str, tuple[int, int, int, int]] | None = None) -> Screen:
        """The screen to draw now, after handling ``actions`` in order."""
        for action in actions:
            self._act(action, board, now_s, targets or {})
        picking = self._picking_since_s is not None
        if picking and (board.on_mat or now_s - self._picking_since_s > PICKER_IDLE_S):
            self._picking_since_s = None
        self._close_history_if_due(board, now_s)
        if self._picking_since_s is not None:
            self.screen = Screen.PICKER
        elif self._history_since_s is not None:
            self.screen = Screen.HISTORY
        else:
            self.screen = self._natural(board, now_s)
        return self.screen

    def home(self, board: LiveBoard) -> None:
        """Close the picker, a history or a summary (HOME): the screen the
        board calls for with nobody pressing anything shows next."""
        if self.screen is Screen.SUMMARY and board.last_set is not None:
            self._dismissed_set = board.last_set.index
        self._picking_since_s = None
        self._close_history()

    def _close_history_if_due(self, board: LiveBoard, now_s: float) -> None:
        if self._history_since_s is None:
            return
        if board.on_mat or board.finished is not None or now_s - self._history_since_s > HISTORY_IDLE_S:
            self._close_history()

    def _natural(self, board: LiveBoard, now_s: float) -> Screen:
        """The screen the board's state calls for, with nobody pressing anything."""
        if board.finished is not None:
            return Screen.SUMMARY if board.last_totals is not None else Screen.LIVE
        if board.on_mat:
            shown_until_s = None if board.weighed_at_s is None else board.weighed_at_s + WEIGHT_SHOWN_S
            if board.has_force and not board.jumped and (shown_until_s is None or now_s < shown_until_s):
                return Screen.WEIGH_IN
            return Screen.LIVE
        if self._summary_due(board, now_s):
            return Screen.SUMMARY
        return Screen.ATTRACT

    def _summary_due(self, board: LiveBoard, now_s: float) -> bool:
        ended = board.last_set
        return (ended is not None and ended.ended_by == "step_off" and board.last_totals is not None
                and ended.index != self._dismissed_set and now_s < ended.end_s + SUMMARY_S)

    def _act(self, action, board: LiveBoard, now_s: float, targets: dict) -> None:
        if action is Action.EXIT:
            self.exit_asked = True
        elif self.screen is Screen.PICKER:
            self._pick_act(action, now_s, targets)
        elif self.screen is Screen.HISTORY:
            self._history_act(action, now_s)
        elif self.screen is Screen.ATTRACT and (action is Action.SELECT or hit(action, targets) == "athlete"):
            self._open_picker(now_s)
        elif self.screen is Screen.ATTRACT and (action is Action.BACK or hit(action, targets) == "history"):
            self._open_history(now_s)
        elif self.screen is Screen.SUMMARY and (action is Action.SELECT or isinstance(action, Tap)):
            self._dismissed_set = None if board.last_set is None else board.last_set.index
            self.screen = Screen.ATTRACT

    def _open_history(self, now_s: float) -> None:
        """The history of the athlete who is up; nothing for a guest or without one."""
        if not self.has_history:
            return
        self.shown_history = self.history(self.athlete[0])
        if self.shown_history is not None:
            self._history_since_s = now_s
            self.screen = Screen.HISTORY

    def _history_act(self, action, now_s: float) -> None:
        if action is Action.NEXT:
            self._history_since_s = now_s  # read on: only closing presses close it
        else:
            self._close_history()

    def _close_history(self) -> None:
        self._history_since_s = None
        self.shown_history = None
        self.screen = Screen.ATTRACT

    def _open_picker(self, now_s: float) -> None:
        self.choices = [(None, GUEST), *self.roster()]
        current = self.choices.index(self.athlete) if self.athlete in self.choices else 0
        self.highlighted = current
        self._picking_since_s = now_s
        self.screen = Screen.PICKER

    def _pick_act(self, action, now_s: float, targets: dict) -> None:
        self._picking_since_s = now_s
        self.highlighted, chosen = in_list(action, self.highlighted, len(self.choices), targets)
        if chosen is not None:
            self._pick(chosen)

    def _pick(self, index: int) -> None:
        self.athlete = self.choices[index]
        self._picking_since_s = None
        self.screen = Screen.ATTRACT
        self.on_pick(*self.athlete)
