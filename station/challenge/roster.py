"""Who takes part in a challenge: the names given with ``--class``, in roster order."""

from __future__ import annotations

from station.challenge.definition import ONE, RELAY, Definition
from station.errors import UserError

#: Without --class a relay runs with this many numbered athletes.
DEFAULT_RELAY_ATHLETES = 6
#: More than a class fits round one mat; also keeps the leaderboard on one screen.
MAX_CLASS = 30
MAX_NAME_CHARS = 40


def parse_class(text: str) -> list[str]:
    """Names separated by commas, in roster order: "Ann, Bob,Cy" -> ["Ann", "Bob", "Cy"]."""
    names = [name.strip() for name in text.split(",")]
    if not all(names):
        raise UserError("--class has an empty name; give names separated by commas, "
                        "like --class \"Ann,Bob,Cy\".")
    if len(names) > MAX_CLASS:
        raise UserError(f"--class has {len(names)} names; at most {MAX_CLASS} fit one challenge.")
    long = [name for name in names if len(name) > MAX_NAME_CHARS]
    if long:
        raise UserError(f"The name {long[0][:MAX_NAME_CHARS]!r}... is too long; at most "
                        f"{MAX_NAME_CHARS} characters.")
    twice = sorted({name for name in names if names.count(name) > 1})
    if twice:
        raise UserError(f"{twice[0]} is in --class twice; give each athlete once "
                        "(add an initial to tell two apart).")
    return names


def class_roster(definition: Definition, names: list[str] | None) -> list[str]:
    """The roster of a run: the names given, or "Athlete 1".."Athlete 6" for a
    relay and "Athlete" for a one-athlete challenge."""
    if names:
        if definition.athletes == ONE and len(names) > 1:
            raise UserError(f"{definition.name} is for one athlete; give one name with --class, "
                            "or choose a relay.")
        return list(names)
    if definition.athletes == RELAY:
        return [f"Athlete {n}" for n in range(1, DEFAULT_RELAY_ATHLETES + 1)]
    return ["Athlete"]
