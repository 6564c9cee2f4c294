"""Landing metrics and the softness rating of one landing.

No validated force-based softness score exists (DOMAIN §4), so ours is
transparent: every input, formula and threshold is here and in
docs/landing.md, configurable in [force], and stable between versions.

Over the samples from touchdown to ``landing_window_s`` later (or the
contact's end, if sooner):
- peak_force_n, peak_force_bw: the highest force, and that over body weight;
- time_to_peak_s: from touchdown to that peak;
- loading_rate_bw_per_s = peak_force_bw / time_to_peak_s (the common
  "peak over time to peak" definition);
- impact_peak: a local maximum of at least impact_min_bw within
  impact_window_s of touchdown, followed by a fall of impact_drop_fraction of
  it: the sharp early transient of a flat-footed or heel-first landing;
- softness (0-100, higher is softer): the mean of a peak score (100 at
  1.5 BW or less, 0 at 6 BW or more, linear between: the range of real
  landings in DOMAIN §4) and a rate score (100 at 20 BW/s or less, 0 at
  400 BW/s or more, linear in log(rate): real rates span 37-372 BW/s), less
  10 points for an impact peak, kept within 0-100;
- rating: "hard" if peak_force_bw >= hard_min_bw or the rate >=
  hard_min_rate_bw_per_s; else "soft" if peak_force_bw < soft_max_bw, the rate
  < soft_max_rate_bw_per_s and there is no impact peak; else "firm".
Without a body weight only peak_force_n and time_to_peak_s are known.
"""

from __future__ import annotations

import math

import numpy as np

from station.analysis.force.rules import ForceRules

PEAK_SCORE_BW = (1.5, 6.0)
RATE_SCORE_BW_PER_S = (20.0, 400.0)
IMPACT_PENALTY = 10.0


def has_impact_peak(time_s: np.ndarray, fz_n: np.ndarray, touchdown_s: float,
                    body_weight_n: float, rules: ForceRules) -> bool:
    early = np.flatnonzero(time_s <= touchdown_s + rules.impact_window_s)
    if len(early) < 3:
        return False
    middle = np.arange(1, min(len(early), len(fz_n) - 1))  # samples with both neighbours
    local_max = middle[(fz_n[middle] >= fz_n[middle - 1]) & (fz_n[middle] > fz_n[middle + 1])]
    for index in local_max:
        peak_n = fz_n[index]
        if peak_n < rules.impact_min_bw * body_weight_n:
            continue
        after = fz_n[index + 1:]
        below = np.flatnonzero(after <= peak_n * (1 - rules.impact_drop_fraction))
        # A real fall, not noise on the way up: it reaches the drop line
        # before the force rises past the peak again.
        if len(below) and not (after[:below[0]] > peak_n).any():
            return True
    return False


def softness_score(peak_force_bw: float, loading_rate_bw_per_s: float, impact_peak: bool) -> float:
    low, high = PEAK_SCORE_BW
    peak_score = 100 * min(1.0, max(0.0, (high - peak_force_bw) / (high - low)))
    low, high = RATE_SCORE_BW_PER_S
    rate = max(loading_rate_bw_per_s, 1e-9)
    rate_score = 100 * min(1.0, max(0.0, math.log(high / rate) / math.log(high / low)))
    score = (peak_score + rate_score) / 2 - (IMPACT_PENALTY if impact_peak else 0.0)
    return min(100.0, max(0.0, score))


def rating(peak_force_bw: float, loading_rate_bw_per_s: float, impact_peak: bool,
           rules: ForceRules) -> str:
    if peak_force_bw >= rules.hard_min_bw or loading_rate_bw_per_s >= rules.hard_min_rate_bw_per_s:
        return "hard"
    if (peak_force_bw < rules.soft_max_bw and loading_rate_bw_per_s < rules.soft_max_rate_bw_per_s
            and not impact_peak):
        return "soft"
    return "firm"


def landing_metrics(time_s: np.ndarray, fz_n: np.ndarray, touchdown_s: float,
                    body_weight_n: float | None, rules: ForceRules) -> dict | None:
    """The ``landing`` object of a contact, from its samples after touchdown."""
    in_window = (time_s >= touchdown_s) & (time_s <= touchdown_s + rules.landing_window_s)
    time_s, fz_n = time_s[in_window], fz_n[in_window]
    if len(fz_n) < 3:
        return None
    peak = int(np.argmax(fz_n))
    peak_n = float(fz_n[peak])
    time_to_peak_s = max(float(time_s[peak]) - touchdown_s, 1e-6)
    metrics = {"peak_force_n": round(peak_n, 1), "peak_force_bw": None,
               "time_to_peak_s": round(time_to_peak_s, 6), "loading_rate_bw_per_s": None,
               "impact_peak": None, "softness": None, "rating": None}
    if body_weight_n is None:
        return metrics
    peak_bw = peak_n / body_weight_n
    rate = peak_bw / time_to_peak_s
    impact = has_impact_peak(time_s, fz_n, touchdown_s, body_weight_n, rules)
    metrics.update(peak_force_bw=round(peak_bw, 3), loading_rate_bw_per_s=round(rate, 2),
                   impact_peak=impact, softness=round(softness_score(peak_bw, rate, impact), 1),
                   rating=rating(peak_bw, rate, impact, rules))
    return metrics
