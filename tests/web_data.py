"""A hub.db filled the way the hub fills it: each entry checked by the hub's
own validator and stored by its own store (station/hub/validate.py,
store.py), in one transaction, as the writer thread does."""

from __future__ import annotations

import json
import uuid
from datetime import datetime, timedelta, timezone

from station.hub import store
from station.hub.db import open_hub_db
from station.hub.validate import Message, check

#: Hostile names: markup, event handlers, a javascript: link, an RTL override,
#: 40 CJK characters, and a name with a slash and a query.
HOSTILE_NAMES = ["<script>window.__pwned=1</script>", "\"><img src=x onerror=window.__pwned=2>",
                 "javascript:window.__pwned=3", "Ann\u202egnp.exe", "漢" * 40,
                 "a/b?c=<svg onload=window.__pwned=4>"]


class HubFiller:
    """Entries of one station into ``hub.db`` in ``data_dir``."""

    def __init__(self, data_dir, station: str = "mat-1", site: str = "gym") -> None:
        self.conn = open_hub_db(data_dir)
        self.station, self.site, self.seq = station, site, 0

    def _put(self, kind: str, body: dict) -> None:
        self.seq += 1
        entry = {"v": 1, "station": self.station, "seq": self.seq, "kind": kind,
                 "at": body.get("completed_at") or "2026-12-04T18:00:00.000+00:00", "body": body}
        message = check(f"jumpmat/v1/{self.site}/station/{self.station}/log",
                        json.dumps(entry).encode())
        assert isinstance(message, Message), message
        self.conn.execute("BEGIN IMMEDIATE")
        store.ensure_station(self.conn, self.site, self.station)
        store.store_entry(self.conn, message, _iso(datetime.now(timezone.utc)), self.site)
        self.conn.execute("COMMIT")

    def status(self, **keys) -> None:
        payload = {"v": 1, "station": self.station, "state": "online",
                   "at": _iso(datetime.now(timezone.utc)), **keys}
        message = check(f"jumpmat/v1/{self.site}/station/{self.station}/status",
                        json.dumps(payload).encode())
        assert isinstance(message, Message), message
        self.conn.execute("BEGIN IMMEDIATE")
        store.ensure_station(self.conn, self.site, self.station)
        store.store_status(self.conn, message)
        self.conn.execute("COMMIT")

    def athlete(self, name: str, **keys) -> None:
        self._put("athlete", {"name": name, "body_mass_kg": None, "tag_id": None, "guest": False,
                              "erased": False, **keys})

    def set_with_reps(self, athlete: str | None, reps: int, started: datetime | None = None,
                      session: str | None = None, set_index: int = 0) -> tuple[str, int]:
        """A session (if new), a set and its reps; (session uuid, set index)."""
        started = started or datetime.now(timezone.utc) - timedelta(minutes=5)
        if session is None:
            session = str(uuid.uuid4())
            self._put("session", {"session": session, "started_at": _iso(started),
                                  "ended_at": None, "mat_source": "simulated",
                                  "force_source": "simulated", "simulated": True})
        self._put("set", {"session": session, "set_index": set_index, "athlete": athlete,
                          "started_at": _iso(started), "start_s": 1.0, "end_s": None,
                          "ended_by": None, "reps": None, "valid_reps": None,
                          "body_weight_n": 700.0})
        for index in range(reps):
            self.rep(session, set_index, index, athlete, started + timedelta(seconds=2 + index))
        return session, set_index

    def rep(self, session: str, set_index: int, index: int, athlete: str | None,
            at: datetime, **changes) -> None:
        body = {"session": session, "set_index": set_index, "index": index, "athlete": athlete,
                "completed_at": _iso(at), "back_flight_s": 0.41,
                "rebound_contact_s": 0.2 + index / 100, "forward_flight_s": 0.4,
                "jump_height_m": 0.196 + index / 1000, "rsi": 0.98 + index / 50,
                "landing_peak_force_n": 1800.0, "loading_rate_bw_per_s": 40.0,
                "softness": 60.0 + index, "rating": "soft", "valid": True, "reason": None, "fatigue": False}
        body.update(changes)
        self._put("rep", body)

    def challenge_round(self, session: str, challenge: str, athlete: str, round_index: int,
                        reps: int, valid_reps: int, quality_reps: int) -> None:
        self._put("challenge_round", {"session": session, "challenge": challenge,
                                      "name": "tabata", "athlete": athlete,
                                      "round_index": round_index, "reps": reps,
                                      "valid_reps": valid_reps, "quality_reps": quality_reps,
                                      "mean_rebound_contact_s": 0.21})

    def close(self) -> None:
        self.conn.close()


def _iso(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).isoformat(timespec="milliseconds")
