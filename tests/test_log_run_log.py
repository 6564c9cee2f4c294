"""The session log as `station run` uses it: the kiosk's athlete picking, and
a kiosk run logged like a headless one."""

import sqlite3
import types

import pytest

from station.analysis.events import Rep
from station.analysis.pipeline import Pipeline
from station.config import Config, load_config
from station.errors import UserError
from station.log.athletes import add_athlete
from station.log.db import DB_FILE
from station.log.run_log import RunLog, open_run_log
from station.readings import MatStart
from station.sources.simulated import simulate
from station_process import station


def events_of_two_sets():
    start, readings, _ = simulate(0, 45.0)
    pipeline = Pipeline()
    return pipeline.start(start, has_force=True) + pipeline.feed(readings) + pipeline.finish(45.0)


def test_the_kiosk_picks_from_the_roster_or_a_guest(tmp_path):
    log = open_run_log(tmp_path, Config(), types.SimpleNamespace(simulated=False), ("simulated", "none"))
    ada = add_athlete(log.session.conn, "Ada")
    assert log.roster() == [ada]
    shown = []
    on_event = log.showing(shown.append)
    events = events_of_two_sets()
    first_rep = next(e for e in events if isinstance(e, Rep))
    for event in events:
        on_event(event)
        if event is events[0]:
            log.athlete_id = ada.id    # the first set's athlete, picked as it starts
        if event is first_rep:
            guest = log.pick_guest()   # the next set's
    log.close()
    assert shown == events
    conn = sqlite3.connect(tmp_path / DB_FILE)
    assert conn.execute("SELECT athlete_id FROM sets ORDER BY id").fetchall() == [(ada.id,), (guest.id,)]
    assert conn.execute("SELECT mat_source, force_source, simulated FROM sessions").fetchall() == [
        ("simulated", "none", 0)]
    assert log.roster() == []  # closed: nothing to pick from


class HeardMasses:
    """A loop's stand-in: its pipeline hears the body masses the log tells."""

    def __init__(self):
        self.heard = []
        self.pipeline = types.SimpleNamespace(set_body_mass_kg=self.heard.append)
        self.mat_start, self.source = MatStart(0.0, {"mat": False}), types.SimpleNamespace(has_force=True)


def test_who_is_up_gives_the_pipeline_their_roster_body_mass(tmp_path):
    log = open_run_log(tmp_path, Config(), types.SimpleNamespace(simulated=False), ("simulated", "none"))
    ada = add_athlete(log.session.conn, "Ada", body_mass_kg=58.5)
    bo = add_athlete(log.session.conn, "Bo")
    log.athlete_id = ada.id   # picked before the loop started
    loop = HeardMasses()
    log.started(loop, Config())
    log.athlete_id = bo.id    # no mass on the roster
    log.pick_guest()
    log.athlete_id = None
    log.athlete_id = ada.id
    log.close()
    assert loop.heard == [58.5, None, None, None, 58.5]


def test_without_a_log_events_pass_straight_on():
    log = RunLog(None)
    shown = []
    assert log.showing(shown.append) == shown.append
    log.athlete_id = 3
    assert (log.athlete_id, log.roster(), log.pick_guest()) == (None, [], None)


def test_a_kiosk_run_is_logged(tmp_path):
    result = station("run", "--simulate", "--speed", "20", "--duration", "30", "--data-dir", tmp_path)
    assert result.returncode == 0, result.stderr
    conn = sqlite3.connect(tmp_path / DB_FILE)
    reps = conn.execute("SELECT count(*) FROM reps").fetchone()[0]
    assert reps > 10 and f"{reps} reps" in result.stdout
    assert conn.execute("SELECT count(*) FROM sessions WHERE ended_at IS NOT NULL").fetchone() == (1,)


def test_a_bad_storage_table_names_the_key(tmp_path):
    config = tmp_path / "station.toml"
    config.write_text("[storage]\nmin_free_mb = -5\n")
    with pytest.raises(UserError, match=r"\[storage\] min_free_mb must be from 0 to 100000"):
        load_config(config)
    config.write_text('[storage]\ndata_dir = "/srv/jumpmat"\nmin_free_mb = 2000\n')
    storage = load_config(config).storage
    assert (storage.data_dir, storage.min_free_mb) == ("/srv/jumpmat", 2000)
