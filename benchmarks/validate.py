"""The validation report: docs/validation.md, from numbers this script measures.

    .venv/bin/pip install --target /tmp/peers jumpmetrics plateforce   # the peers, beside the station
    PYTHONPATH=/tmp/peers .venv/bin/python benchmarks/validate.py [--out docs/validation.md] [--repeat 5]

The peers go into a folder of their own, never into the station's
environment: they are not dependencies of the station. ``--recording NAME``
(repeatable), ``--seeds``, ``--simulated-s`` and ``--no-peers`` make a short
run (tests/test_validate_script.py checks the script that way).

For every real recording in tests/data/recordings and a few simulated
sessions (whose ground truth the simulated athlete knows), each method times
every jump: take-off, touchdown, flight, the contact before it, jump height
and the landing's peak force. The methods:

- ours: the station's pipeline with force alone (no mat);
- "20 N": a plain fixed threshold (tests/plain_rules.py);
- "level + 5 SD": each 20 N flight's edges moved to mean + 5 SD of the middle
  half of that flight (tests/plain_rules.py), the published rule;
- jumpmetrics and plateforce from PyPI, each on a crop around each jump (both
  analyse one jump per trace), when installed; their versions go into the
  report, and a number of theirs no jump can have (below) is shown as
  impossible, not as a difference.

Differences are against the "level + 5 SD" rule for real recordings (they
have no ground truth) and against the truth for simulated ones. Every
number in the report is measured by this script on this machine; a peer that
is missing or refuses a jump is reported as such.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from this_machine import describe_machine
from station.analysis.events import Contact, Flight, Landing, jump_height_m
from station.analysis.pipeline import Pipeline
from station.readings import ForceBlock, MatStart
from station.sources.recording import read_recording
from station.sources.simulated import simulate

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
from plain_rules import first_landing_s, fixed_threshold_flights, unloaded_level_flights  # noqa: E402

RECORDINGS = ROOT / "tests" / "data" / "recordings"
SIMULATED_SEEDS = (1, 2, 3)
SIMULATED_S = 60.0
#: The window after touchdown where the landing's peak is read (landing_window_s).
PEAK_WINDOW_S = 0.12
#: A contact longer than this before a take-off is standing, not a rebound.
MAX_CONTACT_S = 1.0
#: A method's jump is the reference's when their take-offs are this close.
MATCH_S = 0.1
#: Peers analyse this much before a take-off and after a touchdown.
CROP_BEFORE_S, CROP_AFTER_S = 2.0, 1.0
#: Nobody jumps higher than this (standing vertical jumps stay well under
#: 1.5 m): a height beyond it, or below 0, is a method's failure, not a
#: measurement, and is flagged rather than averaged.
MAX_HEIGHT_M = 2.0
#: The flight of that height, t = sqrt(8 h / g).
MAX_FLIGHT_S = (8 * MAX_HEIGHT_M / 9.81) ** 0.5
#: The peers, by their PyPI names.
PEERS = ("jumpmetrics", "plateforce")
#: How a value no jump can have is shown (see ``impossible``).
IMPOSSIBLE = "impossible"


@dataclass
class Jump:
    takeoff_s: float | None
    touchdown_s: float | None
    contact_s: float | None = None     # the contact that ended at this take-off
    height_m: float | None = None      # from the flight time
    impulse_height_m: float | None = None
    peak_force_n: float | None = None

    @property
    def flight_s(self) -> float | None:
        if self.takeoff_s is None or self.touchdown_s is None:
            return None
        return self.touchdown_s - self.takeoff_s


def impossible(kind: str, value: float | None) -> bool:
    """A value no jump can have: a height outside 0-2 m, a flight outside
    0 to that height's, a negative contact or force."""
    if value is None:
        return False
    if kind == "height":
        return not 0.0 <= value <= MAX_HEIGHT_M
    if kind == "flight":
        return not 0.0 < value <= MAX_FLIGHT_S
    return value < 0.0


@dataclass
class Trace:
    name: str
    time_s: np.ndarray
    fz_n: np.ndarray
    rate_hz: float
    truth: list[Jump] | None = None


