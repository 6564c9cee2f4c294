"""Real force-plate recordings (tests/data/recordings, see SOURCES.md there):
the detectors find exactly the listed jumps with sensible flight times."""

from pathlib import Path

import pytest

from station.analysis.events import Contact, Flight, SetEnd
from station.analysis.pipeline import analyse
from station.sources.recording import RecordingSource, read_recording

RECORDINGS = Path(__file__).parent / "data" / "recordings"

# file: (flights, (shortest, longest) flight in s) from SOURCES.md, which
# found them with a plain 20 N threshold; a detector may differ by a few ms.
EXPECTED = {
    "gidiel-cmj.csv": (1, (0.50, 0.52)),
    "gidiel-sj.csv": (1, (0.46, 0.48)),
    "gidiel-dj.csv": (1, (0.48, 0.50)),
    "acl-bfr003-sj.csv": (3, (0.285, 0.315)),
    "acl-bfr010-sj.csv": (3, (0.305, 0.335)),
}


def events_of(name):
    return analyse(RecordingSource(read_recording(RECORDINGS / name)))


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_the_listed_jumps_are_found_with_their_flight_times(name):
    count, (shortest_s, longest_s) = EXPECTED[name]
    flights = [e for e in events_of(name) if isinstance(e, Flight)]
    assert len(flights) == count
    assert all(shortest_s <= f.duration_s <= longest_s for f in flights)


def test_body_weight_comes_from_the_first_quiet_second():
    set_end = next(e for e in events_of("gidiel-cmj.csv") if isinstance(e, SetEnd))
    assert set_end.body_weight_n == pytest.approx(660, abs=10)


def test_a_drop_jump_starts_with_a_landing_onto_an_empty_plate():
    events = events_of("gidiel-dj.csv")
    contacts = [e for e in events if isinstance(e, Contact)]
    first = contacts[0]
    assert first.start_s == pytest.approx(1.893, abs=0.003)
    assert first.landing["peak_force_n"] > 2000
    assert 0.2 < first.duration_s < 0.3   # the drop jump's contact time


def test_stiff_squat_jump_landings_rate_hard_and_countermovement_ones_do_not():
    sj = [c for c in events_of("gidiel-sj.csv") if isinstance(c, Contact) and c.landing][0]
    cmj = [c for c in events_of("gidiel-cmj.csv") if isinstance(c, Contact) and c.landing][0]
    assert sj.landing["rating"] == "hard" and sj.landing["peak_force_bw"] > 5.5
    assert cmj.landing["rating"] == "firm" and 3.0 < cmj.landing["peak_force_bw"] < 4.0


def test_a_plate_that_reads_exactly_zero_in_flight_still_times_flights():
    flights = [e for e in events_of("acl-bfr003-sj.csv") if isinstance(e, Flight)]
    assert [round(f.duration_s, 2) for f in flights] == [0.29, 0.31, 0.30]
