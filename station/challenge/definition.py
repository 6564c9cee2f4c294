"""A challenge read from TOML: its intervals, its score and who is on the mat.

A challenge file comes from the presets in assets/challenges/ or from a USB
stick, so it is checked key by key: anything wrong is a ``UserError`` that
names the file, the key and what is allowed. docs/challenges.md lists every key.
"""

from __future__ import annotations

import math
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from station.assets import assets_dir
from station.errors import UserError

PRESETS_DIR = assets_dir() / "challenges"
WORK, REST = "work", "rest"
ONE, RELAY = "one", "relay"
SCORES = ("total_reps", "valid_reps", "quality_reps", "best_round", "fatigue")
#: A real file is a few hundred bytes; anything this big is not a challenge.
MAX_FILE_BYTES = 64 * 1024
#: Two hours of 20/10 Tabata is 480 intervals; no class runs that. The cap
#: keeps a broken file from making a plan the screen cannot show.
MAX_INTERVALS = 200
#: An interval shorter than a rep means nothing; longer than an hour is not a class.
DURATION_RANGE_S = (1.0, 3600.0)
TARGET_RANGE = (1, 1000)
NAME_PATTERN = re.compile(r"[a-z0-9][a-z0-9-]{0,39}")
TEXT_LIMITS = {"title": 60, "description": 500}
TOP_KEYS = {"name", "title", "description", "athletes", "score", "rounds", "work_s", "rest_s",
            "target_reps", "intervals"}
INTERVAL_KEYS = {"kind", "duration_s", "target_reps"}
#: The default of a key that must be given.
REQUIRED = object()


@dataclass(frozen=True)
class Interval:
    """One stretch of the plan: ``kind`` "work" or "rest" for ``duration_s``;
    a work interval may ask for ``target_reps`` valid reps (EMOM)."""

    kind: str
    duration_s: float
    target_reps: int | None = None

    def to_json(self) -> dict:
        return {"kind": self.kind, "duration_s": self.duration_s, "target_reps": self.target_reps}


@dataclass(frozen=True)
class Definition:
    """A challenge as written: ``intervals`` is the whole plan of a one-athlete
    challenge, or one turn (work, then rest if any) of a relay, which the class
    repeats ``rounds`` times in roster order.

        tabata = load_challenge("tabata")
        assert (tabata.athletes, tabata.score, len(tabata.intervals)) == ("one", "valid_reps", 16)
        assert [i.kind for i, _ in tabata.plan(1)][:3] == ["work", "rest", "work"]
    """

    name: str
    title: str
    description: str
    athletes: str
    score: str
    intervals: tuple[Interval, ...]
    rounds: int = 1

    def plan(self, athletes_n: int) -> list[tuple[Interval, int | None]]:
        """Every interval of a run and the roster index of who works in it
        (None in a rest). A rest after the last work interval is dropped: the
        challenge is over when the work is."""
        if self.athletes == ONE:
            plan = [(i, 0 if i.kind == WORK else None) for i in self.intervals]
        else:
            plan = [(i, athlete if i.kind == WORK else None)
                    for _ in range(self.rounds) for athlete in range(athletes_n)
                    for i in self.intervals]
        while plan and plan[-1][0].kind == REST:
            plan.pop()
        if len(plan) > MAX_INTERVALS:
            raise UserError(f"The {self.name} challenge for {athletes_n} athletes would have "
                            f"{len(plan)} intervals, more than {MAX_INTERVALS}; use fewer "
                            "athletes or rounds.")
        return plan

    def to_json(self) -> dict:
        return {"name": self.name, "title": self.title, "description": self.description,
                "athletes": self.athletes, "score": self.score, "rounds": self.rounds,
                "intervals": [i.to_json() for i in self.intervals]}


def preset_names() -> list[str]:
    """The presets shipped in assets/challenges/, sorted."""
    return sorted(path.stem for path in PRESETS_DIR.glob("*.toml"))


