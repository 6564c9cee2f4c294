"""Force analysis rules, each at its edges."""

import numpy as np
import pytest

from station.analysis.force.buffer import ForceBuffer
from station.analysis.force.contact import ForceContactDetector, crossing_time_s, unloaded_threshold_n
from station.analysis.force.cop import backward_displacement_m, cop_y_m, direction_of, mean_cop_y_m
from station.analysis.force.landing import landing_metrics, rating, softness_score
from station.analysis.force.rules import ForceRules
from station.analysis.force.weigh_in import WeighIn
from station.readings import ForceBlock

RULES = ForceRules()


def test_a_crossing_is_interpolated_between_samples():
    assert crossing_time_s(1.000, 100.0, 1.001, 0.0, 20.0, 0.001) == pytest.approx(1.0008)


def test_no_crossing_is_invented_inside_a_gap():
    assert crossing_time_s(1.000, 100.0, 1.010, 0.0, 20.0, 0.001) == 1.010


def test_the_threshold_never_goes_below_the_floor():
    assert unloaded_threshold_n(np.zeros(400), RULES) == RULES.contact_floor_n


def test_the_threshold_rises_with_the_unloaded_plates_noise():
    noisy = np.random.default_rng(1).normal(17.0, 2.4, 400)
    assert unloaded_threshold_n(noisy, RULES) == pytest.approx(17 + 5 * 2.4, abs=1.5)


def detector_edges(fz_n, rate_hz=1000.0):
    time_s = np.arange(len(fz_n)) / rate_hz
    buffer = ForceBuffer(60)
    buffer.append(ForceBlock(time_s, fz_n))
    detector = ForceContactDetector(RULES, buffer, float(fz_n[0]))
    return detector.feed(time_s, fz_n), detector


def test_force_take_off_and_landing_become_plate_edges():
    fz_n = np.concatenate([np.full(500, 700.0), np.zeros(300), np.full(500, 700.0)])
    edges, _ = detector_edges(fz_n)
    assert [e.contact for e in edges] == [False, True]
    assert edges[0].time_s == pytest.approx(0.499 + 0.001 * 680 / 700)
    assert edges[1].time_s == pytest.approx(0.799 + 0.001 * 20 / 700)


def test_a_noisy_plate_in_flight_raises_the_threshold_for_later_flights():
    noise = np.random.default_rng(2).normal(17.0, 2.4, 300)
    fz_n = np.concatenate([np.full(500, 700.0), noise, np.full(500, 700.0)])
    _, detector = detector_edges(fz_n)
    assert detector.threshold_n > 25


def weigh(fz_n, rate_hz=1000.0):
    weigh_in = WeighIn(RULES)
    time_s = np.arange(len(fz_n)) / rate_hz
    for start in range(0, len(fz_n), 37):
        weigh_in.feed(time_s[start:start + 37], fz_n[start:start + 37])
    return weigh_in


def test_a_quiet_second_gives_the_body_weight():
    fz_n = np.random.default_rng(3).normal(700.0, 3.0, 1500)
    assert weigh(fz_n).weight_n(0.0, 2.0) == pytest.approx(700, abs=1)


@pytest.mark.parametrize("sd_n, weighed", [(19.0, True), (22.0, False)])
def test_a_window_moving_more_than_weigh_in_max_sd_n_is_not_quiet(sd_n, weighed):
    fz_n = 700.0 + sd_n * np.sqrt(2) * np.sin(np.linspace(0, 40 * np.pi, 1001))
    assert (weigh(fz_n).weight_n(0.0, 2.0) is not None) is weighed


def test_weigh_in_needs_a_whole_second():
    assert weigh(np.full(999, 700.0)).weight_n(0.0, 1.0) is None


def test_nobody_on_the_plate_is_not_a_weight():
    assert weigh(np.full(1500, 150.0)).weight_n(0.0, 2.0) is None