# -- the methods -------------------------------------------------------------

def ours(trace: Trace) -> list[Jump]:
    pipeline = Pipeline()
    events = pipeline.start(MatStart(float(trace.time_s[0]), {}), has_force=True)
    events += pipeline.feed([ForceBlock(trace.time_s, trace.fz_n)])
    events += pipeline.finish(float(trace.time_s[-1]))
    peaks = {e.touchdown_s: e.landing["peak_force_n"] for e in events if isinstance(e, Landing)}
    contacts = {e.end_s: e for e in events if isinstance(e, Contact) and e.end_s is not None}
    jumps = []
    for flight in (e for e in events if isinstance(e, Flight)):
        contact = contacts.get(flight.takeoff_s)
        contact_s = None
        if contact is not None and contact.duration_s is not None and contact.duration_s <= MAX_CONTACT_S:
            contact_s = contact.duration_s
        jumps.append(Jump(flight.takeoff_s, flight.landing_s, contact_s, flight.height_m,
                          peak_force_n=peaks.get(flight.landing_s)))
    return jumps


def _rule_jumps(trace: Trace, flights: list[tuple[float, float]], sd_factor: float | None) -> list[Jump]:
    touchdowns = [touchdown for _, touchdown in flights]
    first_s = first_landing_s(trace.time_s, trace.fz_n, sd_factor=sd_factor)
    if first_s is not None:  # the plate started empty: a first landing onto it
        touchdowns.append(first_s)
    jumps = []
    for takeoff, touchdown in flights:
        before = [t for t in touchdowns if t < takeoff]
        contact_s = takeoff - max(before) if before and takeoff - max(before) <= MAX_CONTACT_S else None
        window = (trace.time_s >= touchdown) & (trace.time_s <= touchdown + PEAK_WINDOW_S)
        jumps.append(Jump(takeoff, touchdown, contact_s, jump_height_m(touchdown - takeoff),
                          peak_force_n=float(trace.fz_n[window].max())))
    return jumps


def fixed_20_n(trace: Trace) -> list[Jump]:
    return _rule_jumps(trace, fixed_threshold_flights(trace.time_s, trace.fz_n), None)


def level_5_sd(trace: Trace) -> list[Jump]:
    return _rule_jumps(trace, unloaded_level_flights(trace.time_s, trace.fz_n), 5.0)


def _crops(trace: Trace):
    """(offset index, force) around each jump of the 20 N rule, never
    reaching the middle of a neighbouring flight."""
    flights = fixed_threshold_flights(trace.time_s, trace.fz_n)
    for k, (takeoff, touchdown) in enumerate(flights):
        start_s = takeoff - CROP_BEFORE_S
        end_s = touchdown + CROP_AFTER_S
        if k > 0:
            start_s = max(start_s, (flights[k - 1][0] + flights[k - 1][1]) / 2 + 0.5 * (takeoff - flights[k - 1][1]))
        if k + 1 < len(flights):
            end_s = min(end_s, touchdown + 0.5 * (flights[k + 1][0] - touchdown))
        first, last = np.searchsorted(trace.time_s, [start_s, end_s])
        yield int(first), trace.fz_n[first:last]


