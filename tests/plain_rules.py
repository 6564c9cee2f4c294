"""Two plain, published ways to time flights from force, written as simply
as possible on a whole recording, to check the pipeline against:

- a fixed threshold (20 N, as VALD uses);
- the unloaded level: each flight found with that fixed threshold, then both
  edges moved to where the force crosses mean + k SD of the middle half of
  that flight (McMahon 2018; DOMAIN §3).

Flights are stretches under the threshold lasting min_flight_s to step_off_s;
loaded moments shorter than min_contact_s inside a flight do not end it.
"""

import numpy as np


def _crossing(t0, f0, t1, f1, level):
    if f1 == f0:
        return t1
    return t0 + (level - f0) / (f1 - f0) * (t1 - t0)


def _runs(mask):
    """[(value, first index, last index)] of the runs of equal values."""
    edges = np.flatnonzero(np.diff(mask.astype(int))) + 1
    starts = np.concatenate(([0], edges))
    ends = np.concatenate((edges - 1, [len(mask) - 1]))
    return [(bool(mask[s]), int(s), int(e)) for s, e in zip(starts, ends)]


def fixed_threshold_flights(time_s, fz_n, threshold_n=20.0, min_flight_s=0.08, min_contact_s=0.05,
                            step_off_s=1.5):
    """[(take-off, touchdown)] where the force crosses ``threshold_n``."""
    loaded = fz_n > threshold_n
    # A loaded moment shorter than min_contact_s between two unloaded ones is noise.
    runs = _runs(loaded)
    for k in range(1, len(runs) - 1):
        value, first, last = runs[k]
        if value and time_s[last] - time_s[first] < min_contact_s:
            loaded[first:last + 1] = False
    flights = []
    runs = _runs(loaded)
    for k in range(1, len(runs) - 1):
        value, first, last = runs[k]
        if value:
            continue
        takeoff = _crossing(time_s[first - 1], fz_n[first - 1], time_s[first], fz_n[first], threshold_n)
        touchdown = _crossing(time_s[last], fz_n[last], time_s[last + 1], fz_n[last + 1], threshold_n)
        if min_flight_s <= touchdown - takeoff <= step_off_s:
            flights.append((takeoff, touchdown))
    return flights


def unloaded_level_flights(time_s, fz_n, sd_factor=5.0, threshold_n=20.0, **options):
    """[(take-off, touchdown)] at mean + sd_factor SD of each flight's middle half."""
    flights = []
    for takeoff, touchdown in fixed_threshold_flights(time_s, fz_n, threshold_n, **options):
        quarter = (touchdown - takeoff) / 4
        middle = fz_n[(time_s >= takeoff + quarter) & (time_s <= touchdown - quarter)]
        level = middle.mean() + sd_factor * middle.std()
        # The last fall through the level before the middle ...
        i = int(np.searchsorted(time_s, takeoff + quarter))
        while fz_n[i] <= level:
            i -= 1
        new_takeoff = _crossing(time_s[i], fz_n[i], time_s[i + 1], fz_n[i + 1], level)
        # ... and the first rise through it after the middle.
        j = int(np.searchsorted(time_s, touchdown - quarter, side="right"))
        while fz_n[j] <= level:
            j += 1
        new_touchdown = _crossing(time_s[j - 1], fz_n[j - 1], time_s[j], fz_n[j], level)
        flights.append((new_takeoff, new_touchdown))
    return flights


def first_landing_s(time_s, fz_n, threshold_n=20.0, sd_factor=None):
    """When a recording that starts with an empty plate is first landed on
    (None if it starts loaded): at ``threshold_n``, or with ``sd_factor`` at
    mean + sd_factor SD of the middle half of the empty stretch."""
    loaded = np.flatnonzero(fz_n > threshold_n)
    if len(loaded) == 0 or loaded[0] == 0:
        return None
    j = int(loaded[0])
    touchdown = _crossing(time_s[j - 1], fz_n[j - 1], time_s[j], fz_n[j], threshold_n)
    if sd_factor is None:
        return touchdown
    quarter = (touchdown - time_s[0]) / 4
    middle = fz_n[(time_s >= time_s[0] + quarter) & (time_s <= touchdown - quarter)]
    level = middle.mean() + sd_factor * middle.std()
    j = int(np.searchsorted(time_s, touchdown - quarter, side="right"))
    while fz_n[j] <= level:
        j += 1
    return _crossing(time_s[j - 1], fz_n[j - 1], time_s[j], fz_n[j], level)
