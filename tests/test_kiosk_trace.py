"""The force trace keeps a few seconds of force, thinned to bin maxima."""

import numpy as np
import pytest

from station.kiosk.state.trace import ForceTrace


def samples(start_s, end_s, rate_hz=1000.0, force=lambda t: 700.0 + 0 * t):
    time_s = np.arange(round(start_s * rate_hz), round(end_s * rate_hz)) / rate_hz
    return time_s, force(time_s)


def test_a_new_trace_is_empty():
    time_s, force_n = ForceTrace().points()
    assert time_s.size == 0 and force_n.size == 0 and ForceTrace().newest_s is None


def test_each_bin_keeps_its_highest_force_so_a_short_peak_survives():
    trace = ForceTrace(span_s=1.0, bin_s=0.01)
    time_s, force_n = samples(0.0, 1.0)
    force_n[503] = 2900.0   # one sample, 1 ms wide
    trace.add(time_s, force_n)
    kept_s, kept_n = trace.points()
    assert kept_n.size == 100 and kept_n.max() == 2900.0
    assert kept_s[kept_n.argmax()] == pytest.approx(0.50)


def test_only_the_last_span_is_kept_however_the_samples_arrive():
    whole, pieces = ForceTrace(span_s=3.0), ForceTrace(span_s=3.0)
    time_s, force_n = samples(0.0, 10.0, force=lambda t: 700.0 + 500.0 * np.sin(7.0 * t))
    whole.add(time_s, force_n)
    for chunk in np.array_split(np.arange(time_s.size), 37):
        pieces.add(time_s[chunk], force_n[chunk])
    (whole_s, whole_n), (pieces_s, pieces_n) = whole.points(), pieces.points()
    assert whole_s[0] >= 7.0 - 1e-9 and whole_s.size == 300
    assert np.array_equal(whole_s, pieces_s) and np.array_equal(whole_n, pieces_n)


def test_a_gap_in_the_samples_leaves_a_gap_in_the_trace():
    trace = ForceTrace(span_s=3.0)
    trace.add(*samples(0.0, 1.0))
    trace.add(*samples(2.0, 2.5))
    kept_s, _ = trace.points()
    assert not np.any((kept_s > 1.0) & (kept_s < 1.99))


def test_after_a_long_silence_the_old_force_is_gone():
    trace = ForceTrace(span_s=3.0)
    trace.add(*samples(0.0, 1.0, force=lambda t: 3000.0 + 0 * t))
    trace.add(*samples(20.0, 20.5))
    assert trace.peak_n() == 700.0