def landing(peak_bw, time_to_peak_s, weight_n=700.0, spike=False):
    time_s = np.arange(0, 0.3, 0.001)
    rise = np.clip(time_s / time_to_peak_s, 0, None)
    fz_n = weight_n * (1 + (peak_bw - 1) * rise * np.exp(1 - rise))
    if spike:  # a sharp transient at 20 ms over a slower second peak
        fz_n += weight_n * 2.0 * np.exp(-((time_s - 0.02) / 0.004) ** 2)
    return time_s, fz_n


def test_landing_metrics_find_peak_time_to_peak_and_loading_rate():
    time_s, fz_n = landing(3.5, 0.08)
    metrics = landing_metrics(time_s, fz_n, 0.0, 700.0, RULES)
    assert metrics["peak_force_bw"] == pytest.approx(3.5, rel=0.01)
    assert metrics["time_to_peak_s"] == pytest.approx(0.08, abs=0.001)
    assert metrics["loading_rate_bw_per_s"] == pytest.approx(3.5 / 0.08, rel=0.02)


def test_without_body_weight_only_absolute_metrics_are_given():
    time_s, fz_n = landing(3.5, 0.08)
    metrics = landing_metrics(time_s, fz_n, 0.0, None, RULES)
    assert metrics["peak_force_n"] == pytest.approx(3.5 * 700, rel=0.01)
    assert metrics["rating"] is None and metrics["softness"] is None


def test_a_sharp_early_transient_is_an_impact_peak():
    time_s, fz_n = landing(2.5, 0.1, spike=True)
    assert landing_metrics(time_s, fz_n, 0.0, 700.0, RULES)["impact_peak"] is True
    time_s, fz_n = landing(2.5, 0.1)
    assert landing_metrics(time_s, fz_n, 0.0, 700.0, RULES)["impact_peak"] is False


@pytest.mark.parametrize("peak_bw, rate, impact, expected", [
    (2.99, 59.9, False, "soft"), (3.0, 30.0, False, "firm"), (2.5, 60.0, False, "firm"),
    (2.5, 30.0, True, "firm"), (4.49, 149.9, False, "firm"), (4.5, 30.0, False, "hard"),
    (3.0, 150.0, False, "hard"),
])
def test_ratings_change_exactly_at_their_thresholds(peak_bw, rate, impact, expected):
    assert rating(peak_bw, rate, impact, RULES) == expected


def test_softness_runs_from_100_for_gentle_to_0_for_brutal_landings():
    assert softness_score(1.5, 20.0, False) == 100
    assert softness_score(6.0, 400.0, False) == 0
    assert softness_score(3.0, 50.0, False) > softness_score(3.0, 50.0, True)


def test_the_centre_of_pressure_follows_the_formula():
    corners = np.array([[300.0, 300.0, 100.0, 100.0]])  # FL FR BL BR
    assert cop_y_m(corners, 0.9)[0] == pytest.approx(0.45 * 400 / 800)


def test_the_centre_of_pressure_ignores_an_unloaded_plate():
    assert mean_cop_y_m(np.full((10, 4), 10.0), 0.9, RULES.cop_min_n) is None


@pytest.mark.parametrize("displacement_m, expected", [(0.099, None), (0.1, "backward"),
                                                      (-0.1, "forward"), (None, None)])
def test_a_jump_moving_less_than_direction_min_m_has_no_direction(displacement_m, expected):
    assert direction_of(displacement_m, RULES.direction_min_m) == expected


def test_displacement_is_positive_backward():
    assert backward_displacement_m(0.2, -0.25) == pytest.approx(0.45)


@pytest.mark.parametrize("rule, value", [("contact_floor_n", 0), ("impact_drop_fraction", 1.0),
                                         ("soft_max_bw", 5.0)])
def test_contradictory_force_rules_are_refused(rule, value):
    with pytest.raises(ValueError):
        ForceRules(**{rule: value})