def load_challenge(spec: str | Path) -> Definition:
    """A preset by name ("tabata") or a challenge file by path."""
    text = str(spec)
    if text in preset_names():
        return read_challenge(PRESETS_DIR / f"{text}.toml")
    if text.endswith(".toml") or "/" in text or Path(text).exists():
        return read_challenge(Path(text))
    raise UserError(f"There is no challenge called {text!r}; use one of "
                    f"{', '.join(preset_names())}, or give a .toml file.")


#: Challenge files looked at on one stick: a class needs a few, not hundreds.
MAX_FILES_ON_A_STICK = 20


def challenges_in(folder: Path) -> tuple[list[Definition], list[str]]:
    """The challenge files at the top of ``folder`` (a USB stick): the good
    ones, and one sentence for each file that is not a good challenge."""
    good, problems = [], []
    try:
        paths = sorted(path for path in Path(folder).glob("*.toml") if path.is_file())
    except OSError as error:
        return [], [f"The stick could not be read for challenge files ({error.strerror or error})."]
    for path in paths[:MAX_FILES_ON_A_STICK]:
        try:
            good.append(read_challenge(path))
        except UserError as error:
            problems.append(str(error))
    return good, problems


def read_challenge(path: Path) -> Definition:
    """Read and check one challenge file."""
    try:
        with open(path, "rb") as file:
            raw = file.read(MAX_FILE_BYTES + 1)
    except OSError as error:
        raise UserError(f"Cannot read the challenge file {path} ({error.strerror or error}); "
                        "check the name and that the stick is still in.") from None
    if len(raw) > MAX_FILE_BYTES:
        raise UserError(f"The challenge file {path} is larger than {MAX_FILE_BYTES // 1024} KiB; "
                        "a challenge file is a short TOML file.")
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise UserError(f"The challenge file {path} is not valid TOML ({error}); "
                        "fix it or use a preset.") from None
    except RecursionError:  # thousands of nested brackets: made to break a parser
        raise UserError(f"The challenge file {path} nests too deeply to be a challenge; "
                        "fix it or use a preset.") from None
    return parse_definition(data, str(path))


def parse_definition(data: dict, origin: str) -> Definition:
    """A checked ``Definition`` from parsed TOML; ``origin`` names the file in errors."""
    check = _Checker(origin)
    check.known_keys(data, TOP_KEYS, "")
    name = check.text(data, "name", REQUIRED)
    if not NAME_PATTERN.fullmatch(name):
        check.fail("name", "must be 1-40 lower-case letters, digits or dashes, like \"tabata\"")
    athletes = check.choice(data, "athletes", (ONE, RELAY), ONE)
    score = check.choice(data, "score", SCORES, "valid_reps")
    intervals, rounds = _intervals(check, data, athletes)
    return Definition(name=name, title=check.text(data, "title", REQUIRED),
                      description=check.text(data, "description", ""), athletes=athletes,
                      score=score, intervals=intervals, rounds=rounds)


def _intervals(check: "_Checker", data: dict, athletes: str) -> tuple[tuple[Interval, ...], int]:
    by_rounds = {"rounds", "work_s", "rest_s", "target_reps"} & set(data)
    if "intervals" in data:
        if by_rounds:
            check.fail("intervals", f"cannot be given with {', '.join(sorted(by_rounds))}; "
                       "use either [[intervals]] or rounds/work_s/rest_s")
        if athletes == RELAY:
            check.fail("intervals", "is for one-athlete challenges; a relay uses rounds, work_s "
                       "and rest_s")
        return _interval_list(check, data["intervals"]), 1
    rounds = check.number(data, "rounds", 1, (1, MAX_INTERVALS), integer=True)
    work = Interval(WORK, check.number(data, "work_s", REQUIRED, DURATION_RANGE_S),
                    check.number(data, "target_reps", None, TARGET_RANGE, integer=True))
    rest_s = check.number(data, "rest_s", 0, (0, DURATION_RANGE_S[1]))
    if 0 < rest_s < DURATION_RANGE_S[0]:
        check.fail("rest_s", f"must be 0 (no rest) or {DURATION_RANGE_S[0]:g}-"
                   f"{DURATION_RANGE_S[1]:g} s")
    turn = (work, Interval(REST, rest_s)) if rest_s else (work,)
    if athletes == ONE:
        if rounds * 2 - 1 > MAX_INTERVALS and rest_s:  # the last rest is dropped
            check.fail("rounds", f"with a rest makes more than {MAX_INTERVALS} intervals; "
                       f"at most {(MAX_INTERVALS + 1) // 2} rounds")
        return turn * rounds, 1
    return turn, rounds