def jumpmetrics_jumps(trace: Trace) -> list[Jump]:
    """Its documented building blocks: someone on the plate (200 N), take-off
    when under 10 N for 0.1 s (its default 0.25 s misses rebound flights), its
    squat-jump take-off metrics, landing at 20 N held 15 ms, its landing metrics."""
    import pandas as pd
    from jumpmetrics.core.io import (find_first_frame_where_force_exceeds_threshold, find_frame_when_off_plate,
                                     find_landing_frame, get_n_seconds_before_takeoff)
    from jumpmetrics.core.processors import ForceTimeCurveJumpLandingProcessor, ForceTimeCurveSQJTakeoffProcessor
    rate = trace.rate_hz
    jumps = []
    for first, fz_n in _crops(trace):
        try:
            force = pd.Series(fz_n)
            on_plate = find_first_frame_where_force_exceeds_threshold(force, 200.0)
            takeoff = find_frame_when_off_plate(force.iloc[on_plate:], rate, flight_time_threshold=0.1)
            after = force.iloc[takeoff:].reset_index(drop=True)
            landing = find_landing_frame(after.values, rate)
            before = ForceTimeCurveSQJTakeoffProcessor(get_n_seconds_before_takeoff(force, rate, takeoff, 2.0),
                                                       sampling_frequency=rate, weighing_time=0.25)
            before.get_jump_events()
            before.compute_jump_metrics()
            metrics = before.jump_metrics
            land = ForceTimeCurveJumpLandingProcessor(after.values[landing:], rate, before.body_weight,
                                                      metrics["takeoff_velocity"])
            land.get_landing_events()
            land.compute_landing_metrics()
        except Exception as error:  # a peer's refusal is a result to report
            jumps.append(Jump(None, None))
            jumps[-1].refused = f"{type(error).__name__}: {error}"
            continue
        takeoff_s = float(trace.time_s[first + takeoff])
        touchdown_s = float(trace.time_s[first + takeoff + landing])
        jumps.append(Jump(takeoff_s, touchdown_s, None, jump_height_m(touchdown_s - takeoff_s),
                          impulse_height_m=float(metrics["jump_height_net_vertical_impulse"]),
                          peak_force_n=float(land.landing_metrics["max_landing_force"][0])))
    return jumps


def jumpmetrics_wrapper(trace: Trace) -> str:
    """What jumpmetrics' one-call ``process_jump_trial`` does with a whole file."""
    from jumpmetrics.core.jump_processing import process_jump_trial
    try:
        process_jump_trial(trace.fz_n, sampling_frequency=int(trace.rate_hz), jump_type="squat",
                           weighing_time=0.25, pid="x", lowpass_filter=False,
                           compute_jump_height_from_flight_time=True)
    except Exception as error:  # measured, to be reported
        return f"raises {type(error).__name__}: {error}"
    return "runs"


def plateforce_jumps(trace: Trace) -> list[Jump]:
    import plateforce
    registry = plateforce.Registry.load()
    methods = dict(weighing_epoch=registry.method("bwepoch.fixed_window").bind(duration=0.25),
                   onset=registry.method("onset.threshold.noise_relative").bind(k=5.0),
                   takeoff=registry.method("takeoff.threshold.absolute_force").bind(threshold_n=20.0))
    jumps = []
    for first, fz_n in _crops(trace):
        try:
            result = plateforce.analyse_countermovement_jump(plateforce.Trial(fz_n, sample_rate_hz=trace.rate_hz),
                                                             **methods)
        except Exception as error:  # a peer's refusal is a result to report
            jumps.append(Jump(None, None))
            jumps[-1].refused = f"{type(error).__name__}: {error}"
            continue

        def value(name):
            measured = getattr(result, name, None)
            return getattr(measured, "value", measured)

        takeoff_index, touchdown_index = value("takeoff_index"), value("touchdown_index")
        takeoff_s = None if takeoff_index is None else float(trace.time_s[first + int(takeoff_index)])
        touchdown_s = None if touchdown_index is None else float(trace.time_s[first + int(touchdown_index)])
        flight_s = value("flight_time_seconds")
        jump = Jump(takeoff_s, touchdown_s, None, None if flight_s is None else jump_height_m(flight_s),
                    impulse_height_m=value("jump_height_takeoff_frame_meters"))
        if takeoff_s is None:
            jump.refused = "; ".join(f"{type(r).__name__} ({r.method_id})" for r in result.refusals) or "no take-off"
        jumps.append(jump)
    return jumps


METHODS = {"ours": ours, "20 N": fixed_20_n, "level + 5 SD": level_5_sd,
           "jumpmetrics": jumpmetrics_jumps, "plateforce": plateforce_jumps}


def peer_version(name: str) -> str | None:
    """The installed version of a peer that imports, else None."""
    try:
        __import__(name)
    except ImportError:
        return None
    return importlib.metadata.version(name)


