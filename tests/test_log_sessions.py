"""`station sessions`: what is in the log, one session per line."""

from station.analysis.events import Rep, SetStart
from station.analysis.pipeline import Pipeline
from station.log.athletes import add_athlete
from station.log.db import open_log
from station.log.sessions import list_sessions
from station.log.writer import SessionLog
from station.sources.simulated import simulate
from station_process import station


def log_session(conn, data_dir, athletes, simulated):
    """A simulated session with one athlete per set, in the order given."""
    start, readings, _ = simulate(0, 45.0)
    pipeline = Pipeline()
    events = pipeline.start(start, has_force=True) + pipeline.feed(readings) + pipeline.finish(45.0)
    log = SessionLog(conn, data_dir, "gpio", "frontend", simulated=simulated)
    picks = iter(athletes)
    for event in events:
        log.on_event(event)
        if isinstance(event, SetStart):
            log.athlete_id = next(picks)
    log.close()
    return [e for e in events if isinstance(e, Rep)]


def test_sessions_are_listed_with_their_athletes_and_counts(tmp_path):
    conn = open_log(tmp_path)
    ada, bo = add_athlete(conn, "Ada").id, add_athlete(conn, "Bo").id
    first = log_session(conn, tmp_path, [ada, ada], simulated=True)
    second = log_session(conn, tmp_path, [bo, ada], simulated=False)
    found = list_sessions(conn)
    assert [(s.athletes, s.sets, s.reps, s.valid_reps, s.simulated) for s in found] == [
        (["Ada"], 2, len(first), sum(r.valid for r in first), True),
        (["Bo", "Ada"], 2, len(second), sum(r.valid for r in second), False)]
    assert [s.id for s in list_sessions(conn, athlete="Bo")] == [2]
    conn.close()

    table = station("sessions", "--data-dir", tmp_path)
    assert table.returncode == 0
    heading, *lines = table.stdout.splitlines()
    assert heading.split() == ["#", "started", "athletes", "sets", "reps", "valid", "data", "ended"]
    assert len(lines) == 2
    assert lines[0].split()[3:6] == ["Ada", "2", str(len(first))] and "simulated" in lines[0]
    assert "Bo, Ada" in lines[1] and " real " in lines[1]
    only_bo = station("sessions", "--data-dir", tmp_path, "--athlete", "Bo")
    assert len(only_bo.stdout.splitlines()) == 2 and "Bo, Ada" in only_bo.stdout


def test_no_sessions_is_said_plainly(tmp_path):
    result = station("sessions", "--data-dir", tmp_path, "--athlete", "Nobody")
    assert result.returncode == 0 and result.stdout.strip() == "No sessions with Nobody."
