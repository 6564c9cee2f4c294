"""Sensor faults of the plate, from its force: judged live, window by window.

Every ``cell_check_s`` (from the first sample, so the windows do not depend
on how samples arrive) the last window is judged:

- a cell at its converter's full scale (**saturated**): every sample within
  ``cell_saturated_share`` of the cell's range from either end; only when
  the range is known (the front-end's calibration gives it);
- a cell whose reading does not move while another's does (**stuck** or
  disconnected): SD at most ``cell_stuck_sd_n`` while another cell's SD is
  at least ``cell_moving_sd_n``;
- a cell reading well below zero (**negative**): mean below
  ``-cell_negative_n`` (a corner cannot pull the plate down; the cell is
  wired backwards, or its zero is far off);
- a **drifting zero**: an empty, still plate (total SD at most
  ``zero_quiet_sd_n``, mean within ``weigh_in_min_n`` / 2 of zero) reading
  more than ``zero_drift_max_n`` from zero.

Each is a ``Fault`` (device: the cell's name, or "plate" for the zero) when
it begins, and again (inactive) when a window shows it gone. A cell has one
fault at a time, the most telling first: saturated, stuck, negative.
"""

from __future__ import annotations

import numpy as np

from station.analysis.events import Fault
from station.analysis.force.rules import ForceRules

CELLS = ("front-left", "front-right", "back-left", "back-right")
PLATE = "plate"
SATURATED, STUCK, NEGATIVE, DRIFT = "saturated", "stuck", "negative", "drift"
#: A window missing more than this share of its samples (a gap) is not judged.
MIN_COVERAGE = 0.9


def message(kind: str, device: str, value_n: float = 0.0) -> str:
    """One sentence: what is wrong and what to do."""
    if kind == SATURATED:
        return (f"The {device} load cell reads at the limit of its converter: check that nothing presses "
                "on that corner and its cable; landings on it cannot be measured.")
    if kind == STUCK:
        return (f"The {device} load cell's reading does not move while the others do: it is probably "
                "unplugged; check its cable at the cell and at the front-end.")
    if kind == NEGATIVE:
        return (f"The {device} load cell reads {value_n:.0f} N, well below zero: check its wiring, then "
                "re-zero the plate with `station calibrate --tare` while it is empty.")
    return (f"The empty plate reads {value_n:+.0f} N instead of 0: its zero has drifted; step off and "
            "re-zero it with `station calibrate --tare`.")


def cleared(device: str) -> str:
    return f"The {device} load cell reads normally again." if device != PLATE else \
        "The empty plate reads zero again."


class CellWatch:
    """Watches the plate's cells and zero for faults.

        watch = CellWatch(ForceRules(), cell_range_n=((-3600, 3600),) * 4)
        watch.feed(block.time_s, block.fz_n, block.corners_n)
        watch.decide(until_s)   # -> [(decision_time_s, Fault), ...]
        watch.active            # {device: Fault} in force now
    """

    def __init__(self, rules: ForceRules, cell_range_n=None) -> None:
        self.rules = rules
        self.cell_range_n = None if cell_range_n is None else np.asarray(cell_range_n, dtype=float)
        self.active: dict[str, Fault] = {}
        self._kinds: dict[str, str] = {}
        self._origin_s: float | None = None
        self._period_s: float | None = None
        self._next = 0
        self._time_s = np.empty(0)
        self._fz_n = np.empty(0)
        self._corners_n: np.ndarray | None = np.empty((0, 4))
        self._decided: list[tuple[float, Fault]] = []

    def feed(self, time_s: np.ndarray, fz_n: np.ndarray, corners_n: np.ndarray | None) -> None:
        if len(time_s) == 0:
            return
        if self._origin_s is None:
            self._origin_s = float(time_s[0])
        if self._period_s is None and len(time_s) > 1:
            self._period_s = float(np.median(np.diff(time_s)))
        self._time_s = np.concatenate((self._time_s, time_s))
        self._fz_n = np.concatenate((self._fz_n, fz_n))
        if corners_n is None or self._corners_n is None:
            self._corners_n = None  # without corners, only the zero is watched
        else:
            self._corners_n = np.concatenate((self._corners_n, corners_n))
        step_s = self.rules.cell_check_s
        while True:
            start_s = self._origin_s + self._next * step_s
            end_s = start_s + step_s
            if self._time_s[-1] < end_s:
                break
            inside = (self._time_s >= start_s) & (self._time_s < end_s)
            if inside.sum() >= MIN_COVERAGE * step_s / (self._period_s or 0.001):
                corners = None if self._corners_n is None else self._corners_n[inside]
                self._judge(end_s, self._fz_n[inside], corners)
            self._next += 1
            keep = self._time_s >= end_s
            self._time_s, self._fz_n = self._time_s[keep], self._fz_n[keep]
            if self._corners_n is not None:
                self._corners_n = self._corners_n[keep]

    def decide(self, until_s: float) -> list[tuple[float, Fault]]:
        """Faults that began or ended by ``until_s``."""
        out = [item for item in self._decided if item[0] <= until_s]
        self._decided = [item for item in self._decided if item[0] > until_s]
        return out

    def _judge(self, end_s: float, fz_n: np.ndarray, corners_n: np.ndarray | None) -> None:
        found: dict[str, tuple[str, float]] = {}
        judged = [PLATE] if self._zero_judgeable(fz_n) else []
        if judged and abs(float(fz_n.mean())) > self.rules.zero_drift_max_n:
            found[PLATE] = DRIFT, float(fz_n.mean())
        if corners_n is not None and len(corners_n):
            judged += list(CELLS)
            found.update(self._cell_faults(corners_n))
        for device in judged:
            self._change(end_s, device, found.get(device))

    def _zero_judgeable(self, fz_n: np.ndarray) -> bool:
        return (abs(float(fz_n.mean())) < self.rules.weigh_in_min_n / 2
                and float(fz_n.std()) <= self.rules.zero_quiet_sd_n)

    def _cell_faults(self, corners_n: np.ndarray) -> dict[str, tuple[str, float]]:
        rules = self.rules
        sd_n = corners_n.std(axis=0)
        mean_n = corners_n.mean(axis=0)
        found = {}
        for cell, name in enumerate(CELLS):
            others_move = any(sd_n[other] >= rules.cell_moving_sd_n for other in range(4) if other != cell)
            if self._saturated(corners_n[:, cell], cell):
                found[name] = SATURATED, float(mean_n[cell])
            elif sd_n[cell] <= rules.cell_stuck_sd_n and others_move:
                found[name] = STUCK, float(mean_n[cell])
            elif mean_n[cell] < -rules.cell_negative_n:
                found[name] = NEGATIVE, float(mean_n[cell])
        return found

    def _saturated(self, values_n: np.ndarray, cell: int) -> bool:
        if self.cell_range_n is None:
            return False
        low_n, high_n = self.cell_range_n[cell]
        margin_n = (high_n - low_n) * self.rules.cell_saturated_share
        return bool(((values_n >= high_n - margin_n) | (values_n <= low_n + margin_n)).all())

    def _change(self, end_s: float, device: str, fault: tuple[str, float] | None) -> None:
        current = self.active.get(device)
        if fault is None:
            if current is not None:
                del self.active[device]
                self._decided.append((end_s, Fault(end_s, device, False, cleared(device))))
            return
        kind, value_n = fault
        if current is not None and self._kinds.get(device) == kind:
            return  # the same fault goes on
        event = Fault(end_s, device, True, message(kind, device, value_n))
        self.active[device] = event
        self._kinds[device] = kind
        self._decided.append((end_s, event))
