"""The Chronopic: its frames, its timeline, and the source against the emulator.

The end-to-end tests run the real serial driver (pyserial) on a real
pseudo-terminal, with the emulator playing a simulated athlete on the other
side. The emulator sends faster than real time; the Chronopic counts
durations itself, so durations stay exact whatever the speed, while the
anchoring of the timeline to the host clock follows the speed up.
"""

import itertools
import math
import os
import time
import tty

import pytest
from waiting import wait_until

from station.analysis.events import Contact, Flight
from station.analysis.pipeline import Pipeline
from station.commands.doctor import check_device_counts
from station.errors import UserError
from station.readings import MAT
from station.service.checks import NOTE
from station.sources import chronopic as chronopic_module
from station.sources.athlete import CONTACT, FLIGHT, OFF, SimulatedAthlete, TruePhase
from station.sources.chronopic import Chronopic
from station.sources.chronopic_emulator import ChronopicEmulator
from station.sources.chronopic_protocol import (
    CHANGE_DELAY_S, Change, ChronopicDecoder, ChronopicTimeline, StateReply, encode_change)
from station.sources.device_status import DeviceStatus

TICK_S = 8e-6
#: Measured against the truth: the pipeline's float arithmetic only.
EXACT_S = 1e-9
#: The target for a Chronopic: a tenth of a millisecond, plus the tick.
TARGET_S = 0.0001 + TICK_S
#: How far the host's view of an arrival may be off on a pseudo-terminal.
ARRIVAL_S = 0.02
#: Each count drops the fraction of a tick, so the chained times fall behind
#: the truth by under a tick per change: this finds the phase, not its time.
MATCH_S = 0.002


# -- frames --------------------------------------------------------------

def test_the_documented_frames_decode_to_their_durations():
    decoder = ChronopicDecoder()
    take_off, landing = decoder.feed(bytes.fromhex("58 00 00 C3 50 58 01 00 F4 24"))
    assert take_off == Change(contact=False, ticks=50_000) and take_off.duration_us == 400_000
    assert landing == Change(contact=True, ticks=62_500) and landing.duration_us == 500_000


def test_frames_decode_the_same_however_the_bytes_are_split():
    stream = encode_change(False, 123_456) + encode_change(True, 0xFFFFFF) + encode_change(False, 1)
    decoder = ChronopicDecoder()
    frames = [frame for byte in stream for frame in decoder.feed(bytes((byte,)))]
    assert frames == ChronopicDecoder().feed(stream)
    assert frames == [Change(False, 123_456), Change(True, 0xFFFFFF), Change(False, 1)]


def test_garbage_between_frames_is_skipped_and_counted():
    decoder = ChronopicDecoder()
    stream = (b"\x13\x00\x01" + encode_change(False, 100) + b"\xff\x58\x07"
              + encode_change(True, 200) + b"\x42")
    assert decoder.feed(stream) == [Change(False, 100), Change(True, 200)]
    assert decoder.stats.discarded == 7


def test_a_forged_header_that_does_not_alternate_is_skipped():
    decoder = ChronopicDecoder()
    stream = encode_change(False, 100) + b"\x99" + b"\x58\x00" + encode_change(True, 200)
    assert decoder.feed(stream) == [Change(False, 100), Change(True, 200)]
    assert decoder.stats.discarded == 3


def test_a_state_reply_is_taken_only_when_one_was_asked_for():
    decoder = ChronopicDecoder()
    assert decoder.feed(b"E\x01") == []
    decoder.awaiting_state = True
    assert decoder.feed(b"E\x01") == [StateReply(True)]
    assert decoder.stats.discarded == 2


# -- the timeline --------------------------------------------------------

def test_the_first_change_is_placed_by_arrival_and_the_next_by_its_count():
    timeline = ChronopicTimeline(origin_s=100.0, floor_s=0.0, contact=True)
    (take_off_s, _), = timeline.place(Change(False, 0), received_s=103.0)
    (landing_s, contact), = timeline.place(Change(True, 41_667), received_s=103.9)
    assert take_off_s == round(3.0 - CHANGE_DELAY_S, 6)
    assert (landing_s, contact) == (take_off_s + 0.333336, True)


def test_a_chain_of_counts_does_not_drift():
    timeline = ChronopicTimeline(origin_s=0.0, floor_s=0.0, contact=True)
    (first_s, _), = timeline.place(Change(False, 0), received_s=1.0)
    for index in range(1, 10_001):
        (last_s, _), = timeline.place(Change(index % 2 == 1, 37_501), received_s=1.0)
    assert last_s - first_s == pytest.approx(10_000 * 37_501 * TICK_S, abs=EXACT_S)


def test_a_saturated_count_is_placed_by_arrival():
    timeline = ChronopicTimeline(origin_s=0.0, floor_s=0.0, contact=True)
    timeline.place(Change(False, 0), received_s=1.0)
    (step_on_s, _), = timeline.place(Change(True, 0xFFFFFF), received_s=40.0)
    assert step_on_s == round(40.0 - CHANGE_DELAY_S, 6)
    assert timeline.anchors == 2


