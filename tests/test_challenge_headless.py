"""`station run --simulate --headless --challenge`: a real child process, as a user runs it."""

import signal

from station_process import json_lines, start_station, station

RELAY_CLASS = "Ann,Bob,Cy,Dee,Eve,Fay"


def rep_time_s(rep, flights, contacts):
    """The boundary rule, from the printed JSON alone: the forward jump's landing,
    else the take-off ending the rebound contact, else the back landing."""
    if rep["forward_flight"] is not None:
        return flights[rep["forward_flight"]]["landing_s"]
    rebound = contacts.get(rep["rebound_contact"])
    if rebound is not None and rebound["end_s"] is not None:
        return rebound["end_s"]
    return flights[rep["back_flight"]]["landing_s"]


def by_type(events, kind):
    return [e for e in events if e["type"] == kind]


def test_a_six_athlete_relay_runs_end_to_end_and_every_rep_lands_in_one_interval(tmp_path):
    result = station("run", "--simulate", "--headless", "--speed", 50, "--seed", 3,
                     "--challenge", "relay", "--class", RELAY_CLASS, "--data-dir", tmp_path)
    assert result.returncode == 0, result.stderr
    events = json_lines(result.stdout)
    intervals = by_type(events, "interval")
    work = [i for i in intervals if i["kind"] == "work"]
    # 6 athletes x 2 rotations, a changeover after each turn but the last
    assert [i["athlete"] for i in work] == RELAY_CLASS.split(",") * 2
    assert [i["round"] for i in work] == [1] * 6 + [2] * 6
    assert len(intervals) == 23 and intervals[-1]["end_s"] == 525.0
    flights = {f["index"]: f for f in by_type(events, "flight")}
    contacts = {c["index"]: c for c in by_type(events, "contact")}
    landed = [(rep_time_s(r, flights, contacts), r) for r in by_type(events, "rep")]
    for interval in intervals:
        inside = [r for t, r in landed if interval["start_s"] <= t < interval["end_s"]]
        assert interval["reps"] == len(inside), interval
        assert interval["valid"] == sum(r["valid"] for r in inside), interval
    in_work = [r for t, r in landed
               if any(i["start_s"] <= t < i["end_s"] for i in work)]
    [ranking] = by_type(events, "ranking")
    assert sum(s["reps"] for s in ranking["standings"]) == len(in_work) > 0
    assert ranking["ended_by"] == "finished"
    assert sorted(s["athlete"] for s in ranking["standings"]) == sorted(RELAY_CLASS.split(","))
    places = [s["place"] for s in ranking["standings"]]
    assert places == sorted(places) and places[0] == 1
    assert events[-1]["type"] == "summary"  # the run ends with the challenge


def test_the_simulated_athlete_jumps_at_a_realistic_rate_in_work_intervals(tmp_path):
    result = station("run", "--simulate", "--headless", "--speed", 20, "--seed", 1,
                     "--challenge", "tabata", "--data-dir", tmp_path)
    assert result.returncode == 0, result.stderr
    work = [i for i in by_type(json_lines(result.stdout), "interval") if i["kind"] == "work"]
    assert len(work) == 8
    rate_per_s = sum(i["reps"] for i in work) / sum(i["end_s"] - i["start_s"] for i in work)
    # a rep takes about a second; with breathers between sets, 0.3-1 a second
    assert 0.3 <= rate_per_s <= 1.0
    assert all(i["reps"] <= 20 for i in work)


def test_a_run_stopped_early_ends_with_the_aborted_ranking_then_the_summary(tmp_path):
    result = station("run", "--simulate", "--headless", "--speed", 50, "--duration", 45,
                     "--challenge", "tabata", "--class", "Ann", "--data-dir", tmp_path)
    assert result.returncode == 0, result.stderr
    events = json_lines(result.stdout)
    intervals = by_type(events, "interval")
    assert [(i["index"], i["ended_by"]) for i in intervals] == [(1, "time"), (2, "time"),
                                                              (3, "aborted")]
    assert intervals[-1]["end_s"] == 45.0
    assert [e["type"] for e in events[-2:]] == ["ranking", "summary"]
    assert events[-2]["ended_by"] == "aborted" and events[-2]["standings"][0]["athlete"] == "Ann"


def test_ctrl_c_aborts_the_challenge_with_its_ranking(tmp_path):
    process = start_station("run", "--simulate", "--headless", "--speed", 20,
                            "--challenge", "amrap-60", "--data-dir", tmp_path)
    first = process.stdout.readline()  # the run is going
    assert first
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=60)
    assert process.returncode == 0, err
    events = json_lines(first + out)
    [ranking] = by_type(events, "ranking")
    assert ranking["ended_by"] == "aborted"
    assert by_type(events, "interval")[0]["ended_by"] == "aborted"


def test_mistakes_are_one_sentence_and_exit_code_2(tmp_path):
    cases = [
        (["--headless", "--challenge", "tabbata"], "no challenge called 'tabbata'"),
        (["--headless", "--challenge", "tabata", "--class", "Ann,Bob"], "tabata is for one athlete"),
        (["--headless", "--challenge", "relay", "--class", "Ann,,Bob"], "--class has an empty name"),
        (["--headless", "--class", "Ann"], "add --challenge NAME"),
        (["--headless", "--challenge", tmp_path / "none.toml"], "Cannot read the challenge file"),
    ]
    for options, says in cases:
        result = station("run", "--simulate", "--data-dir", tmp_path, *options)
        assert result.returncode == 2, options
        assert says in result.stderr and "Traceback" not in result.stderr, result.stderr
        assert len(result.stderr.strip().splitlines()) == 1 and result.stdout == ""


def test_a_custom_challenge_file_runs_from_its_path(tmp_path):
    path = tmp_path / "short.toml"
    path.write_text('name = "short"\ntitle = "Short"\nrounds = 2\nwork_s = 5\nrest_s = 3\n'
                    'target_reps = 2\n')
    result = station("run", "--simulate", "--headless", "--speed", 50, "--challenge", path,
                     "--data-dir", tmp_path)
    assert result.returncode == 0, result.stderr
    intervals = by_type(json_lines(result.stdout), "interval")
    assert [(i["kind"], i["start_s"], i["end_s"]) for i in intervals] == \
        [("work", 0.0, 5.0), ("rest", 5.0, 8.0), ("work", 8.0, 13.0)]
    assert all(i["target_met"] == (i["valid"] >= 2) for i in intervals if i["kind"] == "work")
