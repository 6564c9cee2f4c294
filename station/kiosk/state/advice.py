"""The one short cue the live screen gives after a hard landing.

A hard landing (docs/landing.md) is either too sharp or too heavy, and each
has its own fix from the exercise's own instructions:

- a sharp landing, an impact peak or the peak reached in under
  ``SHARP_MAX_TIME_TO_PEAK_S``, is the flat-footed or heel-first landing:
  "Land on the balls of your feet";
- otherwise the peak was too high for the body weight, the stiff-legged
  landing: "Bend your knees".

Soft and firm landings get no cue: the colour and the word say enough.
"""

from __future__ import annotations

BALLS_OF_FEET = "Land on the balls of your feet"
BEND_KNEES = "Bend your knees"

#: Stiff, flat landings peak 28-47 ms after touchdown; cushioned ones at
#: 60-110 ms (docs/landing.md): under 50 ms is the sharp kind.
SHARP_MAX_TIME_TO_PEAK_S = 0.05


def landing_cue(landing: dict | None) -> str | None:
    """The cue for a landing's metrics (a ``Landing``'s or ``Contact``'s
    ``landing``), or None when it was not rated hard.

        landing_cue({"rating": "hard", "impact_peak": True, ...})  # BALLS_OF_FEET
    """
    if not landing or landing.get("rating") != "hard":
        return None
    time_to_peak_s = landing.get("time_to_peak_s")
    sharp = bool(landing.get("impact_peak")) or (
        time_to_peak_s is not None and time_to_peak_s < SHARP_MAX_TIME_TO_PEAK_S)
    return BALLS_OF_FEET if sharp else BEND_KNEES
