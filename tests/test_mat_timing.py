"""Mat timing rules, each tested on both sides of its threshold."""

import pytest

from mat_script import backward_jumps, edges_from_script
from station.analysis.debounce import ZoneDebouncer
from station.analysis.events import Contact, Flight, SetEnd, SetStart, Summary
from station.analysis.pipeline import Pipeline
from station.analysis.rules import TimingRules
from station.readings import MatEdge


def run(start, edges, end_s, rules=None):
    pipeline = Pipeline(rules)
    events = pipeline.start(start)
    events += pipeline.feed(edges)
    return events + pipeline.finish(end_s)


def of(events, kind):
    return [event for event in events if isinstance(event, kind)]


def test_chatter_after_a_change_keeps_the_first_edge_time():
    zone = ZoneDebouncer(0.005, contact=False)
    for time_s, level in [(1.000, True), (1.001, False), (1.002, True), (1.004, False), (1.0045, True)]:
        assert zone.feed(time_s, level) == []
    assert zone.advance(1.010) == [(1.000, True)]


def test_chatter_ending_exactly_at_the_bounce_window_is_still_chatter():
    zone = ZoneDebouncer(0.005, contact=False)
    zone.feed(1.000, True)
    zone.feed(1.003, False)
    zone.feed(1.005, True)
    assert zone.advance(1.0051) == [(1.000, True)]


def test_a_pulse_back_to_the_old_level_within_the_window_is_no_change():
    zone = ZoneDebouncer(0.005, contact=True)
    zone.feed(2.000, False)
    zone.feed(2.0049, True)
    assert zone.advance(2.100) == []
    assert zone.level is True


def test_a_pulse_held_past_the_window_is_two_changes():
    zone = ZoneDebouncer(0.005, contact=True)
    changes = zone.feed(2.000, False) + zone.feed(2.0051, True) + zone.advance(2.100)
    assert changes == [(2.000, False), (2.0051, True)]


def test_a_change_is_not_decided_before_its_window_has_passed():
    zone = ZoneDebouncer(0.005, contact=False)
    zone.feed(1.000, True)
    assert zone.advance(1.005) == []
    assert zone.advance(1.006) == [(1.000, True)]


def test_bounce_on_landing_and_takeoff_makes_no_extra_phase():
    start, edges, end_s = edges_from_script(backward_jumps(1))
    noisy = []
    for edge in edges:
        noisy += [edge, MatEdge(edge.time_s + 0.001, edge.zone, not edge.contact),
                  MatEdge(edge.time_s + 0.004, edge.zone, edge.contact)]
    clean_events = run(start, edges, end_s)
    noisy_events = run(start, noisy, end_s)
    assert [e.to_json() for e in noisy_events] == [e.to_json() for e in clean_events]
    assert [f.duration_s for f in of(noisy_events, Flight)] == pytest.approx([0.3, 0.3])


@pytest.mark.parametrize("air_s, flights", [(0.079, 0), (0.080, 1)])
def test_a_flight_needs_min_flight_s(air_s, flights):
    start, edges, end_s = edges_from_script([("mat", 1.0), (None, air_s), ("mat", 1.0)])
    events = run(start, edges, end_s)
    assert len(of(events, Flight)) == flights
    assert len(of(events, Contact)) == flights + 1


def test_a_too_short_flight_merges_the_contacts_around_it():
    start, edges, end_s = edges_from_script([("mat", 1.0), (None, 0.3), ("mat", 0.4),
                                             (None, 0.05), ("mat", 0.4), (None, 0.3), ("mat", 1.0)])
    contacts = of(run(start, edges, end_s), Contact)
    assert [c.duration_s for c in contacts[1:2]] == pytest.approx([0.85])


@pytest.mark.parametrize("contact_s, flights", [(0.049, 1), (0.050, 2)])
def test_a_contact_between_flights_needs_min_contact_s(contact_s, flights):
    start, edges, end_s = edges_from_script([("mat", 1.0), (None, 0.2), ("mat", contact_s),
                                             (None, 0.2), ("mat", 1.0)])
    found = of(run(start, edges, end_s), Flight)
    assert len(found) == flights
    assert found[0].takeoff_s == pytest.approx(1.0)
    assert found[-1].landing_s == pytest.approx(1.4 + contact_s)


