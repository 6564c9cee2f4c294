"""Headless `station run --broker` processes for the class network's tests,
and their session logs read back to compare with what the hub holds.

    mat = StationProcess(tmp_path / "mat-1", broker.url, "mat-1", seed=1)
    mat.wait()                      # it ran its --duration
    station_reps(mat.data_dir)      # {(session uuid, index): values}
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

from hub_process import TIMEOUT_S, wait_until

#: The values compared between a station's log and the hub's copy.
VALUES = ("set_index", "completed_at", "back_flight_s", "rebound_contact_s", "forward_flight_s",
          "jump_height_m", "rsi", "landing_peak_force_n", "loading_rate_bw_per_s", "softness",
          "rating", "valid", "reason")


class StationProcess:
    """One simulated headless station publishing to ``broker``."""

    def __init__(self, data_dir: Path, broker: str, station_id: str, seed: int,
                 speed: float = 5.0, duration_s: float | None = 100.0, extra: tuple = ()) -> None:
        self.data_dir, self.broker, self.station_id = Path(data_dir), broker, station_id
        self.seed, self.speed, self.duration_s, self.extra = seed, speed, duration_s, extra
        self.runs = 0
        self.start()

    @property
    def output(self) -> Path:
        return self.data_dir.parent / f"{self.station_id}.out"

    def start(self, duration_s: float | None = None) -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        duration_s = self.duration_s if duration_s is None else duration_s
        args = ["run", "--simulate", "--headless", "--broker", self.broker,
                "--station-id", self.station_id, "--data-dir", str(self.data_dir),
                "--seed", str(self.seed + self.runs), "--speed", str(self.speed), *self.extra]
        if duration_s:
            args += ["--duration", str(duration_s)]
        env = dict(os.environ, SDL_VIDEODRIVER="dummy", SDL_AUDIODRIVER="dummy")
        self.process = subprocess.Popen([sys.executable, "-m", "station", *args], env=env,
                                        stdout=open(self.output, "a"),
                                        stderr=open(self.output.with_suffix(".err"), "a"))
        self.runs += 1

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=TIMEOUT_S)

    def wait(self, timeout_s: float = 180.0) -> int:
        return self.process.wait(timeout=timeout_s)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=TIMEOUT_S)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def lines(self) -> list[dict]:
        return [json.loads(line) for line in self.output.read_text().splitlines()
                if line.startswith("{")]

    def reps_logged(self) -> int:
        if not (self.data_dir / "station.db").exists():
            return 0
        return len(station_reps(self.data_dir))


def _read(data_dir: Path, sql: str, args: tuple = ()) -> list[sqlite3.Row]:
    conn = sqlite3.connect(f"file:{data_dir / 'station.db'}?mode=ro", uri=True)
    conn.row_factory = sqlite3.Row
    try:
        return conn.execute(sql, args).fetchall()
    finally:
        conn.close()


def station_reps(data_dir: Path) -> dict[tuple[str, int], tuple]:
    """Every rep in a station's own log, by identity, with its values."""
    rows = _read(data_dir, "SELECT sessions.uuid AS session, reps.rep_index, sets.set_index, "
                 "reps.* FROM reps JOIN sets ON sets.id = reps.set_id "
                 "JOIN sessions ON sessions.id = sets.session_id")
    return {(row["session"], row["rep_index"]):
            tuple(bool(row[k]) if k == "valid" else row[k] for k in VALUES) for row in rows}


def newest_seq(data_dir: Path) -> int:
    return _read(data_dir, "SELECT COALESCE(MAX(seq), 0) FROM outbox")[0][0]


def unsent(data_dir: Path) -> int:
    return _read(data_dir, "SELECT count(*) FROM outbox WHERE sent_at IS NULL")[0][0]


def hub_reps(hub, station_id: str) -> dict[tuple[str, int], tuple]:
    """The hub's copy of one station's reps; fails on a duplicate identity."""
    reps = hub.all_reps(station_id)
    keyed = {(rep["session"], rep["index"]): tuple(rep[k] for k in VALUES) for rep in reps}
    assert len(keyed) == len(reps), "the hub holds a rep twice"
    return keyed


def hub_matches(hub, mats) -> bool:
    return all(hub_reps(hub, mat.station_id) == station_reps(mat.data_dir) for mat in mats)


def finish(hub, mats, timeout_s: float = 120.0) -> int:
    """Wait for every station to end its run, then for the hub to hold exactly
    their logs. A station whose run had already ended when this was called,
    with entries unsent or a hole the hub still asks about, is started again
    briefly: a station sends what it had not sent when it starts again. One
    that was still running had every chance to fill the hub live (its
    publisher, the hub's replay requests), so it must not need that: a
    restart of such a station fails the test. How many restarts there were."""
    still_running = {mat.station_id for mat in mats if mat.process.poll() is None}
    restarted: set[str] = set()
    for mat in mats:
        mat.wait()
    for _ in range(3):
        try:
            wait_until(lambda: hub_matches(hub, mats), timeout_s=timeout_s / 3,
                       what="the hub holding exactly the stations' logs")
            break
        except AssertionError:
            late = [mat for mat in mats if unsent(mat.data_dir) or
                    hub_reps(hub, mat.station_id) != station_reps(mat.data_dir)]
            live = {mat.station_id for mat in late} & still_running
            assert not live, (f"{sorted(live)} ran on after the faults, yet the hub does not "
                              "hold their logs: the live sending and replays did not fill it")
            print(f"finish: {[mat.station_id for mat in late]} started again to send what "
                  "they had not sent")
            for mat in late:
                restarted.add(mat.station_id)
                mat.start(duration_s=20.0)
            for mat in mats:
                mat.wait()
    assert hub_matches(hub, mats), "the hub does not hold exactly the stations' logs"
    return len(restarted)


def own_rounds(mat, challenge_id: str) -> list[sqlite3.Row]:
    """A station's own rounds of the hub's challenge, from its station.db."""
    return _read(mat.data_dir, "SELECT round_index, reps, valid_reps, quality_reps, "
                 "mean_rebound_contact_s FROM challenge_rounds JOIN challenges ON "
                 "challenges.id = challenge_id WHERE hub_challenge = ? ORDER BY round_index",
                 (challenge_id,))


def ranking_of_own_rounds(mats, challenge_id: str, score: str) -> list[tuple]:
    """(station, place, reps, valid, quality) per station, best first, by the
    kiosk's own ranking rule over each station's own rounds."""
    from station.challenge.scores import IntervalResult, rank
    own = {mat.station_id: own_rounds(mat, challenge_id) for mat in mats}
    results = [IntervalResult(index=r[0], kind="work", athlete=station, round=r[0], start_s=0.0,
                              end_s=0.0, ended_by="time", reps=r[1], valid=r[2], quality=r[3],
                              mean_rebound_contact_s=r[4], target_reps=None, paused_reps=0)
               for station, rounds in own.items() for r in rounds]
    return [(s.athlete, s.place, s.reps, s.valid, s.quality)
            for s in rank(list(own), results, score)]


def hub_ranking(challenge: dict) -> list[tuple]:
    """The same tuples from the hub's standings of a challenge."""
    return [(s["station"], s["place"], s["reps"], s["valid_reps"], s["quality_reps"])
            for s in challenge["standings"]]