def test_a_state_that_does_not_alternate_brings_back_the_lost_change():
    timeline = ChronopicTimeline(origin_s=0.0, floor_s=0.0, contact=True)
    timeline.place(Change(False, 0), received_s=1.0)
    # The landing was lost; the next take-off counts the contact it ended.
    edges = timeline.place(Change(False, 25_000), received_s=2.0)
    arrival_s = round(2.0 - CHANGE_DELAY_S, 6)
    assert edges == [(round(arrival_s - 0.2, 6), True), (arrival_s, False)]
    assert timeline.lost_changes == 1


# -- the source, against the emulator -----------------------------------

@pytest.fixture
def emulators(closing):
    """Start emulators; every one is stopped after the test."""

    def start(phases, **options):
        emulator = closing(ChronopicEmulator(phases, **options), "stop")
        emulator.start()
        return emulator

    return start


@pytest.fixture
def chronopics(closing):
    """Open Chronopic sources; every one is closed after the test."""
    return lambda path, **options: closing(Chronopic(path, **options))


def _wait_for(condition, timeout_s):
    assert wait_until(condition, timeout_s, poll_s=0.01), "timed out"


def _play(emulator, chronopic, phases):
    """Run the emulator through ``phases``; the pipeline's events of all it sent."""
    start = chronopic.start()
    _wait_for(lambda: len(emulator.truth) == len(phases) - 1, timeout_s=30.0)
    _wait_for(lambda: chronopic.stats.changes == emulator.changes_sent, timeout_s=2.0)
    edges = chronopic.read(float("inf"))
    pipeline = Pipeline()
    events = pipeline.start(start) + pipeline.feed(edges)
    return edges, events + pipeline.finish(edges[-1].time_s + 2.0)


def _athlete(seed, until_s):
    return list(itertools.takewhile(lambda phase: phase.start_s < until_s,
                                    SimulatedAthlete(seed).phases()))


def _quantised_s(phase):
    return math.floor(phase.duration_s / TICK_S) * TICK_S


def _check_against_truth(events, truth):
    """Every true flight, and every contact between two flights, to a tick."""
    flights = [event for event in events if isinstance(event, Flight)]
    true_flights = [phase for phase in truth if phase.kind == FLIGHT]
    assert len(flights) == len(true_flights) > 10
    offset_s = flights[0].takeoff_s - true_flights[0].start_s
    errors_s = []
    for flight, phase in zip(flights, true_flights):
        measured_s = flight.landing_s - flight.takeoff_s
        assert measured_s == pytest.approx(_quantised_s(phase), abs=EXACT_S)
        assert flight.takeoff_s == pytest.approx(phase.start_s + offset_s, abs=MATCH_S)
        errors_s.append(abs(measured_s - phase.duration_s))
    contacts = [event for event in events if isinstance(event, Contact) and event.duration_s is not None]
    rebounds = [phase for before, phase, after in zip(truth, truth[1:], truth[2:])
                if phase.kind == CONTACT and before.kind == FLIGHT and after.kind == FLIGHT]
    assert len(rebounds) > 10
    for phase in rebounds:
        contact = min(contacts, key=lambda event: abs(event.start_s - phase.start_s - offset_s))
        assert contact.start_s == pytest.approx(phase.start_s + offset_s, abs=MATCH_S)
        assert contact.duration_s == pytest.approx(_quantised_s(phase), abs=EXACT_S)
        errors_s.append(abs(contact.duration_s - phase.duration_s))
    assert max(errors_s) <= TARGET_S
    return max(errors_s)


def test_every_flight_and_contact_is_timed_to_a_tick(emulators, chronopics):
    phases = _athlete(seed=3, until_s=40.0)
    emulator = emulators(phases, speed=10.0)
    chronopic = chronopics(emulator.path)
    edges, events = _play(emulator, chronopic, phases)
    _check_against_truth(events, emulator.truth)
    assert chronopic.stats.anchors == 1
    assert chronopic.stats.discarded == 0


def test_garbage_between_frames_is_skipped_and_counted_on_the_wire(emulators, chronopics):
    phases = _athlete(seed=5, until_s=40.0)
    emulator = emulators(phases, speed=10.0, garbage_chance=0.5, seed=1)
    chronopic = chronopics(emulator.path)
    edges, events = _play(emulator, chronopic, phases)
    _check_against_truth(events, emulator.truth)
    assert emulator.garbage_sent > 0
    assert chronopic.stats.discarded == emulator.garbage_sent