# -- the traces --------------------------------------------------------------

def real_traces(names: list[str] | None = None) -> list[Trace]:
    """The shared recordings (only ``names``, if given)."""
    traces = []
    for path in sorted(RECORDINGS.glob("*.csv")):
        if names and path.name not in names:
            continue
        recording = read_recording(path)
        traces.append(Trace(path.name, np.asarray(recording.time_s, dtype=float),
                            np.asarray(recording.fz_n, dtype=float), float(recording.sample_rate_hz or 1000)))
    return traces


def simulated_traces(seeds, seconds: float) -> list[Trace]:
    traces = []
    for seed in seeds:
        _, readings, truth = simulate(seed, seconds, force=True)
        force = next(r for r in readings if isinstance(r, ForceBlock))
        phases = [p for p in truth if p.end_s < seconds - 0.5]
        jumps = []
        for before, flight, after in zip(phases, phases[1:], phases[2:]):
            if flight.kind != "flight":
                continue
            contact_s = before.duration_s if before.kind == "contact" and before.landed else None
            jumps.append(Jump(flight.start_s, flight.end_s, contact_s, jump_height_m(flight.duration_s),
                              peak_force_n=after.peak_force_n))
        traces.append(Trace(f"simulated seed {seed}", force.time_s, force.fz_n, 1000.0, truth=jumps))
    return traces


# -- measuring and writing -----------------------------------------------------

def run(trace: Trace, method, repeat: int) -> tuple[list[Jump], float]:
    seconds = []
    for _ in range(repeat):
        began = time.perf_counter()
        jumps = method(trace)
        seconds.append(time.perf_counter() - began)
    return jumps, statistics.median(seconds)


def matched(jumps: list[Jump], reference: Jump) -> Jump | None:
    found = [j for j in jumps if j.takeoff_s is not None and abs(j.takeoff_s - reference.takeoff_s) <= MATCH_S]
    return min(found, key=lambda j: abs(j.takeoff_s - reference.takeoff_s)) if found else None


def fmt(value, scale=1.0, places=1, signed=False) -> str:
    if value is None:
        return "-"
    return f"{value * scale:+.{places}f}" if signed else f"{value * scale:.{places}f}"


def delta(a, b):
    return None if a is None or b is None else a - b


def jump_rows(name: str, jump: Jump | None, reference: Jump) -> str:
    if jump is None:
        return f"| {name} | not found | | | | | | |"
    if getattr(jump, "refused", None):
        return f"| {name} | refused: {jump.refused[:120]} | | | | | | |"
    impulse = ""
    if jump.impulse_height_m is not None:
        impulse = "; impulse " + (IMPOSSIBLE if impossible("height", jump.impulse_height_m)
                                  else fmt(jump.impulse_height_m, 100, 2))
    cells = [
        f"{fmt(jump.takeoff_s, 1, 4)} ({fmt(delta(jump.takeoff_s, reference.takeoff_s), 1000, 1, True)})",
        f"{fmt(jump.touchdown_s, 1, 4)} ({fmt(delta(jump.touchdown_s, reference.touchdown_s), 1000, 1, True)})",
        compared("flight", jump.flight_s, reference.flight_s, 1000, 1),
        compared("contact", jump.contact_s, reference.contact_s, 1000, 1),
        compared("height", jump.height_m, reference.height_m, 100, 2) + impulse,
        compared("peak", jump.peak_force_n, reference.peak_force_n, 1, 0),
    ]
    return f"| {name} | " + " | ".join(cells) + " |"


def compared(kind: str, value, reference, scale: float, places: int) -> str:
    """A value and its difference from the reference's, or IMPOSSIBLE."""
    if impossible(kind, value):
        return IMPOSSIBLE
    return f"{fmt(value, scale, places)} ({fmt(delta(value, reference), scale, places, True)})"


