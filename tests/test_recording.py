"""Recording format 1 (docs/recording-format.md): reading, writing, and
playing a recording back as a source."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from station.errors import UserError
from station.readings import BACK, FRONT, MAT, ONE_ZONE, TWO_ZONES, ForceBlock, MatEdge, MatStart
from station.sources.recording import (
    Recording, RecordingError, RecordingSource, read_recording, recording_from_readings,
    write_recording)

DATA = Path(__file__).parent / "data"
BAD = DATA / "bad"
RECORDINGS = DATA / "recordings"
EVERYTHING = math.inf


def write_text(tmp_path: Path, text: str, name: str = "recording.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8", newline="")
    return path


def refusal(path: Path) -> RecordingError:
    with pytest.raises(RecordingError) as caught:
        read_recording(path)
    return caught.value


def edges_of(readings) -> list[MatEdge]:
    return [reading for reading in readings if isinstance(reading, MatEdge)]


def blocks_of(readings) -> list[ForceBlock]:
    return [reading for reading in readings if isinstance(reading, ForceBlock)]


def samples_of(readings) -> tuple[np.ndarray, np.ndarray]:
    blocks = blocks_of(readings)
    if not blocks:
        return np.empty(0), np.empty(0)
    return (np.concatenate([block.time_s for block in blocks]),
            np.concatenate([block.fz_n for block in blocks]))


# --- Files the station refuses -------------------------------------------------

BAD_FILES = [
    pytest.param("not-utf8.csv", 3, None, "not UTF-8", id="text that is not UTF-8"),
    pytest.param("only-comments.csv", 3, None, "no header row", id="no header after the comments"),
    pytest.param("no-header.csv", 2, None, "is not a header row", id="numbers where the header should be"),
    pytest.param("no-time-column.csv", 2, None, "no 'time_s' column", id="no time_s column"),
    pytest.param("no-mat-or-force-column.csv", 2, None, "no mat or force column",
                 id="no mat or force column"),
    pytest.param("front-zone-alone.csv", 2, "mat_front", "no 'mat_back' column",
                 id="mat_front without mat_back"),
    pytest.param("three-corners.csv", 2, "f_fl", "no 'f_br' column", id="three of four corners"),
    pytest.param("one-and-two-zones.csv", 2, "mat", "both 'mat' and 'mat_front'",
                 id="one-zone and two-zone columns together"),
    pytest.param("repeated-column.csv", 2, "fz", "appears twice", id="a column named twice"),
    pytest.param("short-row.csv", 6, None, "the row has 2 cells but the header on line 2 names 3",
                 id="a row with too few cells"),
    pytest.param("not-a-number.csv", 5, "fz", "'abc' is not a number", id="a cell that is not a number"),
    pytest.param("nan-force.csv", 4, "fz", "'nan' is not a finite number", id="nan"),
    pytest.param("infinite-time.csv", 4, "time_s", "'inf' is not a finite number", id="inf"),
    pytest.param("mat-not-0-or-1.csv", 5, "mat_back", "'2' is not 0 or 1", id="a mat value of 2"),
    pytest.param("empty-mat-cell.csv", 4, "mat", "the cell is empty", id="an empty mat cell"),
    pytest.param("empty-time-cell.csv", 4, "time_s", "the cell is empty", id="an empty time cell"),
    pytest.param("some-force-cells-empty.csv", 4, "f_fr", "all force cells of a row empty",
                 id="some but not all force cells empty"),
    pytest.param("empty-force-without-mat.csv", 4, "fz", "only in a file that also has mat",
                 id="an empty force cell without a mat"),
    pytest.param("time-goes-back.csv", 6, "time_s", "time 1.2 s goes back from 1.300 s on line 5",
                 id="time going back"),
    pytest.param("no-data-rows.csv", 3, None, "no rows of samples", id="a header and no rows"),
    pytest.param("version-2.csv", 1, None, "format '2' is not supported by this station",
                 id="an unsupported version"),
    pytest.param("body-mass-not-a-number.csv", 2, None, "body_mass_kg 'heavy' is not a positive number",
                 id="known metadata that is not a number"),
    pytest.param("negative-sample-rate.csv", 3, None, "sample_rate_hz '-5' is not a positive number",
                 id="known metadata that is not positive"),
]


@pytest.mark.parametrize("name, line, column, says", BAD_FILES)
def test_a_bad_file_is_refused_naming_its_line_and_column(name, line, column, says):
    error = refusal(BAD / name)
    assert (error.line, error.column) == (line, column)
    where = f"{BAD / name}: line {line}" + (f", column '{column}': " if column else ": ")
    assert str(error).startswith(where)
    assert says in str(error)


@pytest.mark.parametrize("name", [param.values[0] for param in BAD_FILES] + ["empty.csv"])
def test_a_refusal_is_one_sentence_a_user_can_act_on(name):
    error = refusal(BAD / name)
    assert isinstance(error, UserError)
    assert "\n" not in str(error)
    assert str(error).endswith(".")
    assert "; " in str(error)  # what is wrong; what to do


def test_a_missing_file_is_refused(tmp_path):
    error = refusal(tmp_path / "missing.csv")
    assert "cannot read the file" in str(error)
    assert error.line is None


def test_a_folder_given_as_the_file_is_refused(tmp_path):
    assert "cannot read the file" in str(refusal(tmp_path))


def test_an_empty_file_is_refused():
    error = refusal(BAD / "empty.csv")
    assert "the file is empty" in str(error)
    assert error.line is None


def test_a_file_of_blank_lines_is_empty(tmp_path):
    assert "the file is empty" in str(refusal(write_text(tmp_path, "\n  \n\n")))


def long_file(rows: int, bad: dict[int, str]) -> str:
    """A valid mat and force file with ``rows`` rows, a comment every 100 rows,
    and the line numbers in ``bad`` replaced by their text."""
    lines = ["# jumpmat-recording 1", "time_s,mat,fz"]
    for k in range(rows):
        if k % 100 == 50:
            lines.append("# a comment in the middle")
        lines.append(f"{k / 1000:.6f},{(k // 300) % 2},{700 + k % 7:.2f}")
    for line, text in bad.items():
        lines[line - 1] = text
    return "\n".join(lines) + "\n"


def test_a_bad_cell_deep_in_a_long_file_is_named_exactly(tmp_path):
    error = refusal(write_text(tmp_path, long_file(5000, {4321: "4.300000,1,7OO.00"})))
    assert (error.line, error.column) == (4321, "fz")
    assert "'7OO.00' is not a number" in str(error)


def test_the_first_of_several_bad_lines_is_named(tmp_path):
    path = write_text(tmp_path, long_file(3000, {1500: "0.100000,1,700.00", 2500: "2.4,1,abc"}))
    error = refusal(path)
    assert (error.line, error.column) == (1500, "time_s")
    assert "time 0.100000 s goes back" in str(error)


def test_a_row_with_an_extra_cell_is_refused(tmp_path):
    error = refusal(write_text(tmp_path, long_file(1000, {800: "0.797000,1,700.00,5"})))
    assert error.line == 800
    assert "the row has 4 cells" in str(error)


def test_an_empty_cell_deep_in_a_long_file_is_named(tmp_path):
    error = refusal(write_text(tmp_path, long_file(2000, {1234: ",1,700.00"})))
    assert (error.line, error.column) == (1234, "time_s")


def test_digits_python_would_take_but_the_format_does_not_are_refused(tmp_path):
    path = write_text(tmp_path, "time_s,fz\n0.0,700\n0.001,7_00\n")
    assert "'7_00' is not a number" in str(refusal(path))


# --- The real force-plate recordings ---------------------------------------------

@pytest.mark.parametrize("name, rows", [
    ("gidiel-cmj.csv", 5000), ("gidiel-dj.csv", 5000), ("gidiel-sj.csv", 5000),
    ("acl-bfr003-sj.csv", 12080), ("acl-bfr010-sj.csv", 7850)])
def test_the_real_recordings_read_as_1_khz_force_without_a_mat(name, rows):
    recording = read_recording(RECORDINGS / name)
    assert recording.time_s.shape == (rows,)
    assert recording.has_force and not recording.has_mat
    assert recording.zones == ()
    assert recording.sample_rate_hz == 1000
    assert not np.isnan(recording.fz_n).any()
    np.testing.assert_allclose(np.diff(recording.time_s), 0.001, atol=1e-9)
    assert "MIT" in recording.metadata["source"]


def test_the_real_recordings_come_with_their_licenses():
    assert (RECORDINGS / "LICENSE-gidiel-machado.txt").is_file()
    assert (RECORDINGS / "LICENSE-andrewlba.txt").is_file()
    assert "gidiel-cmj.csv" in (RECORDINGS / "SOURCES.md").read_text(encoding="utf-8")


def test_a_real_recording_starts_at_its_standing_weight():
    recording = read_recording(RECORDINGS / "gidiel-cmj.csv")
    assert recording.time_s[0] == 0.0
    assert recording.fz_n[:3].tolist() == [661.16, 661.14, 661.14]


# --- What a file reads as ---------------------------------------------------------

def test_a_one_zone_mat_file_has_the_mat_zone(tmp_path):
    recording = read_recording(write_text(tmp_path, "time_s,mat\n0.0,1\n0.4,0\n0.9,1\n"))
    assert recording.zones == ONE_ZONE
    assert recording.mat[MAT].tolist() == [True, False, True]
    assert recording.mat[MAT].dtype == bool
    assert recording.fz_n is None and recording.corners_n is None
    assert not recording.has_force


def test_a_two_zone_mat_file_has_front_and_back(tmp_path):
    recording = read_recording(write_text(
        tmp_path, "time_s,mat_back,mat_front\n0.0,0,1\n0.5,0,0\n0.8,1,0\n"))
    assert recording.zones == TWO_ZONES
    assert recording.mat[FRONT].tolist() == [True, False, False]
    assert recording.mat[BACK].tolist() == [False, False, True]


def test_corner_forces_add_up_to_fz(tmp_path):
    recording = read_recording(write_text(
        tmp_path, "time_s,f_fl,f_fr,f_bl,f_br\n0.0,1,2,3,4\n0.001,10,20,30,40.5\n"))
    assert recording.corners_n.tolist() == [[1, 2, 3, 4], [10, 20, 30, 40.5]]
    assert recording.fz_n.tolist() == [10, 100.5]


def test_fz_is_ignored_when_the_corners_are_there(tmp_path):
    recording = read_recording(write_text(
        tmp_path, "time_s,fz,f_fl,f_fr,f_bl,f_br\n0.0,n/a,1,2,3,4\n0.001,,1,1,1,1\n"))
    assert recording.fz_n.tolist() == [10, 4]


def test_a_row_with_all_force_cells_empty_carries_only_a_mat_change(tmp_path):
    recording = read_recording(write_text(
        tmp_path, "time_s,mat,f_fl,f_fr,f_bl,f_br\n0.000,1,1,1,1,1\n0.0004,0,,,,\n0.001,0,2,2,2,2\n"))
    assert recording.mat[MAT].tolist() == [True, False, False]
    assert np.isnan(recording.fz_n).tolist() == [False, True, False]
    assert np.isnan(recording.corners_n[1]).all()


def test_rows_may_share_a_time(tmp_path):
    recording = read_recording(write_text(tmp_path, "time_s,mat\n0.5,1\n0.5,0\n0.5,1\n"))
    assert recording.time_s.tolist() == [0.5, 0.5, 0.5]


def test_unknown_columns_are_ignored_whatever_they_hold(tmp_path):
    recording = read_recording(write_text(
        tmp_path, "time_s,camera,mat,note\n0.0,frame 1,1,\n0.5,frame 2,0,left early\n"))
    assert recording.zones == ONE_ZONE
    assert recording.mat[MAT].tolist() == [True, False]


def test_the_version_line_is_optional(tmp_path):
    rows = "time_s,mat,fz\n0.0,1,700\n0.001,0,0\n"
    with_line = read_recording(write_text(tmp_path, "# jumpmat-recording 1\n" + rows, "a.csv"))
    without = read_recording(write_text(tmp_path, rows, "b.csv"))
    assert with_line.time_s.tolist() == without.time_s.tolist()
    assert with_line.fz_n.tolist() == without.fz_n.tolist()


def test_windows_line_endings_and_a_byte_order_mark_are_accepted(tmp_path):
    text = "\ufeff# jumpmat-recording 1\r\ntime_s,mat\r\n0.0,1\r\n0.25,oops\r\n"
    error = refusal(write_text(tmp_path, text))
    assert (error.line, error.column) == (4, "mat")
    recording = read_recording(write_text(tmp_path, text.replace("oops", "0"), "ok.csv"))
    assert recording.mat[MAT].tolist() == [True, False]


def test_blank_lines_and_comments_between_rows_are_skipped(tmp_path):
    recording = read_recording(write_text(
        tmp_path, "time_s,mat\n\n0.0,1\n# the athlete stepped off\n\n0.5,0\n"))
    assert recording.time_s.tolist() == [0.0, 0.5]


def test_metadata_lines_are_kept_as_text_and_known_keys_read_as_numbers(tmp_path):
    recording = read_recording(write_text(tmp_path, (
        "# jumpmat-recording 1\n# sample_rate_hz: 500\n# body_mass_kg:72.5\n"
        "#plate_width_m : 0.6\n# athlete: A. Smith: junior\n# just a remark\n"
        "# recorded at 10:30\ntime_s,mat\n0.0,1\n")))
    assert recording.metadata == {"sample_rate_hz": "500", "body_mass_kg": "72.5",
                                  "plate_width_m": "0.6", "athlete": "A. Smith: junior"}
    assert (recording.sample_rate_hz, recording.body_mass_kg) == (500.0, 72.5)
    assert (recording.plate_width_m, recording.plate_depth_m) == (0.6, None)


def test_a_metadata_key_given_twice_keeps_the_later_value(tmp_path):
    recording = read_recording(write_text(
        tmp_path, "# body_mass_kg: 70\ntime_s,mat\n# body_mass_kg: 71\n0.0,1\n"))
    assert recording.body_mass_kg == 71.0


# --- Writing -----------------------------------------------------------------------

def session_recording() -> Recording:
    corners = np.array([[175.123, 174.5, 176.0, 175.0], [np.nan] * 4, [10.0, 0.004, -0.3, 0.0]])
    return Recording(
        time_s=np.array([0.0, 0.0004567891, 0.001]),
        mat={FRONT: np.array([True, False, False]), BACK: np.array([False, False, True])},
        fz_n=corners.sum(axis=1), corners_n=corners,
        metadata={"sample_rate_hz": "1000", "athlete": "A. Smith"})


def test_a_written_file_is_format_1_text_a_person_can_read(tmp_path):
    path = tmp_path / "session.csv"
    write_recording(path, session_recording())
    assert path.read_text(encoding="utf-8") == (
        "# jumpmat-recording 1\n"
        "# sample_rate_hz: 1000\n"
        "# athlete: A. Smith\n"
        "time_s,mat_front,mat_back,f_fl,f_fr,f_bl,f_br\n"
        "0.000000,1,0,175.12,174.50,176.00,175.00\n"
        "0.000457,0,0,,,,\n"
        "0.001000,0,1,10.00,0.00,-0.30,0.00\n")


def test_a_written_recording_reads_back_the_same(tmp_path):
    original = session_recording()
    write_recording(tmp_path / "session.csv", original)
    copy = read_recording(tmp_path / "session.csv")
    np.testing.assert_allclose(copy.time_s, original.time_s, rtol=0, atol=0.5e-6)
    np.testing.assert_allclose(copy.corners_n, original.corners_n, rtol=0, atol=0.005)
    np.testing.assert_allclose(copy.fz_n, original.fz_n, rtol=0, atol=0.02)
    assert copy.mat.keys() == original.mat.keys()
    assert all((copy.mat[zone] == original.mat[zone]).all() for zone in original.mat)
    assert copy.metadata == original.metadata


def test_writing_replaces_an_existing_file_and_leaves_no_temporary_file(tmp_path):
    path = write_text(tmp_path, "old contents")
    write_recording(path, session_recording())
    assert read_recording(path).time_s.shape == (3,)
    assert [entry.name for entry in tmp_path.iterdir()] == ["recording.csv"]


def test_writing_into_a_missing_folder_is_refused(tmp_path):
    path = tmp_path / "no such folder" / "session.csv"
    with pytest.raises(RecordingError, match="check that the folder exists"):
        write_recording(path, session_recording())


def test_metadata_that_cannot_be_one_line_is_a_bug(tmp_path):
    recording = Recording(np.array([0.0]), {MAT: np.array([True])}, None, None,
                          {"note": "two\nlines"})
    with pytest.raises(ValueError):
        write_recording(tmp_path / "session.csv", recording)
    assert list(tmp_path.iterdir()) == []


@st.composite
def recordings(draw) -> Recording:
    rows = draw(st.integers(1, 30))
    zones = draw(st.sampled_from([(), ONE_ZONE, TWO_ZONES]))
    force = draw(st.sampled_from(["fz", "corners"] + (["none"] if zones else [])))
    times = st.floats(-100, 1e5, allow_nan=False, allow_infinity=False)
    time_s = np.sort(draw(st.lists(times, min_size=rows, max_size=rows)))
    mat = {zone: np.array(draw(st.lists(st.booleans(), min_size=rows, max_size=rows)))
           for zone in zones}
    newtons = st.floats(-1e4, 1e4, allow_nan=False)
    corners_n = np.array(draw(st.lists(st.lists(newtons, min_size=4, max_size=4),
                                       min_size=rows, max_size=rows)))
    if zones:
        mat_only = draw(st.lists(st.booleans(), min_size=rows, max_size=rows))
        corners_n[mat_only] = np.nan
    names = st.from_regex(r"[a-z][a-z0-9_]{0,10}", fullmatch=True)
    values = st.from_regex(r"[A-Za-z0-9.,;:/()' -]{0,20}", fullmatch=True).map(str.strip)
    metadata = draw(st.dictionaries(names, values, max_size=3))
    for key in set(metadata) & {"sample_rate_hz", "body_mass_kg", "plate_width_m", "plate_depth_m"}:
        metadata[key] = "12.5"
    if force == "none":
        return Recording(time_s, mat, None, None, metadata)
    if force == "fz":
        return Recording(time_s, mat, corners_n[:, 0].copy(), None, metadata)
    return Recording(time_s, mat, corners_n.sum(axis=1), corners_n, metadata)


@settings(max_examples=60, deadline=None)
@given(recordings())
def test_any_recording_reads_back_to_the_microsecond_and_the_centinewton(tmp_path_factory, original):
    path = tmp_path_factory.mktemp("round") / "recording.csv"
    write_recording(path, original)
    copy = read_recording(path)
    np.testing.assert_allclose(copy.time_s, original.time_s, rtol=0, atol=0.5e-6 + 1e-11)
    assert copy.zones == original.zones
    assert all((copy.mat[zone] == original.mat[zone]).all() for zone in original.zones)
    if original.corners_n is not None:
        np.testing.assert_allclose(copy.corners_n, original.corners_n, rtol=0, atol=0.005 + 1e-9)
    elif original.fz_n is not None:
        np.testing.assert_allclose(copy.fz_n, original.fz_n, rtol=0, atol=0.005 + 1e-9)
    else:
        assert copy.fz_n is None
    assert copy.metadata == original.metadata
    text = path.read_text(encoding="utf-8")
    write_recording(path, copy)
    assert path.read_text(encoding="utf-8") == text


# --- Playing a recording back ---------------------------------------------------------

def two_zone_recording() -> Recording:
    return Recording(
        time_s=np.array([0.0, 0.2, 0.2, 0.5, 0.5, 0.9]),
        mat={FRONT: np.array([True, True, False, False, False, True]),
             BACK: np.array([False, False, False, True, True, True])},
        fz_n=None, corners_n=None, metadata={})


def test_a_source_starts_at_the_first_row_with_its_levels():
    source = RecordingSource(two_zone_recording())
    assert source.start() == MatStart(0.0, {FRONT: True, BACK: False})
    assert (source.zones, source.has_force, source.simulated) == (TWO_ZONES, False, False)


def test_a_source_reports_each_level_change_at_the_row_where_it_appears():
    source = RecordingSource(two_zone_recording())
    source.start()
    assert source.read(EVERYTHING) == [
        MatEdge(0.2, FRONT, False), MatEdge(0.5, BACK, True), MatEdge(0.9, FRONT, True)]


def test_two_zones_changing_in_one_row_give_two_edges_front_first():
    recording = Recording(np.array([0.0, 0.3]), {FRONT: np.array([True, False]),
                                                 BACK: np.array([False, True])}, None, None, {})
    assert RecordingSource(recording).read(EVERYTHING) == [
        MatEdge(0.3, FRONT, False), MatEdge(0.3, BACK, True)]


def test_a_source_returns_only_what_is_due_and_never_twice():
    source = RecordingSource(two_zone_recording())
    assert source.read(0.1) == []
    assert source.read(0.5) == [MatEdge(0.2, FRONT, False), MatEdge(0.5, BACK, True)]
    assert source.read(0.5) == []
    assert source.read(EVERYTHING) == [MatEdge(0.9, FRONT, True)]
    assert source.end_s() == 0.9


def test_force_comes_in_blocks_of_about_block_s():
    time_s = np.arange(1000) / 1000
    recording = Recording(time_s, {}, 700 + time_s, None, {})
    blocks = RecordingSource(recording, block_s=0.05).read(EVERYTHING)
    assert len(blocks) == 20
    assert all(len(block.time_s) == 50 and block.corners_n is None for block in blocks)
    np.testing.assert_array_equal(np.concatenate([block.fz_n for block in blocks]), 700 + time_s)


def test_rows_that_only_carry_a_mat_change_give_no_force_samples():
    recording = Recording(np.array([0.0, 0.0004, 0.001]), {MAT: np.array([True, False, False])},
                          np.array([700.0, np.nan, 3.0]),
                          np.array([[175.0] * 4, [np.nan] * 4, [0.75] * 4]), {})
    readings = RecordingSource(recording).read(EVERYTHING)
    block, edge = readings
    assert block.time_s.tolist() == [0.0, 0.001]
    assert block.corners_n.tolist() == [[175.0] * 4, [0.75] * 4]
    assert edge == MatEdge(0.0004, MAT, False)


def test_a_force_block_is_ordered_by_its_first_sample_and_comes_before_an_edge_of_its_row():
    recording = Recording(np.array([0.0, 0.1, 0.1]), {MAT: np.array([True, True, False])},
                          np.array([700.0, 650.0, np.nan]), None, {})
    assert [type(reading) for reading in RecordingSource(recording, block_s=1).read(0.1)] == [
        ForceBlock, MatEdge]
    recording = Recording(np.array([0.0, 0.1]), {MAT: np.array([True, False])},
                          np.array([700.0, 650.0]), None, {})
    readings = RecordingSource(recording, block_s=0.05).read(EVERYTHING)
    assert [reading.time_s if isinstance(reading, MatEdge) else reading.time_s[0]
            for reading in readings] == [0.0, 0.1, 0.1]
    assert isinstance(readings[1], ForceBlock) and isinstance(readings[2], MatEdge)


def test_a_recording_marked_simulated_plays_back_as_simulated():
    recording = Recording(np.array([0.0]), {MAT: np.array([True])}, None, None,
                          {"simulated": "yes"})
    assert RecordingSource(recording).simulated


def test_a_real_recording_plays_back_every_sample():
    recording = read_recording(RECORDINGS / "acl-bfr003-sj.csv")
    source = RecordingSource(recording)
    time_s, fz_n = samples_of(source.read(EVERYTHING))
    np.testing.assert_array_equal(time_s, recording.time_s)
    np.testing.assert_array_equal(fz_n, recording.fz_n)
    source.close()


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_reading_in_chunks_returns_what_one_read_returns(data):
    recording = data.draw(recordings())
    cuts = sorted(data.draw(st.lists(st.floats(-200, 2e5, allow_nan=False), max_size=6)))
    whole = RecordingSource(recording).read(EVERYTHING)
    chunked, source, previous_s = [], RecordingSource(recording), -math.inf
    for until_s in cuts + [EVERYTHING]:
        part = source.read(until_s)
        firsts = [r.time_s if isinstance(r, MatEdge) else r.time_s[0] for r in part]
        lasts = [r.time_s if isinstance(r, MatEdge) else r.time_s[-1] for r in part]
        assert firsts == sorted(firsts)
        assert all(previous_s < first and last <= until_s for first, last in zip(firsts, lasts))
        chunked += part
        previous_s = until_s
    assert edges_of(chunked) == edges_of(whole)
    for mine, theirs in zip(samples_of(chunked), samples_of(whole)):
        np.testing.assert_array_equal(mine, theirs)


# --- From a live source's readings ------------------------------------------------------

def test_readings_become_one_row_per_sample_and_one_per_edge():
    start = MatStart(0.0, {MAT: True})
    readings = [ForceBlock(np.array([0.0, 0.001, 0.002]), np.array([700.0, 300.0, 0.0])),
                MatEdge(0.001, MAT, False),
                ForceBlock(np.array([0.003]), np.array([0.5]))]
    recording = recording_from_readings(start, readings, ONE_ZONE, {"sample_rate_hz": "1000"})
    assert recording.time_s.tolist() == [0.0, 0.0, 0.001, 0.001, 0.002, 0.003]
    assert recording.mat[MAT].tolist() == [True, True, True, False, False, False]
    assert np.isnan(recording.fz_n).tolist() == [True, False, False, True, False, False]
    assert recording.corners_n is None
    assert recording.metadata == {"sample_rate_hz": "1000"}


def test_readings_without_force_become_the_start_row_and_one_row_per_edge():
    start = MatStart(1.5, {FRONT: True, BACK: False})
    readings = [MatEdge(2.0, FRONT, False), MatEdge(2.3, BACK, True), MatEdge(2.31, BACK, True)]
    recording = recording_from_readings(start, readings, TWO_ZONES)
    assert recording.time_s.tolist() == [1.5, 2.0, 2.3, 2.31]
    assert recording.mat[FRONT].tolist() == [True, False, False, False]
    assert recording.mat[BACK].tolist() == [False, False, True, True]
    assert recording.fz_n is None


def test_force_only_readings_need_no_start_row():
    readings = [ForceBlock(np.array([0.0, 0.001]), np.array([1.0, 2.0]), np.ones((2, 4)))]
    recording = recording_from_readings(MatStart(0.0, {}), readings, ())
    assert recording.time_s.tolist() == [0.0, 0.001]
    assert recording.corners_n.tolist() == [[1.0] * 4] * 2


def test_a_reading_before_the_start_is_a_bug():
    with pytest.raises(ValueError):
        recording_from_readings(MatStart(1.0, {MAT: True}), [MatEdge(0.5, MAT, False)], ONE_ZONE)


@st.composite
def sessions(draw) -> tuple[MatStart, list, tuple[str, ...]]:
    """What a live source might produce: level-changing edges on a 1 µs grid
    (so some fall on force samples) and 1 kHz force in blocks of any size."""
    zones = draw(st.sampled_from([ONE_ZONE, TWO_ZONES]))
    start_us = draw(st.integers(0, 5000))
    levels = {zone: draw(st.booleans()) for zone in zones}
    start = MatStart(start_us / 1e6, dict(levels))
    edges = []
    for time_us in sorted(draw(st.lists(st.integers(start_us, start_us + 50_000), max_size=12))):
        zone = draw(st.sampled_from(zones))
        levels[zone] = not levels[zone]
        edges.append(MatEdge(time_us / 1e6, zone, levels[zone]))
    samples = draw(st.integers(0, 60))
    sample_us = start_us + 1000 * np.arange(samples)
    sizes = draw(st.lists(st.integers(1, 20), min_size=1, max_size=samples or 1))
    splits = np.cumsum(sizes)[np.cumsum(sizes) < samples]
    corners = draw(st.booleans())
    blocks = [ForceBlock(us / 1e6, 700.0 + us % 7, (np.ones((len(us), 4)) if corners else None))
              for us in np.split(sample_us, splits) if len(us)]
    readings = sorted(edges + blocks, key=lambda r: r.time_s if isinstance(r, MatEdge) else r.time_s[0])
    return start, readings, zones


@settings(max_examples=80, deadline=None)
@given(sessions())
def test_readings_saved_as_a_recording_play_back_as_the_same_edges_and_samples(session):
    start, readings, zones = session
    source = RecordingSource(recording_from_readings(start, readings, zones))
    assert source.start() == start
    played = source.read(EVERYTHING)
    assert edges_of(played) == edges_of(readings)
    for mine, theirs in zip(samples_of(played), samples_of(readings)):
        np.testing.assert_array_equal(mine, theirs)


@settings(max_examples=40, deadline=None)
@given(sessions())
def test_readings_saved_to_a_file_play_back_as_the_same_edges(tmp_path_factory, session):
    start, readings, zones = session
    path = tmp_path_factory.mktemp("session") / "session.csv"
    write_recording(path, recording_from_readings(start, readings, zones))
    played = edges_of(RecordingSource(read_recording(path)).read(EVERYTHING))
    expected = edges_of(readings)
    assert [(edge.zone, edge.contact) for edge in played] == [
        (edge.zone, edge.contact) for edge in expected]
    np.testing.assert_allclose([edge.time_s for edge in played],
                               [edge.time_s for edge in expected], rtol=0, atol=0.5e-6)