def _interval_list(check: "_Checker", items) -> tuple[Interval, ...]:
    if not isinstance(items, list) or not items or not all(isinstance(i, dict) for i in items):
        check.fail("intervals", "must be a list of [[intervals]] tables")
    if len(items) > MAX_INTERVALS:
        check.fail("intervals", f"has {len(items)} intervals; at most {MAX_INTERVALS}")
    out = []
    for number, item in enumerate(items, 1):
        where = f"intervals[{number}]."
        check.known_keys(item, INTERVAL_KEYS, where)
        kind = check.choice(item, "kind", (WORK, REST), REQUIRED, where)
        duration_s = check.number(item, "duration_s", REQUIRED, DURATION_RANGE_S, where=where)
        target = check.number(item, "target_reps", None, TARGET_RANGE, integer=True, where=where)
        if kind == REST and target is not None:
            check.fail(where + "target_reps", "is only for work intervals")
        out.append(Interval(kind, duration_s, target))
    if not any(i.kind == WORK for i in out):
        check.fail("intervals", "needs at least one work interval")
    return tuple(out)


class _Checker:
    """Reads keys of one file; every complaint names the file and the key."""

    def __init__(self, origin: str) -> None:
        self.origin = origin

    def fail(self, key: str, what: str):
        raise UserError(f"In the challenge file {self.origin}, {key} {what}.")

    def known_keys(self, table: dict, known: set, where: str) -> None:
        unknown = sorted(set(table) - known)
        if unknown:
            self.fail(where + _shown_key(unknown[0]), f"is not a challenge key; the keys are "
                      f"{', '.join(sorted(known))}")

    def _get(self, table: dict, key: str, default, where: str):
        if key not in table:
            if default is REQUIRED:
                self.fail(where + key, "is missing")
            return default
        return table[key]

    def text(self, table: dict, key: str, default) -> str:
        value = self._get(table, key, default, "")
        limit = TEXT_LIMITS.get(key, 40)
        if not isinstance(value, str) or (default is REQUIRED and not value.strip()):
            self.fail(key, "must be a text in quotes")
        if len(value) > limit:
            self.fail(key, f"is longer than {limit} characters")
        return value.strip()

    def choice(self, table: dict, key: str, allowed: tuple, default, where: str = ""):
        value = self._get(table, key, default, where)
        if value not in allowed:
            self.fail(where + key, f"must be one of {', '.join(map(repr, allowed))}, "
                      f"not {_shown(value)}")
        return value

    def number(self, table: dict, key: str, default, limits: tuple, integer: bool = False,
               where: str = ""):
        value = self._get(table, key, default, where)
        if value is None:
            return None
        wanted = int if integer else (int, float)
        low, high = limits
        if isinstance(value, bool) or not isinstance(value, wanted) or \
                not math.isfinite(value) or not low <= value <= high:
            kind = "a whole number" if integer else "a number"
            self.fail(where + key, f"must be {kind} from {low:g} to {high:g}, not {_shown(value)}")
        return value if integer else float(value)


def _shown(value) -> str:
    """A value from the file as an error quotes it: short, whatever was written."""
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _shown_key(key: str) -> str:
    return key if key.isprintable() and len(key) <= 40 else _shown(key)
