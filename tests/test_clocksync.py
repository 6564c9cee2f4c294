"""Clock sync: the front-end's microsecond clock on the host's monotonic clock.

Synthetic frames: 100 a second, each stamped with the device time of its last
sample and read by the host 0.2 to 3 ms later, with 1 % of them held up a
further 20 ms. The mapping is judged at every sample of every frame against
the true host time of that sample, after SETTLE_S of settling.
"""

import numpy as np
import pytest

from station.sources.loadcell.clocksync import CLOCK_STEP_BACK_S, ENVELOPE_S, WRAP_US, ClockSync

FRAME_US = 10_000
SAMPLE_US = 1_000
SETTLE_S = 1.0
TOLERANCE_S = 0.001
MIN_LATENCY_S = 0.0002
MAX_LATENCY_S = 0.003
SPIKE_S = 0.020
SPIKE_CHANCE = 0.01
HOST_ZERO_S = 5000.0


def true_host_s(elapsed_us, drift_ppm):
    """When the device clock, running drift_ppm fast, had counted elapsed_us."""
    return HOST_ZERO_S + elapsed_us * 1e-6 / (1.0 + drift_ppm * 1e-6)


def stream(sync, duration_s, drift_ppm=50.0, start_us=0, seed=0, extra_latency_s=None):
    """Observe frames for duration_s; the worst mapping error after SETTLE_S (s)."""
    rng = np.random.default_rng(seed)
    offsets_us = np.arange(0, FRAME_US, SAMPLE_US)
    worst_s = 0.0
    for frame in range(round(duration_s * 1e6 / FRAME_US)):
        first_us = frame * FRAME_US
        last_us = first_us + offsets_us[-1]
        latency_s = rng.uniform(MIN_LATENCY_S, MAX_LATENCY_S)
        if rng.random() < SPIKE_CHANCE:
            latency_s += SPIKE_S
        if extra_latency_s is not None:
            latency_s += extra_latency_s(first_us * 1e-6)
        sync.observe((start_us + last_us) % WRAP_US, true_host_s(last_us, drift_ppm) + latency_s)
        if first_us * 1e-6 >= SETTLE_S:
            for offset_us in offsets_us:
                mapped_s = sync.to_host_s((start_us + first_us + offset_us) % WRAP_US)
                worst_s = max(worst_s, abs(mapped_s - true_host_s(first_us + offset_us, drift_ppm)))
    return worst_s


@pytest.mark.parametrize("seed", range(3))
def test_maps_a_drifting_clock_within_a_millisecond_after_one_second(seed):
    sync = ClockSync()
    assert stream(sync, 60.0, drift_ppm=50.0, seed=seed) < TOLERANCE_S


def test_fits_the_drift_of_the_device_crystal():
    sync = ClockSync()
    stream(sync, 60.0, drift_ppm=50.0)
    assert sync.drift_ppm == pytest.approx(50.0, abs=3.0)


@pytest.mark.parametrize("drift_ppm", [-100.0, 100.0])
def test_follows_the_worst_crystal_either_way(drift_ppm):
    sync = ClockSync()
    assert stream(sync, 30.0, drift_ppm=drift_ppm) < TOLERANCE_S
    assert sync.drift_ppm == pytest.approx(drift_ppm, abs=5.0)


def test_a_host_whose_load_grows_does_not_tilt_the_rate():
    # Latency spread out by a load that grows over the minute: the mean
    # latency rises 2 ms, which would tilt a fit to all pairs by 33 ppm; the
    # fastest arrivals of each second rise by only about 0.3 ms (5 ppm).
    sync = ClockSync()

    def growing_load(t_s):
        return np.random.default_rng(round(t_s * 100)).uniform(0.0, 0.004 * t_s / 60.0)

    assert stream(sync, 60.0, extra_latency_s=growing_load) < TOLERANCE_S
    assert sync.drift_ppm == pytest.approx(50.0, abs=8.0)


def test_maps_across_the_wrap_of_the_device_clock():
    sync = ClockSync()
    ten_s_before_wrap_us = WRAP_US - 10_000_000
    assert stream(sync, 30.0, start_us=ten_s_before_wrap_us) < TOLERANCE_S
    assert sync.restarts == 0


