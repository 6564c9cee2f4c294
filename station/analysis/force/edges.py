"""The second step of force timing: edges moved to the unloaded plate's level.

A provisional threshold (contact.py, at least ``contact_floor_n``) finds
each unloaded stretch (a flight, or the empty plate) robustly, but a plate
whose force tails off slowly at take-off or rises slowly at touchdown
crosses it early and late. So each stretch's take-off and touchdown move to
where the force crosses the stretch's own level (DOMAIN §3, after McMahon
2018):

    level = mean + max(noise_sd_factor · SD, edge_floor_n)

over the middle ``noise_middle_share`` (half) of the stretch. The take-off
is the last fall through that level before the middle, the touchdown the
first rise through it after the middle, interpolated between samples.
``edge_floor_n`` is for noiseless or processed data (force exactly 0 N in
flight, SD 0), where the level would otherwise be the flight's mean itself.

Edges only move into the stretch (a take-off later, a touchdown earlier),
never out: a level at or above the provisional threshold (a plate whose
zero drifted up) leaves the provisional edge.
"""

from __future__ import annotations

import numpy as np

from station.analysis.force.rules import ForceRules

#: Fewer samples than this in the middle of a stretch give no level: an SD
#: of fewer than 10 samples is itself uncertain by a quarter (its relative
#: standard error is 1/sqrt(2(n-1))). At 1 kHz the middle of the shortest
#: flight (min_flight_s, 80 ms) holds 40; only data slower than 250 Hz, or a
#: stretch cut by a gap, falls short, and keeps its provisional edges.
MIN_MIDDLE_SAMPLES = 10


def stretch_level_n(fz_n: np.ndarray, rules: ForceRules) -> float | None:
    """The unloaded level of a stretch's samples, from their middle; None if
    too few to measure."""
    cut = int(round(len(fz_n) * (1 - rules.noise_middle_share) / 2))
    middle = fz_n[cut:len(fz_n) - cut]
    if len(middle) < MIN_MIDDLE_SAMPLES:
        return None
    return float(middle.mean() + max(rules.noise_sd_factor * middle.std(), rules.edge_floor_n))


def middle_bounds_s(start_s: float, end_s: float, rules: ForceRules) -> tuple[float, float]:
    """Where the middle of a stretch begins and ends."""
    margin_s = (end_s - start_s) * (1 - rules.noise_middle_share) / 2
    return start_s + margin_s, end_s - margin_s


def _cross_s(t0_s: float, f0_n: float, t1_s: float, f1_n: float, level_n: float, gap_s: float) -> float:
    if t1_s - t0_s > gap_s or f1_n == f0_n:
        return t1_s
    return t0_s + (level_n - f0_n) / (f1_n - f0_n) * (t1_s - t0_s)


def last_fall_s(time_s: np.ndarray, fz_n: np.ndarray, level_n: float, until_s: float,
                gap_s: float) -> float | None:
    """The last time the force fell through ``level_n`` at or before ``until_s``
    (``until_s`` itself if it is still above then); None if it never was above."""
    inside = time_s <= until_s
    time_s, fz_n = time_s[inside], fz_n[inside]
    above = np.flatnonzero(fz_n > level_n)
    if len(above) == 0:
        return None
    j = int(above[-1])
    if j == len(fz_n) - 1:
        return until_s
    return _cross_s(time_s[j], fz_n[j], time_s[j + 1], fz_n[j + 1], level_n, gap_s)


def first_rise_s(time_s: np.ndarray, fz_n: np.ndarray, level_n: float, since_s: float,
                 gap_s: float) -> float | None:
    """The first time at or after ``since_s`` the force rose through
    ``level_n`` (``since_s`` itself if it is already above then); None if it
    never rises in these samples."""
    start = int(np.searchsorted(time_s, since_s))
    above = np.flatnonzero(fz_n[start:] > level_n)
    if len(above) == 0:
        return None
    j = start + int(above[0])
    if j == 0 or fz_n[j - 1] > level_n:  # already above at since_s
        return since_s
    return max(since_s, _cross_s(time_s[j - 1], fz_n[j - 1], time_s[j], fz_n[j], level_n, gap_s))
