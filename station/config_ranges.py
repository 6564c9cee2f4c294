"""Every numeric key of the config has a range, declared here once.

A value outside its range, or one that is not a finite number (a text, true
or false, a list), is refused by
``station config check`` and ``station run`` alike, and the key falls back
to its own default (the message says so); the rest of the file still
applies. A table adopts the mechanism by adding its keys to ``RANGES``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class Range:
    """What a key may be, inclusive, and why those are the limits."""

    low: float
    high: float
    why: str


RANGES: dict[tuple[str, str], Range] = {
    ("timing", "bounce_s"): Range(0.0001, 0.05, "a switch settles within milliseconds"),
    ("timing", "min_flight_s"): Range(0.01, 1.0, "the shortest believable flight"),
    ("timing", "min_contact_s"): Range(0.01, 1.0, "the shortest believable contact"),
    ("timing", "step_off_s"): Range(0.1, 60.0, "a set ends seconds after stepping off"),
    ("timing", "max_jump_flight_s"): Range(0.05, 10.0, "no jump flies for longer"),
    ("timing", "max_rebound_contact_s"): Range(0.01, 10.0, "a rebound is a short contact"),
    ("timing", "stuck_contact_s"): Range(1.0, 86_400.0, "up to a day on the mat before a fault"),
    ("force", "contact_floor_n"): Range(1.0, 1000.0, "a force threshold below body weight"),
    ("force", "noise_sd_factor"): Range(1.0, 100.0, "a multiple of the plate's noise"),
    ("force", "weigh_in_s"): Range(0.2, 10.0, "a weigh-in longer than that never completes"),
    ("force", "weigh_in_max_sd_n"): Range(1.0, 500.0, "how still standing is"),
    ("force", "weigh_in_min_n"): Range(10.0, 4000.0, "a person's weight in newtons"),
    ("force", "landing_window_s"): Range(0.01, 1.0, "a landing's rating is decided within it"),
    ("force", "impact_window_s"): Range(0.005, 1.0, "an impact peak comes early in a landing"),
    ("force", "impact_min_bw"): Range(0.1, 20.0, "body weights a landing can reach"),
    ("force", "impact_drop_fraction"): Range(0.0, 1.0, "a fraction"),
    ("force", "soft_max_bw"): Range(0.1, 20.0, "body weights a landing can reach"),
    ("force", "soft_max_rate_bw_per_s"): Range(1.0, 10_000.0, "loading rates of real landings"),
    ("force", "hard_min_bw"): Range(0.1, 20.0, "body weights a landing can reach"),
    ("force", "hard_min_rate_bw_per_s"): Range(1.0, 10_000.0, "loading rates of real landings"),
    ("force", "cop_min_n"): Range(1.0, 4000.0, "a force below body weight"),
    ("force", "cop_touchdown_s"): Range(0.001, 1.0, "the start of a contact"),
    ("force", "cop_takeoff_s"): Range(0.001, 1.0, "the end of a contact"),
    ("force", "direction_min_m"): Range(0.0, 3.0, "no plate is longer"),
    ("force", "mat_disagree_s"): Range(0.01, 60.0, "how long mat and plate may disagree"),
    ("force", "force_wait_s"): Range(0.01, 60.0, "how long timing waits for force"),
    ("plate", "width_m"): Range(0.1, 3.0, "the size of a plate"),
    ("plate", "depth_m"): Range(0.1, 3.0, "the size of a plate"),
    ("plate", "calibration_mass_kg"): Range(5.0, 200.0, "lighter is lost in floor vibration; "
                                                        "heavier can overload one cell"),
    ("kiosk", "select_pin"): Range(-1, 27, "a BCM GPIO number, or -1 for none"),
    ("kiosk", "next_pin"): Range(-1, 27, "a BCM GPIO number, or -1 for none"),
    ("kiosk", "back_pin"): Range(-1, 27, "a BCM GPIO number, or -1 for none"),
    ("kiosk", "back_hold_s"): Range(0.5, 10.0, "shorter is a press; longer, nobody holds on"),
    ("kiosk", "calibrate_hold_s"): Range(0.5, 10.0, "shorter is a press; longer, nobody holds on"),
    ("sound", "volume"): Range(0.0, 1.0, "silent to full"),
    ("force", "edge_floor_n"): Range(0.1, 100.0, "a few newtons above an unloaded plate"),
    ("force", "noise_middle_share"): Range(0.1, 1.0, "a share of the flight"),
    ("force", "weigh_in_max_sd_share"): Range(0.001, 0.2, "a share of body weight"),
    ("force", "weigh_in_short_s"): Range(0.1, 10.0, "a short quiet standing"),
    ("force", "cell_check_s"): Range(0.05, 10.0, "faults shown within a second need a short window"),
    ("force", "cell_saturated_share"): Range(0.0, 1.0, "a share of the samples"),
    ("force", "cell_stuck_sd_n"): Range(0.0, 100.0, "the noise of a cell that does not move"),
    ("force", "cell_moving_sd_n"): Range(0.0, 1000.0, "the noise of cells that do move"),
    ("force", "cell_negative_n"): Range(1.0, 4000.0, "well below zero, not noise"),
    ("force", "zero_quiet_sd_n"): Range(0.1, 500.0, "how still an empty plate is"),
    ("force", "zero_drift_max_n"): Range(0.1, 1000.0, "how far an empty plate's zero may move"),
    ("force", "fatigue_drop_share"): Range(0.0, 1.0, "a share of the best RSI"),
    ("force", "fatigue_best_reps"): Range(1, 100, "how many best reps a set's best is the mean of"),
    ("identity", "idle_s"): Range(10, 86400, "a tap keeps an athlete picked for up to a day"),
    ("identity", "same_tap_s"): Range(0.1, 10.0, "a card held on the reader repeats within seconds"),
    ("identity", "baud"): Range(2400, 115200, "the speeds serial tag readers use"),
    ("storage", "min_free_mb"): Range(0.0, 100_000.0, "more than a card holds would delete "
                                                      "every raw recording"),
}


def out_of_range(section: str, table: dict) -> tuple[dict, list[str]]:
    """``table`` without its keys that are not finite or not within their
    range, and one problem (without the file) for each."""
    kept, problems = {}, []
    for key, value in table.items():
        problem = _problem(section, key, value)
        if problem is None:
            kept[key] = value
        else:
            problems.append(f"[{section}] {problem}; using its default")
    return kept, problems


def _problem(section: str, key: str, value) -> str | None:
    if isinstance(value, float) and not math.isfinite(value):
        return f"{key} must be a finite number, not {value!r}"
    limits = RANGES.get((section, key))
    if limits is None:
        return None  # not a number the station keeps: the table's own check says what it must be
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return (f"{key} must be a number from {limits.low:g} to {limits.high:g} ({limits.why}), "
                f"not {_shown(value)}")
    if not limits.low <= value <= limits.high:
        shown = f"{value:.6g}" if abs(value) < 1e15 else "a number that large"
        return f"{key} must be from {limits.low:g} to {limits.high:g} ({limits.why}), not {shown}"
    return None


def _shown(value) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."