def test_unwraps_times_just_before_and_after_the_wrap_in_order():
    sync = ClockSync()
    sync.observe(WRAP_US - 500, 1.0)
    assert sync.unwrap(WRAP_US - 1000) == WRAP_US - 1000
    assert sync.unwrap(200) == WRAP_US + 200
    sync.observe(200, 1.0007)
    assert sync.unwrap(WRAP_US - 300) == WRAP_US - 300
    assert sync.unwrap(900) == WRAP_US + 900


def test_latency_spikes_do_not_move_the_mapping():
    calm, spiky = ClockSync(), ClockSync()
    stream(calm, 10.0)
    stream(spiky, 10.0, extra_latency_s=lambda t_s: 0.05 if int(t_s * 10) % 7 == 0 else 0.0)
    device_us = 9_999_000
    assert abs(spiky.to_host_s(device_us) - calm.to_host_s(device_us)) < 0.0002


def test_a_device_reset_is_detected_and_the_fit_starts_over():
    sync = ClockSync()
    stream(sync, 20.0, start_us=1_000_000_000)
    # The device restarts: its clock begins again from 0 while host time runs on.
    later_s = 100.0
    sync.observe(0, true_host_s(later_s * 1e6, 0.0) + MIN_LATENCY_S)
    assert sync.restarts == 1
    after_reset_us = later_s * 1e6
    for frame in range(1, 200):
        sent_s = true_host_s(after_reset_us + frame * FRAME_US, 0.0)
        sync.observe(frame * FRAME_US, sent_s + MIN_LATENCY_S)
    assert abs(sync.to_host_s(1_990_000) - true_host_s(after_reset_us + 1_990_000, 0.0)) < TOLERANCE_S


def held_up(sync, from_us, held_s):
    """The front-end's loop held up for ``held_s`` from device time ``from_us``
    (the host too busy to read): then a mat edge, stamped as it happened just
    now, goes out first, and the frames of samples its ring kept after it,
    stamped up to ``held_s`` earlier, all read by the host a moment later."""
    edge_us = from_us + round(held_s * 1e6)
    read_s = true_host_s(edge_us, 50.0) + MIN_LATENCY_S
    sync.observe(edge_us, read_s)
    for first_us in range(from_us, edge_us, FRAME_US):
        sync.observe(first_us + FRAME_US - SAMPLE_US, read_s)


def test_frames_sent_out_of_order_after_a_held_up_device_do_not_restart_the_fit():
    sync = ClockSync()
    stream(sync, 10.0)
    held_s = CLOCK_STEP_BACK_S - 0.01   # the most the step-back rule lets through
    held_up(sync, 10_000_000, held_s)
    assert sync.restarts == 0
    device_us = 10_000_000 + round(held_s * 1e6)
    assert abs(sync.to_host_s(device_us) - true_host_s(device_us, 50.0)) < TOLERANCE_S


def test_a_clock_stepping_back_further_than_any_held_up_ring_is_a_restart():
    sync = ClockSync()
    stream(sync, 10.0)
    held_up(sync, 10_000_000, CLOCK_STEP_BACK_S + 0.02)
    assert sync.restarts >= 1


def test_a_busy_spell_of_a_few_seconds_does_not_move_the_mapping():
    sync = ClockSync()

    def busy_from_10_to_15_s(t_s):
        return 0.005 if 10.0 <= t_s < 15.0 else 0.0

    assert stream(sync, 30.0, extra_latency_s=busy_from_10_to_15_s) < TOLERANCE_S
    assert sync.restarts == 0


def test_a_latency_that_rises_for_good_is_followed_once_the_envelope_forgets():
    sync = ClockSync()

    def slower_after_10_s(t_s):
        return 0.030 if t_s >= 10.0 else 0.0

    stream(sync, 10.0 + ENVELOPE_S + 2.0, extra_latency_s=slower_after_10_s)
    # Every frame is now 30 ms late, and one-way pairs cannot tell that from
    # a clock 30 ms behind: the best a host can do is follow.
    last_us = round((10.0 + ENVELOPE_S + 1.99) * 1e6)
    assert abs(sync.to_host_s(last_us) - true_host_s(last_us, 50.0) - 0.030) < TOLERANCE_S
    assert sync.restarts == 0


def test_a_clock_that_never_ran_has_no_mapping():
    with pytest.raises(RuntimeError):
        ClockSync().to_host_s(0)