def test_changes_nobody_reads_in_time_are_dropped_and_counted_for_the_doctor(emulators, chronopics,
                                                                             monkeypatch, tmp_path):
    monkeypatch.setattr(chronopic_module, "QUEUE_FRAMES", 5)
    phases = _athlete(seed=3, until_s=40.0)
    emulator = emulators(phases, speed=10.0)
    chronopic = chronopics(emulator.path)
    chronopic.start()
    # The main loop stalls: nothing is read while the changes come.
    _wait_for(lambda: chronopic.stats.dropped > 0, timeout_s=30.0)
    assert len(chronopic.read(float("inf"))) <= 5
    [counted] = chronopic.device_counts()
    assert counted.device == f"Chronopic at {emulator.path}"
    assert counted.counts["dropped"] == chronopic.stats.dropped
    DeviceStatus(tmp_path, chronopic).update()
    [(kind, line)] = check_device_counts(tmp_path)
    assert kind == NOTE and line.startswith(f"Chronopic at {emulator.path}, running station")
    assert "changes the station could not keep up with" in line


def _scripted(*kinds_and_durations):
    phases, start_s = [], 0.0
    for kind, duration_s in kinds_and_durations:
        phases.append(TruePhase(kind, start_s, start_s + duration_s))
        start_s += duration_s
    return phases


def test_a_saturated_count_places_the_change_by_the_host_clock(emulators, chronopics):
    speed = 200.0
    # Short phases before the step-off: at this speed the counted (true)
    # durations run 200 times ahead of the host clock that places the step-on.
    phases = _scripted((CONTACT, 100.0), (FLIGHT, 0.3), (CONTACT, 0.2), (OFF, 140.0),
                       (CONTACT, 1.0), (FLIGHT, 0.4), (CONTACT, 5.0))
    emulator = emulators(phases, speed=speed)
    origin_s = time.monotonic()
    chronopic = chronopics(emulator.path, origin_s=origin_s)
    edges, events = _play(emulator, chronopic, phases)
    take_off, landing, step_off, step_on, take_off_2, landing_2 = edges
    sent_s = emulator.started_s + (phases[4].start_s + CHANGE_DELAY_S) / speed
    assert step_on.contact and step_on.time_s == pytest.approx(sent_s - CHANGE_DELAY_S - origin_s,
                                                               abs=ARRIVAL_S)
    assert step_on.time_s - step_off.time_s < 2.0  # not the 134 s the count saturated at
    assert landing_2.time_s - take_off_2.time_s == pytest.approx(_quantised_s(phases[5]), abs=EXACT_S)
    assert landing.time_s - take_off.time_s == pytest.approx(_quantised_s(phases[1]), abs=EXACT_S)
    assert chronopic.stats.anchors == 2


def test_in_real_time_the_first_change_is_placed_when_it_happened(emulators, chronopics):
    phases = _scripted((CONTACT, 0.4), (FLIGHT, 0.3), (CONTACT, 1.0))
    emulator = emulators(phases)
    origin_s = time.monotonic()
    chronopic = chronopics(emulator.path, origin_s=origin_s)
    edges, _ = _play(emulator, chronopic, phases)
    take_off, landing = edges
    assert take_off.time_s == pytest.approx(emulator.started_s + 0.4 - origin_s, abs=ARRIVAL_S)
    assert landing.time_s - take_off.time_s == pytest.approx(_quantised_s(phases[1]), abs=EXACT_S)


@pytest.mark.parametrize("first, contact", [(CONTACT, True), (OFF, False)])
def test_the_state_query_gives_the_level_at_start(emulators, chronopics, first, contact):
    emulator = emulators(_scripted((first, 60.0), (FLIGHT, 0.3)))
    assert chronopics(emulator.path).start().contact_by_zone == {MAT: contact}


def test_a_port_where_no_chronopic_answers_is_a_user_error(chronopics):
    master, slave = os.openpty()
    tty.setraw(slave)
    path = os.ttyname(slave)
    began_s = time.monotonic()
    try:
        with pytest.raises(UserError) as raised:
            chronopics(path).start()
    finally:
        os.close(master)
        os.close(slave)
    assert str(raised.value) == (f"No Chronopic answered on {path}; check the cable and that no "
                                 "other program (Chronojump) has the port open.")
    assert time.monotonic() - began_s < 1.5


def test_a_missing_port_is_a_user_error(chronopics):
    with pytest.raises(UserError, match="No Chronopic at /dev/ttyUSB-missing: plug it in"):
        chronopics("/dev/ttyUSB-missing").start()


def test_unplugging_gives_a_problem_sentence_and_no_crash(emulators, chronopics):
    emulator = emulators(SimulatedAthlete(seed=1).phases(), speed=10.0)
    chronopic = chronopics(emulator.path)
    chronopic.start()
    time.sleep(0.5)
    emulator.stop()
    _wait_for(lambda: chronopic.problem is not None, timeout_s=2.0)
    assert chronopic.problem == f"The Chronopic at {emulator.path} was unplugged; plug it back in."
    assert not chronopic.connected
    edges = chronopic.read(float("inf"))
    time.sleep(0.6)  # a retry to open the port, which is gone
    assert chronopic.read(float("inf")) == []
    assert all(edge.zone == MAT for edge in edges)
