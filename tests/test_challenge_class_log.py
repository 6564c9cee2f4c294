"""A class relay run headless: the interval counts, the session log and the export agree."""

import csv
import sqlite3

from station_process import json_lines, station

CLASS = ["Ann", "Bob", "Cy", "Di", "Ed", "Flo"]


def final_landing_s(rep, flights, contacts):
    """The documented boundary rule's time: the forward jump's landing; without
    one, the take-off that ended the rebound contact; else the back landing."""
    if rep["forward_flight"] is not None:
        return flights[rep["forward_flight"]]["landing_s"]
    if rep["rebound_contact"] is not None and contacts[rep["rebound_contact"]]["end_s"] is not None:
        return contacts[rep["rebound_contact"]]["end_s"]
    return flights[rep["back_flight"]]["landing_s"]


def test_a_six_athlete_relay_adds_up_in_the_session_log_and_the_export(tmp_path):
    data = tmp_path / "data"
    for name in CLASS:
        assert station("athletes", "--data-dir", data, "add", name).returncode == 0
    run = station("run", "--simulate", "--challenge", "relay", "--class", ",".join(CLASS), "--headless",
                  "--speed", 50, "--data-dir", data, timeout=300)
    assert run.returncode == 0, run.stderr
    lines = json_lines(run.stdout)
    intervals = [line for line in lines if line["type"] == "interval"]
    work = [line for line in intervals if line["kind"] == "work"]
    assert len(work) == 12 and {line["athlete"] for line in work} == set(CLASS)
    printed_reps = {line["index"]: line for line in lines if line["type"] == "rep"}
    flights = {line["index"]: line for line in lines if line["type"] == "flight"}
    contacts = {line["index"]: line for line in lines if line["type"] == "contact"}

    log = sqlite3.connect(data / "station.db")
    logged = [index for (index,) in log.execute("SELECT rep_index FROM reps ORDER BY rep_index")]
    assert logged == sorted(printed_reps)
    # Every logged rep, placed by the interval its final landing falls in, counts
    # exactly where the challenge counted it.
    for interval in intervals:
        inside = [index for index in logged
                  if interval["start_s"] <= final_landing_s(printed_reps[index], flights, contacts)
                  < interval["end_s"]]
        assert len(inside) == interval["reps"], interval
    assert sum(line["reps"] for line in work) > 60

    rounds = log.execute("SELECT a.name, cr.round_index, cr.reps, cr.valid_reps, cr.quality_reps "
                         "FROM challenge_rounds cr JOIN athletes a ON a.id = cr.athlete_id").fetchall()
    expected = [(line["athlete"], line["round"], line["reps"], line["valid"], line["quality"]) for line in work]
    assert sorted(rounds) == sorted(expected)
    assert log.execute("SELECT ended_by FROM challenges").fetchall() == [("finished",)]

    (tmp_path / "stick").mkdir()
    export = station("export", "--to", tmp_path / "stick", "--data-dir", data)
    assert export.returncode == 0, export.stderr
    (folder,) = (tmp_path / "stick").iterdir()
    with open(folder / "challenges.csv", encoding="utf-8-sig", newline="") as file:
        rows = list(csv.DictReader(file))
    exported = [(row["athlete"], int(row["round"]), int(row["reps"]), int(row["valid_reps"]),
                 int(row["quality_reps"])) for row in rows]
    assert sorted(exported) == sorted(expected)
