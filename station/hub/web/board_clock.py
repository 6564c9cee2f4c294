"""Where a class challenge's intervals fall on the wall clock, as the
stations run them: the plan from its start time, shifted by every pause and
skip the coach made (pure; the TV's countdown runs on it).

The stations' engine (station/challenge/engine.py) decides it this way: a
pause freezes the running interval's clock, so the interval ends later by
the time paused; a skip ends the running interval at once and starts the
next there (still paused, if paused); a pause or skip before the start, or
after the last interval, changes nothing. The board follows the same rule.

    timeline([("work", 20.0), ("rest", 10.0)], 100.0, [(105.0, "pause"), (108.0, "resume")])
    # {"intervals": [["work", 1, 100.0, 123.0], ["rest", None, 123.0, 133.0]], "paused": None}
"""

from __future__ import annotations


def timeline(plan: list, start_unix_s: float, controls: list[tuple[float, str]]) -> dict:
    """``plan``: [(kind, duration_s)]; ``controls``: [(at_unix_s, action)] in
    time order. Each interval as [kind, round (work only), start, end] in Unix
    seconds, the ones to come as if nothing more is done; ``paused``: None, or
    {"index": the interval's position, "left_s": its time left, frozen}."""
    done: list[list] = []
    index, begun_s, paused_in_s, pause_s = 0, start_unix_s, 0.0, None

    def end_s() -> float:
        return begun_s + plan[index][1] + paused_in_s

    for at_s, action in controls:
        if at_s < start_unix_s:
            continue
        while pause_s is None and index < len(plan) and end_s() <= at_s:
            done.append([index, begun_s, end_s()])
            index, begun_s, paused_in_s = index + 1, end_s(), 0.0
        if index >= len(plan):
            break
        if action == "pause" and pause_s is None:
            pause_s = at_s
        elif action == "resume" and pause_s is not None:
            paused_in_s += at_s - pause_s
            pause_s = None
        elif action == "skip":
            done.append([index, begun_s, at_s])
            index, begun_s, paused_in_s = index + 1, at_s, 0.0
            pause_s = None if pause_s is None else at_s
    paused = None
    if pause_s is not None and index < len(plan):
        paused = {"index": index, "left_s": max(0.0, end_s() - pause_s)}
    while index < len(plan):
        done.append([index, begun_s, end_s()])
        index, begun_s, paused_in_s = index + 1, end_s(), 0.0
    rounds, intervals = 0, []
    for position, start_s, finish_s in done:
        kind = plan[position][0]
        rounds += kind == "work"
        intervals.append([kind, rounds if kind == "work" else None, start_s, finish_s])
    return {"intervals": intervals, "paused": paused}