def summary_rows(traces, results) -> list[str]:
    """Mean and largest |difference| from the reference, per method; values
    no jump can have are left out and counted."""
    rows = []
    for name in results[traces[0].name]:
        errors = {"takeoff": [], "touchdown": [], "flight": [], "contact": [], "height": [], "peak": []}
        found = total = flagged = 0
        for trace in traces:
            jumps, _ = results[trace.name][name]
            for truth in trace.truth:
                total += 1
                jump = matched(jumps, truth)
                if jump is None or getattr(jump, "refused", None):
                    continue
                found += 1
                for key, a, b, scale in (("takeoff", jump.takeoff_s, truth.takeoff_s, 1000),
                                         ("touchdown", jump.touchdown_s, truth.touchdown_s, 1000),
                                         ("flight", jump.flight_s, truth.flight_s, 1000),
                                         ("contact", jump.contact_s, truth.contact_s, 1000),
                                         ("height", jump.height_m, truth.height_m, 100),
                                         ("peak", jump.peak_force_n, truth.peak_force_n, 1)):
                    if impossible(key, a):
                        flagged += 1
                        continue
                    d = delta(a, b)
                    if d is not None:
                        errors[key].append(abs(d) * scale)
                flagged += impossible("height", jump.impulse_height_m)

        def stat(key, places):
            values = errors[key]
            if not values:
                return "-"
            return f"{statistics.fmean(values):.{places}f} / {max(values):.{places}f}"
        rows.append(f"| {name} | {found} of {total} | {stat('takeoff', 2)} | {stat('touchdown', 2)} | "
                    f"{stat('flight', 2)} | {stat('contact', 2)} | {stat('height', 2)} | {stat('peak', 0)} | "
                    f"{flagged} |")
    return rows


SUMMARY_HEADER = ["| method | jumps found | take-off ms | touchdown ms | flight ms | contact ms | height cm | "
                  "peak N | impossible |", "|---|---|---|---|---|---|---|---|---|"]


def timing_rows(traces, results) -> list[str]:
    rows = []
    for trace in traces:
        seconds = " | ".join(f"{results[trace.name][name][1] * 1000:.1f}" for name in results[trace.name])
        rows.append(f"| {trace.name} ({len(trace.time_s) / trace.rate_hz:.0f} s) | {seconds} |")
    return rows


