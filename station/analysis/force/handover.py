"""Timing handed from the mat to the load cells, and back.

With a mat and load cells the mat times the jumps and the plate checks it
(mat_check.py). When the check finds the mat silent or stuck while the plate
goes on showing phases (an unplugged mat, from the start or later), timing
moves to the plate: the same provisional threshold and edges at the unloaded
level as without a mat (contact.py, refine.py). When the mat changes again
(a mat edge arrives), timing moves back to it once no set is going on.

A handover happens at a moment the phases are settled (no change waiting to
be believed), from the last transition they took (``since_s``): the level
of the sensor taking over then is made the phases' own, and its transitions
after that are played into the phases, as if it had timed them all along.
Nothing the phases decided before is undone: between their last transition
and now a settled phase decides nothing but a step-off, which ends a set,
and after one the phases are off, where nothing is decided at all. Every
transition played is recent (a handover comes at most ``mat_disagree_s``
after the first change of the other sensor that the mat did not follow, or
at the step-off that ends a set), so its samples are still kept for looking
back; only the step on that begins a replay may be old, and it needs none.
"""

from __future__ import annotations

from dataclasses import dataclass

from station.analysis.mat import Transition

NO_MAT = ("No mat signal: timing from the load cells. Check the mat and its cable; the mat times "
          "the jumps again from the set after it works.")
MAT_BACK = "The mat works again: it times the jumps from the next set."


class TransitionLog:
    """One sensor's whole-mat transitions after ``since_s``, and its level then.

        log = TransitionLog(contact=False, zone=None, since_s=0.0)
        log.add(transition)
        log.forget_until(time_s)   # folds older transitions into the level
    """

    def __init__(self, contact: bool, zone: str | None, since_s: float) -> None:
        self.contact, self.zone, self.since_s = contact, zone, since_s
        self.changes: list[Transition] = []

    def add(self, change: Transition) -> None:
        self.changes.append(change)

    def forget_until(self, time_s: float) -> None:
        done = 0
        for change in self.changes:
            if change.time_s > time_s:
                break
            self.contact, self.zone, self.since_s = change.contact, change.zone, change.time_s
            done += 1
        del self.changes[:done]


@dataclass(frozen=True, slots=True)
class Handover:
    """How the phases take over another sensor's timeline at ``since_s``.

    ``end_contact``: the phases' contact was not real (the other sensor was
    empty): it ends at ``since_s``, a step-off. ``changes``: transitions to
    play into the phases, in time order (a step on at ``since_s`` first,
    when the phases were off and the other sensor was loaded). ``empty``:
    the other sensor had nobody on it at ``since_s``.
    """

    since_s: float
    end_contact: bool
    changes: list[Transition]
    empty: bool


def handover(log: TransitionLog, since_s: float, settled: tuple[bool, bool] | None,
             lag_s: float) -> Handover | None:
    """The handover to the sensor of ``log`` from ``since_s``, or None if
    the phases cannot take it now: a change waits to be believed, or they
    have the athlete in the air while the other sensor has them standing
    (the set's step-off will settle that).

    ``settled`` is the phases' (in a set, in contact); ``lag_s`` how far the
    two sensors may be apart at an edge (``mat_disagree_s``): the other
    sensor's first change within it of ``since_s`` only catches up with
    the phases.
    """
    if settled is None:
        return None
    in_set, contact = settled
    log.forget_until(since_s)
    changes, level = list(log.changes), log.contact
    if level != contact and changes and changes[0].time_s - since_s <= lag_s:
        changes, level = changes[1:], contact
    if level == contact:
        return Handover(since_s, False, changes, not level)
    if level and not in_set:
        return Handover(since_s, False, [Transition(since_s, True, log.zone), *changes], False)
    if contact:
        return Handover(since_s, True, changes, True)
    return None


def shows_phases(plan: Handover, now_s: float) -> bool:
    """The sensor taking over changed after the phases' last transition, by
    ``now_s``: a plate that never changes (a stuck cell holding it loaded)
    is no timeline to hand over to."""
    return any(plan.since_s < change.time_s <= now_s for change in plan.changes)
