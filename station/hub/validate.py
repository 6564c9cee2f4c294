"""What a station's message must be before the hub keeps it (docs/network.md).

Pure: a topic and the payload's bytes in, a ``Message`` (athletes' names
cleaned by the station's rule, station/log/names.py) or a ``Refused`` (with
one sentence saying why) out. Nothing refused is ever stored.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass

from station.log.names import clean_name

PREFIX = "jumpmat/v1/"
#: A station's id and a site's name: letters, digits, - and _, at most 32.
ID_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,32}")
MAX_PAYLOAD_BYTES = 64 * 1024
VERSION = 1
LOG_KEYS = {"v", "station", "seq", "kind", "at", "body"}
#: Every key of each kind's body; a body with another key, or without one of
#: these, is refused (the strict places of the contract).
BODY_KEYS = {
    "session": {"session", "started_at", "ended_at", "mat_source", "force_source", "simulated"},
    "set": {"session", "set_index", "athlete", "started_at", "start_s", "end_s", "ended_by",
            "reps", "valid_reps", "body_weight_n"},
    "rep": {"session", "set_index", "index", "athlete", "completed_at", "back_flight_s",
            "rebound_contact_s", "forward_flight_s", "jump_height_m", "rsi",
            "landing_peak_force_n", "loading_rate_bw_per_s", "softness", "rating", "valid",
            "reason", "fatigue"},
    "challenge_round": {"session", "challenge", "name", "athlete", "round_index", "reps",
                        "valid_reps", "quality_reps", "mean_rebound_contact_s"},
    "athlete": {"name", "body_mass_kg", "tag_id", "guest", "erased"},
}
#: Keys that must be there with a value (not null).
REQUIRED = {"session": {"session"}, "set": {"session", "set_index"},
            "rep": {"session", "index", "valid"}, "challenge_round": {"round_index"},
            "athlete": {"name"}}
#: Durations: seconds that cannot be negative.
DURATION_KEYS = {"back_flight_s", "rebound_contact_s", "forward_flight_s",
                 "mean_rebound_contact_s"}
INTEGER_KEYS = {"set_index", "index", "round_index", "reps", "valid_reps", "quality_reps"}
TEXT_KEYS = {"session", "athlete", "name", "challenge"}


@dataclass(frozen=True)
class Message:
    """A good message: ``kind`` is "log" or "status"; ``payload`` the JSON object."""

    site: str
    station: str
    kind: str
    payload: dict


@dataclass(frozen=True)
class Refused:
    """A message the hub drops; ``station`` is the topic's station, or None
    when the topic names none."""

    site: str | None
    station: str | None
    reason: str


def check(topic: str, payload: bytes) -> Message | Refused | None:
    """The message on ``topic``, or why it is refused; None for a topic the hub
    does not read (a station's commands, which the hub itself sends)."""
    parts = topic.split("/")
    if topic.startswith(PREFIX) and len(parts) == 6 and parts[3] == "station" \
            and ID_PATTERN.fullmatch(parts[2]) and ID_PATTERN.fullmatch(parts[4]):
        site, station, leaf = parts[2], parts[4], parts[5]
    else:
        return Refused(None, None, f"the topic {topic[:100]!r} is not a station's topic")
    if leaf == "cmd":
        return None
    if leaf not in ("log", "status"):
        return Refused(site, station, f"{leaf[:40]!r} is not a station topic (log or status)")
    if len(payload) > MAX_PAYLOAD_BYTES:
        return Refused(site, station, f"a message of {len(payload)} bytes is over "
                       f"{MAX_PAYLOAD_BYTES // 1024} KiB")
    try:
        data = json.loads(payload)
    except (UnicodeDecodeError, ValueError, RecursionError):
        return Refused(site, station, "the message is not JSON")
    problem = _problem(data, station, leaf)
    if problem:
        return Refused(site, station, problem)
    if leaf == "log":
        data = {**data, "body": _names_cleaned(data["kind"], data["body"])}
        if data["kind"] == "athlete" and not data["body"]["name"]:
            return Refused(site, station, "the athlete entry's name is empty once cleaned")
    elif isinstance(data.get("athlete"), str):  # the status's athlete on the mat
        data = {**data, "athlete": clean_name(data["athlete"]) or None}
    return Message(site, station, leaf, data)


def _names_cleaned(kind: str, body: dict) -> dict:
    """A body with its athlete's name cleaned by the station's rule
    (station/log/names.py): what a station sends is cleaned at the door too
    (a name that cleans to nothing is no name)."""
    key = "name" if kind == "athlete" else "athlete"
    if body.get(key) is None:
        return body
    return {**body, key: clean_name(body[key]) or (None if key == "athlete" else "")}


def _problem(data, station: str, leaf: str) -> str | None:
    if not isinstance(data, dict):
        return "the message is not a JSON object"
    if data.get("v") != VERSION or isinstance(data.get("v"), bool):
        return f"the message has version {str(data.get('v'))[:20]}, not {VERSION}"
    if data.get("station") != station:
        return (f"the message says it is from {str(data.get('station'))[:40]!r} "
                f"on {station!r}'s topic")
    if leaf == "status":
        return None if data.get("state") in ("online", "offline") else \
            "the status has no state online or offline"
    return _log_problem(data)


def _log_problem(data: dict) -> str | None:
    unknown = set(data) - LOG_KEYS
    if unknown:
        return f"the log entry has unknown keys ({', '.join(sorted(unknown))[:100]})"
    seq = data.get("seq")
    if isinstance(seq, bool) or not isinstance(seq, int) or seq < 1:
        return "the log entry's seq is not a whole number from 1"
    kind, body = data.get("kind"), data.get("body")
    if kind not in BODY_KEYS:
        return f"{str(kind)[:40]!r} is not a kind of log entry"
    if not isinstance(body, dict):
        return "the log entry's body is not an object"
    if set(body) != BODY_KEYS[kind]:
        extra, missing = set(body) - BODY_KEYS[kind], BODY_KEYS[kind] - set(body)
        return (f"the {kind} entry has unknown keys ({', '.join(sorted(extra))[:100]})" if extra
                else f"the {kind} entry lacks {', '.join(sorted(missing))}")
    return _value_problem(kind, body)


def _value_problem(kind: str, body: dict) -> str | None:
    for key in REQUIRED[kind]:
        if body[key] is None:
            return f"the {kind} entry has no {key}"
    for key, value in body.items():
        if value is None:
            continue
        if isinstance(value, float) and not math.isfinite(value):
            return f"the {kind} entry's {key} is not a finite number"
        if key in DURATION_KEYS and (not _is_number(value) or value < 0):
            return f"the {kind} entry's {key} is not a duration (a number from 0)"
        if key in INTEGER_KEYS and (isinstance(value, bool) or not isinstance(value, int)):
            return f"the {kind} entry's {key} is not a whole number"
        if key in TEXT_KEYS and not isinstance(value, str):
            return f"the {kind} entry's {key} is not a text"
        if isinstance(value, (dict, list)):
            return f"the {kind} entry's {key} is not a single value"
    return None


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)