def report(real, simulated, results, peers: dict, repeat: int, seconds: float) -> str:
    """``peers``: each peer's version, or why it is not in the tables."""
    names = list(results[real[0].name])
    lines = [
        "# Validation",
        "",
        "Written by `benchmarks/validate.py` from numbers it measured; do not edit by hand. Run it again",
        "after any change to force analysis. Force alone (no mat), 1000 Hz. Machine: " + describe_machine() + ".",
        "",
        "Methods: **ours** (the station's pipeline, docs/landing.md \"Timing from force\"); **20 N**, a plain",
        "fixed threshold; **level + 5 SD**, each 20 N flight's edges moved to mean + 5 SD of the middle half of",
        "that flight (McMahon 2018), written plainly in `tests/plain_rules.py`; **jumpmetrics** and **plateforce**",
        "from PyPI, installed for this script only (never a dependency of the station), each run on a crop",
        f"from {CROP_BEFORE_S:g} s before to {CROP_AFTER_S:g} s after each jump, since both analyse one jump per trace",
        "(jumpmetrics as a squat jump on raw data, 0.25 s weighing; plateforce with its 20 N take-off rule).",
        "Jump height is from the flight time, h = g t^2 / 8; where a peer also gives the impulse-momentum",
        "height it is shown after it. Peak force is the highest force within 0.12 s of touchdown",
        "(jumpmetrics: its own landing phase). Contact is the contact that ended at the take-off, when it",
        f"began with a landing within {MAX_CONTACT_S:g} s (the drop jump's, and rebounds).",
        "",
        "Peers: " + "; ".join(f"{name} {version}" if name in names else f"{name}: {version}"
                              for name, version in peers.items()) + ".",
        "",
        f"A value no jump can have (a height outside 0-{MAX_HEIGHT_M:g} m, a flight longer than that height's "
        f"{MAX_FLIGHT_S:.2f} s or not",
        "positive, a negative contact or force) is a method's failure, not a measurement: it is shown as",
        f"\"{IMPOSSIBLE}\", left out of the means, and counted in the summaries' last column.",
        "",
    ]
    if "jumpmetrics" in names:
        lines += ["jumpmetrics' one-call `process_jump_trial` on each whole real recording: " +
                  "; ".join(f"{trace.name} {jumpmetrics_wrapper(trace)}" for trace in real) +
                  ". The tables use its documented building blocks instead (see `jumpmetrics_jumps`).",
                  "Impulse-momentum heights of both peers depend on the weighing at the start of each crop,",
                  "which on multi-jump files may fall in the movement between jumps.", ""]
    lines += ["## Real force-plate recordings", "",
              "These recordings have no ground truth, so differences are from the **level + 5 SD** rule:",
              "milliseconds for times, centimetres for height, newtons for force. In short, the mean / largest",
              f"|difference| over their {sum(len(t.truth) for t in real)} jumps:", "",
              *SUMMARY_HEADER]
    lines += summary_rows(real, results)
    lines += ["", "Each jump, with the differences in brackets:", ""]
    for trace in real:
        lines += [f"### {trace.name}", ""]
        reference = results[trace.name]["level + 5 SD"][0]
        for k, ref_jump in enumerate(reference, 1):
            lines += [f"Jump {k}:", "",
                      "| method | take-off s (ms) | touchdown s (ms) | flight ms (ms) | contact ms (ms) | "
                      "height cm (cm) | peak N (N) |",
                      "|---|---|---|---|---|---|---|"]
            for name in names:
                lines.append(jump_rows(name, matched(results[trace.name][name][0], ref_jump), ref_jump))
            lines.append("")
    seeds = ", ".join(trace.name.removeprefix("simulated seed ") for trace in simulated)
    lines += ["## Simulated sessions with ground truth", "",
              f"{len(simulated)} sessions of the simulated athlete ({seconds:g} s each, seeds "
              f"{seeds}): backward-jump reps with rebounds, landings of known",
              "peak force. Each cell is the mean / largest |difference| from the truth over the jumps found.", "",
              *SUMMARY_HEADER]
    lines += summary_rows(simulated, results)
    lines += ["", "## Time to analyse", "",
              f"Milliseconds per file, the median of {repeat} runs, the same arrays in memory for every method.", "",
              "| file | " + " | ".join(names) + " |", "|---|" + "---|" * len(names)]
    lines += timing_rows(real + simulated, results)
    lines.append("")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "validation.md")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--recording", action="append", metavar="NAME",
                        help="only this shared recording (repeatable; default: all)")
    parser.add_argument("--seeds", type=int, nargs="+", default=list(SIMULATED_SEEDS), metavar="N",
                        help="simulated sessions (default: %(default)s)")
    parser.add_argument("--simulated-s", type=float, default=SIMULATED_S, metavar="S",
                        help="length of each simulated session (default: %(default)s)")
    parser.add_argument("--no-peers", action="store_true", help="leave jumpmetrics and plateforce out")
    args = parser.parse_args()
    peers = {name: "left out of this run (--no-peers)" if args.no_peers else
             (peer_version(name) or "not installed on this machine, so not in the tables") for name in PEERS}
    methods = {name: method for name, method in METHODS.items()
               if name not in PEERS or (not args.no_peers and peer_version(name))}
    real, simulated = real_traces(args.recording), simulated_traces(args.seeds, args.simulated_s)
    if not real:
        raise SystemExit(f"no shared recording of those names in {RECORDINGS}; see --help")
    results = {}
    for trace in real + simulated:
        results[trace.name] = {name: run(trace, method, args.repeat) for name, method in methods.items()}
        print(f"{trace.name}: " + ", ".join(f"{name} {len(jumps)} jumps in {seconds * 1000:.1f} ms"
                                             for name, (jumps, seconds) in results[trace.name].items()))
    for trace in real:
        trace.truth = results[trace.name]["level + 5 SD"][0]
    args.out.write_text(report(real, simulated, results, peers, args.repeat, args.simulated_s))
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