@pytest.mark.parametrize("off_s, stepped_off", [(1.5, False), (1.501, True)])
def test_longer_than_step_off_s_off_the_mat_ends_the_set(off_s, stepped_off):
    start, edges, end_s = edges_from_script([("front", 1.0), (None, off_s), ("front", 1.0)])
    events = run(start, edges, end_s)
    sets = of(events, SetEnd)
    assert len(of(events, Flight)) == (0 if stepped_off else 1)
    assert [s.ended_by for s in sets] == (["step_off", "end"] if stepped_off else ["end"])


def test_stepping_back_on_is_not_a_landing():
    start, edges, end_s = edges_from_script([("front", 1.0), (None, 3.0), ("front", 1.0)])
    contacts = of(run(start, edges, end_s), Contact)
    assert contacts[1].start_s == pytest.approx(4.0)
    assert contacts[1].landed is False
    assert contacts[0].end_s == pytest.approx(1.0)


def test_a_set_ends_at_the_take_off_of_the_step_off():
    start, edges, end_s = edges_from_script(backward_jumps(2) + [(None, 2.0), ("front", 1.0)])
    first = of(run(start, edges, end_s), SetEnd)[0]
    assert first.end_s == pytest.approx(1.0 + 2 * 1.4)
    assert (first.reps, first.valid_reps) == (2, 2)


def test_a_contact_open_at_either_end_of_the_data_has_no_time_there():
    start, edges, end_s = edges_from_script([("front", 1.0), (None, 0.3), ("back", 1.0)])
    contacts = of(run(start, edges, end_s), Contact)
    assert contacts[0].start_s is None and contacts[0].duration_s is None
    assert contacts[-1].end_s is None


def test_a_flight_still_in_the_air_when_the_data_ends_is_not_reported():
    start, edges, end_s = edges_from_script([("front", 1.0), (None, 0.4)])
    events = run(start, edges, end_s)
    assert of(events, Flight) == []
    assert of(events, Contact)[0].end_s == pytest.approx(1.0)


def test_rsi_is_the_next_flight_height_over_a_landed_contact():
    start, edges, end_s = edges_from_script(backward_jumps(1, flight_s=0.4, rebound_s=0.25))
    rebound = of(run(start, edges, end_s), Contact)[1]
    assert rebound.rsi == pytest.approx(9.81 * 0.4 ** 2 / 8 / 0.25)


def test_the_standing_contact_has_no_rsi():
    start, edges, end_s = edges_from_script(backward_jumps(1))
    assert of(run(start, edges, end_s), Contact)[0].rsi is None


def test_flight_height_follows_g_t_squared_over_8():
    start, edges, end_s = edges_from_script(backward_jumps(1, flight_s=0.45))
    assert of(run(start, edges, end_s), Flight)[0].height_m == pytest.approx(0.2483, abs=1e-4)


def test_summary_counts_reps_flights_and_duration():
    start, edges, end_s = edges_from_script(backward_jumps(4))
    summary = run(start, edges, end_s)[-1]
    assert isinstance(summary, Summary)
    assert (summary.reps, summary.valid_reps, summary.flights) == (4, 4, 8)
    assert summary.duration_s == pytest.approx(end_s)


@pytest.mark.parametrize("rule, value", [("bounce_s", 0), ("min_flight_s", -1), ("step_off_s", 0.5),
                                         ("bounce_s", 0.06), ("max_rebound_contact_s", 0.01)])
def test_contradictory_rules_are_refused_with_the_rule_named(rule, value):
    with pytest.raises(ValueError, match=rule):
        TimingRules(**{rule: value})


def test_rules_from_a_table_refuse_unknown_keys():
    with pytest.raises(ValueError, match="min_flihgt_s"):
        TimingRules.from_mapping({"min_flihgt_s": 0.1})


def test_rules_are_configurable():
    start, edges, end_s = edges_from_script([("mat", 1.0), (None, 0.09), ("mat", 1.0)])
    assert len(of(run(start, edges, end_s, TimingRules(min_flight_s=0.1)), Flight)) == 0


def test_a_set_starts_when_the_data_starts_on_the_mat():
    start, edges, end_s = edges_from_script(backward_jumps(1))
    first = run(start, edges, end_s)[0]
    assert isinstance(first, SetStart) and (first.index, first.start_s) == (1, 0.0)


def test_a_set_starts_when_someone_steps_on_and_stays_min_contact_s():
    start, edges, end_s = edges_from_script([(None, 1.0), ("front", 0.049), (None, 1.0),
                                             ("front", 0.05), (None, 1.0)])
    starts = of(run(start, edges, end_s), SetStart)
    assert [(s.index, s.start_s) for s in starts] == [(1, pytest.approx(2.049))]
