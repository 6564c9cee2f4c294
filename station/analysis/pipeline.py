"""The one pipeline: readings in, events out, live or offline alike.

``station run`` feeds it as readings arrive and calls ``advance`` as time
passes; ``station analyse`` feeds a whole recording at once. Every decision
depends only on reading times, never on when the code ran, so both give the
same events.

Timing comes from the mat when there is one; from force alone (a virtual
"plate" zone whose edges are threshold crossings) when there is not, and
while the mat is dead (timelines.py, force/handover.py). With force, phases
are released only as far as force samples have arrived, so a contact's
landing metrics and a flight's centre of pressure always see the same
samples, however the readings were chunked.
"""

from __future__ import annotations

from dataclasses import replace

from station.analysis.events import (BodyWeight, Contact, Event, Fault, Flight, Landing, SetEnd, SetStart, Summary,
                                     jump_height_m)
from station.analysis.force.buffer import ForceBuffer
from station.analysis.force.cells import CellWatch
from station.analysis.force.coaching import FatigueWatch, left_share_pct
from station.analysis.force.contact import ForceContactDetector
from station.analysis.force.cop import backward_displacement_m, direction_of, mean_cop_y_m
from station.analysis.force.handover import MAT_BACK, NO_MAT
from station.analysis.force.landing import landing_metrics
from station.analysis.force.late import LateRatings
from station.analysis.force.mat_check import MatCheck, PlateChanged
from station.analysis.force.refine import EdgeRefiner
from station.analysis.force.rules import ForceRules, check_landing_window
from station.analysis.force.weigh_in import QuietWindow, WeighIn
from station.analysis.mat import MatTracker
from station.analysis.order import in_time_order
from station.analysis.phases import PhaseTracker, SetStarted, SteppedOff
from station.analysis.reps import RepAssembler
from station.analysis.rules import TimingRules
from station.analysis.stuck import StuckMat
from station.analysis.timelines import Timelines, first_zone
from station.readings import ForceBlock, MatEdge, MatStart, Reading

G_M_PER_S2 = 9.81
#: The plate the simulator and the reference build use (0.6 m x 0.9 m).
DEFAULT_PLATE_DEPTH_M = 0.9
#: Force kept for looking back: longer than any contact whose metrics are due.
FORCE_KEEP_S = 10.0
#: analyse() reads a recording in slices this long: well within FORCE_KEEP_S.
ANALYSE_SLICE_S = 1.0


class Pipeline:
    """Turns mat edges and force samples into contacts, flights, reps, sets and
    a summary.

        pipeline = Pipeline(TimingRules())
        events = pipeline.start(source.start(), has_force=source.has_force)
        events += pipeline.feed(source.read(float("inf")))
        events += pipeline.finish(source.end_s())
    """

    def __init__(self, rules: TimingRules | None = None, force_rules: ForceRules | None = None,
                 plate_depth_m: float = DEFAULT_PLATE_DEPTH_M, body_mass_kg: float | None = None) -> None:
        self.rules = rules or TimingRules()
        self.force_rules = force_rules or ForceRules()
        check_landing_window(self.rules, self.force_rules)
        self.plate_depth_m = plate_depth_m
        self._next_known_weight_n = None if body_mass_kg is None else body_mass_kg * G_M_PER_S2
        self._known_weight_n = self._next_known_weight_n  # the current set's athlete's
        self._timelines = Timelines(self.rules.bounce_s)
        self._phases: PhaseTracker | None = None
        self._reps = RepAssembler(self.rules)
        self._pending: list[Event] = []  # decided while feeding force, not yet returned
        self._buffer = ForceBuffer(FORCE_KEEP_S)
        self._weigh_in = WeighIn(self.force_rules)
        self._weigh_in_short = WeighIn(self.force_rules, self.force_rules.weigh_in_short_s)
        self._late = LateRatings(self.force_rules)
        self._cells = CellWatch(self.force_rules)  # the load cells and the plate's zero
        self._fatigue = FatigueWatch(self.force_rules)
        self._set_weight_n: float | None = None  # the current set's own, once weighed
        self._refiner: EdgeRefiner | None = None  # the plate's edges moved to the unloaded level
        self._empty_since_s: float | None = None  # timing from the plate: empty since then
        self._check: MatCheck | None = None  # a mat and load cells: do they agree?
        self._stuck: StuckMat | None = None  # a mat alone, watched for sticking
        #: The timeline the phases should follow from the next moment they
        #: can (True: the plate's), while it is not the one they follow.
        self._wanted: bool | None = None
        self._mat_message: str | None = None  # the mat's fault shown, if any
        self._side: list[tuple[float, object]] = []  # decided while releasing, in time order
        self._weights_seen = 0
        self._set_weighed = False
        self._set_weight_n = None
        self._late.clear()
        self._fatigue.new_set()
        self._has_force = False
        self._start_s = 0.0
        self._now_s = 0.0
        self._set_start_s: float | None = None
        self._set_reps = self._set_valid_reps = 0
        self._sets = 0
        self._flights = 0
        self._last_weight_n: float | None = None
        #: The last landing reported early: (touchdown time, its metrics), so
        #: its contact carries exactly the same numbers when it ends.
        self._landing_sent: tuple[float, dict] | None = None

    # -- feeding -----------------------------------------------------------

    def start(self, start: MatStart, has_force: bool = False) -> list[Event]:
        """``has_force``: force samples will come, so phases wait for them."""
        self._start_s = self._now_s = start.time_s
        self._has_force = has_force
        if not start.contact_by_zone:
            return []  # force alone: the first sample tells the level
        mat = self._timelines.start_mat(start)
        if not has_force:
            self._stuck = StuckMat(self.rules.stuck_contact_s, mat.contact, start.time_s)
        return self._begin(mat, start.time_s)

    def feed(self, readings: list[Reading]) -> list[Event]:
        out = []
        for reading in in_time_order(readings):
            if isinstance(reading, MatEdge):
                if self._timelines.mat is None:
                    raise ValueError("mat edges came to a pipeline timing from force alone")
                self._mat_changes(self._timelines.mat.feed(reading))
            elif isinstance(reading, ForceBlock):
                self._feed_force(reading)
            else:
                raise TypeError(f"not a reading: {reading!r}")
            # Decide as we go, while the force each decision needs is buffered.
            out += self._release(self._limit_s())
        return out

    def advance(self, now_s: float) -> list[Event]:
        """Time has reached ``now_s`` with no new reading: settle what that decides."""
        if self._timelines.mat is not None:
            self._mat_changes(self._timelines.mat.advance(now_s))
        return self._release(self._limit_s())

    def finish(self, end_s: float, why: str = "the recording ended") -> list[Event]:
        """The data ends at ``end_s``: report what is still open, then the summary."""
        out = []
        if self._phases is not None:
            # A change in the last bounce window is judged by the level it kept
            # to the end; phases still need their minimum within the data.
            settle_s = end_s + 2 * self.rules.bounce_s
            if self._timelines.mat is not None:
                self._mat_changes(self._timelines.mat.advance(settle_s))
            if self._timelines.plate is not None:
                self._plate_changes(self._timelines.plate.advance(settle_s))
            out += self._release(end_s)
            out += self._handle(self._phases.finish(end_s))
        if self._set_start_s is not None:
            out += self._close_set(end_s, "end", why)
        summary = Summary(self._reps.count, self._reps.valid_count, self._flights,
                          end_s - self._start_s, self._last_weight_n)
        return out + [summary]

    def _begin(self, tracker: MatTracker, start_s: float) -> list[Event]:
        closed = bool(tracker.closed_zones())
        self._phases = PhaseTracker(self.rules, start_s, closed, first_zone(tracker))
        return self._open_set(start_s) if closed else []

    def _feed_force(self, block: ForceBlock) -> None:
        if len(block.time_s) == 0:
            return
        self._buffer.append(block)
        self._weigh_in.feed(block.time_s, block.fz_n)
        self._weigh_in_short.feed(block.time_s, block.fz_n)
        self._cells.feed(block.time_s, block.fz_n, block.corners_n)
        timelines = self._timelines
        if timelines.plate is None:  # the plate's timeline starts with its first sample
            first_s = float(block.time_s[0])
            detector = ForceContactDetector(self.force_rules, self._buffer, float(block.fz_n[0]))
            plate = timelines.start_plate(detector, first_s)
            self._refiner = EdgeRefiner(self.force_rules, self._buffer, self.rules.step_off_s)
            if timelines.mat is None:  # force alone: the phases follow the plate from here
                self._empty_since_s = None if detector.contact else first_s
                self._pending += self._begin(plate, first_s)
            else:  # a mat and load cells: watch that they agree
                self._check = MatCheck(self.force_rules.mat_disagree_s, timelines.mat.contact,
                                       detector.contact)
        for edge in timelines.detector.feed(block.time_s, block.fz_n):
            self._plate_changes(timelines.plate.feed(edge))
        self._plate_changes(timelines.plate.advance(float(block.time_s[-1])))

    def _mat_changes(self, changes) -> None:
        self._timelines.mat_changes(changes)
        for watcher in (self._check, self._stuck):
            if watcher is not None:
                for change in changes:
                    watcher.mat(change)

    def _plate_changes(self, changes) -> None:
        self._timelines.plate_changes(changes)
        if self._check is not None:
            for change in changes:
                self._check.plate(change)

    def _limit_s(self) -> float:
        """How far in time phases can be decided: as far as both timelines
        are known, unless force has stopped coming and the mat times alone."""
        mat, plate = self._timelines.mat, self._timelines.plate
        if self._phases is None:
            return self._start_s
        if mat is None:
            return plate.settled_s
        if not self._has_force:
            return mat.settled_s
        waited_s = mat.settled_s - self._buffer.horizon_s
        if waited_s <= self.force_rules.force_wait_s or self._timelines.from_plate:
            return min(mat.settled_s, self._buffer.horizon_s if plate is None else plate.settled_s)
        return mat.settled_s

    def _release(self, limit_s: float) -> list[Event]:
        """Decide everything up to ``limit_s``, in time order: transitions of
        the timeline followed, and side decisions (weigh-ins, sensor faults)
        at their own times, so the order of events never depends on how
        readings came."""
        out, self._pending = self._pending, []
        if self._phases is None:
            return out
        self._side = self._side_decisions(limit_s)
        side = self._side
        while True:
            change_s = self._timelines.next_s(limit_s)
            landing_s = self._landing_due_s(limit_s)
            if landing_s is not None and (change_s is None or landing_s <= change_s) \
                    and not (side and side[0][0] < landing_s):
                out += self._handle(self._phases.advance(landing_s))
                out += self._early_landing()
            elif side and (change_s is None or side[0][0] < change_s):
                decided_s, event = side.pop(0)
                out += self._handle(self._phases.advance(decided_s))
                out += self._side_event(decided_s, event)
            elif change_s is not None:
                out += self._handle(self._phases.transition(self._timelines.pop()))
            else:
                break
        self._now_s = max(self._now_s, limit_s)
        return out + self._handle(self._phases.advance(limit_s))

    def _landing_due_s(self, limit_s: float) -> float | None:
        """When the open contact's landing metrics become final, if that is
        no later than ``limit_s`` and they are not reported yet."""
        if not self._has_force or self._phases is None or self._set_start_s is None:
            return None
        landing = self._phases.open_landing
        if landing is None or self._landing_sent is not None and self._landing_sent[0] == landing[1]:
            return None
        # Never before the landing itself is believed (min_contact_s).
        due_s = landing[1] + max(self.force_rules.landing_window_s, self.rules.min_contact_s)
        due_s = max(due_s, self._now_s)
        return due_s if due_s <= limit_s else None

    def _early_landing(self) -> list[Event]:
        landing = self._phases.open_landing
        if landing is None or self._phases.in_flight:
            return []  # the contact just ended (and reported its landing), or was undone
        index, touchdown_s, takeoff_s = landing
        # A take-off not yet believed still bounds the window: its contact,
        # if it is believed, ends there; if not, the plate was empty anyway.
        end_s = touchdown_s + self.force_rules.landing_window_s
        return self._landing_event(index, touchdown_s, end_s if takeoff_s is None else min(end_s, takeoff_s))

    def _landing_event(self, index: int, touchdown_s: float, end_s: float) -> list[Event]:
        if self._landing_sent is not None and self._landing_sent[0] == touchdown_s:
            return []
        metrics = self._landing_metrics(touchdown_s, end_s)
        self._landing_sent = touchdown_s, metrics
        if not metrics:
            return []
        refined_s = self._refined_time_s(touchdown_s)
        if metrics["rating"] is None:  # no body weight yet: rated when the set is weighed
            time_s, fz_n, _ = self._landing_samples(touchdown_s, end_s)
            self._late.keep(index, touchdown_s, refined_s, time_s, fz_n, {"cop_left_pct": metrics["cop_left_pct"]})
        return [Landing(self._sets, index, refined_s, metrics)]

    def _weighed(self, time_s: float, weight_n: float) -> list[Event]:
        """The set has its body weight: it, then its landings rated late."""
        self._set_weighed = True
        self._set_weight_n = weight_n
        out: list[Event] = [BodyWeight(self._sets, time_s, weight_n)]
        for key_s, landing in self._late.rate(self._sets, weight_n):
            if self._landing_sent is not None and self._landing_sent[0] == key_s:
                # Its contact is still going on: it ends with these numbers.
                self._landing_sent = key_s, landing.landing
            out.append(landing)
        return out

    def _side_decisions(self, limit_s: float) -> list[tuple[float, object]]:
        side = []
        quiet = self._weigh_in.quiet
        while self._weights_seen < len(quiet) and quiet[self._weights_seen].end_s <= limit_s:
            side.append((quiet[self._weights_seen].end_s, quiet[self._weights_seen]))
            self._weights_seen += 1
        for watcher in (self._check, self._stuck, self._cells if self._has_force else None):
            if watcher is not None:
                side += watcher.decide(limit_s)
        return sorted(side, key=lambda item: item[0])

    def _side_event(self, decided_s: float, event) -> list[Event]:
        if isinstance(event, QuietWindow):  # the set's first quiet second weighs it
            if self._set_start_s is None or self._set_weighed or event.start_s < self._set_start_s:
                return []
            return self._weighed(event.end_s, event.weight_n)
        if isinstance(event, PlateChanged):
            return self._hand_over(decided_s)
        if isinstance(event, Fault) and self._check is not None and event.device == "mat":
            return self._mat_fault(event)
        return [event]

    # -- a dead mat: timing from the plate (force/handover.py) -------------

    def _mat_fault(self, fault: Fault) -> list[Event]:
        """The mat check's fault, or its end (the mat changed again)."""
        if fault.active:
            self._wanted = None if self._timelines.from_plate else True
            out = self._hand_over(fault.time_s)
            if self._timelines.from_plate or self._could_hand_over(fault.time_s):
                return out or self._mat_shown(Fault(float(fault.time_s), "mat", True, NO_MAT))
            return self._mat_shown(fault)
        self._wanted = False if self._timelines.from_plate else None
        message = MAT_BACK if self._timelines.from_plate else fault.message
        out = self._mat_shown(Fault(float(fault.time_s), "mat", False, message))
        return out + self._hand_over(fault.time_s)

    def _could_hand_over(self, time_s: float) -> bool:
        """The phases could follow the plate now, were it showing phases:
        it will take over at the plate's next change."""
        plan = self._timelines.handover(True, time_s, self._phases.settled, self.force_rules.mat_disagree_s,
                                        need_phases=False)
        return plan is not None

    def _mat_shown(self, fault: Fault) -> list[Event]:
        """The mat's fault as shown: each message once."""
        message = fault.message if fault.active else None
        if message == self._mat_message:
            return []
        self._mat_message = message
        return [fault]

    def _hand_over(self, time_s: float) -> list[Event]:
        """Follow the wanted timeline from ``time_s``, if the phases can."""
        if self._wanted is None:
            return []
        to_plate = self._wanted
        plan = self._timelines.handover(to_plate, time_s, self._phases.settled,
                                        self.force_rules.mat_disagree_s)
        if plan is None:
            return []
        self._wanted = None
        out = self._handle(self._phases.end_contact(plan.since_s)) if plan.end_contact else []
        self._timelines.follow(plan, to_plate)
        if to_plate:
            self._empty_since_s = plan.since_s if plan.empty else None
            out += self._mat_shown(Fault(float(time_s), "mat", True, NO_MAT))
        # Quiet windows since then are weighed again: the set they belong to
        # may only now have begun.
        again = [(w.end_s, w) for w in self._weigh_in.quiet[:self._weights_seen] if w.end_s > plan.since_s]
        self._side[:] = sorted(self._side + again, key=lambda item: item[0])
        return out

    # -- events ------------------------------------------------------------

    def _handle(self, items: list) -> list[Event]:
        out = []
        flights = {item.takeoff_s: self._refined_flight(item) for item in items if isinstance(item, Flight)}
        for item in items:
            if isinstance(item, Contact):
                if item.landed and self._has_force and self._set_start_s is not None:
                    # Ended before its landing window: the landing is final now.
                    end_s = item.end_s if item.end_s is not None else self._now_s
                    out += self._landing_event(item.index, item.start_s, end_s)
                item = self._refined_contact(self._with_landing(item), flights.get(item.end_s))
                self._reps.contact(item)
                out.append(item)
            elif isinstance(item, Flight):
                item = self._with_displacement(flights[item.takeoff_s])
                self._flights += 1
                out.append(item)
                out += self._count(self._reps.flight(item))
            elif isinstance(item, SteppedOff):
                self._empty_since_s = item.time_s
                out += self._close_set(self._refined_takeoff_s(item.time_s), "step_off", "stepped off")
                # A wanted timeline takes over between sets, once decided (step_off_s after).
                out += self._hand_over(item.time_s + self.rules.step_off_s)
            elif isinstance(item, SetStarted):
                time_s = item.time_s
                if self._plate_refiner is not None and self._empty_since_s is not None:
                    time_s = self._plate_refiner.touchdown(self._empty_since_s, time_s)
                out += self._open_set(time_s)
        return out

    # -- timing from the plate: edges at the unloaded level (refine.py) ----

    @property
    def _plate_refiner(self) -> EdgeRefiner | None:
        return self._refiner if self._timelines.from_plate else None

    def _refined_flight(self, flight: Flight) -> Flight:
        if self._plate_refiner is None:
            return flight
        takeoff_s, landing_s = self._refiner.flight(flight.takeoff_s, flight.landing_s)
        return replace(flight, takeoff_s=takeoff_s, landing_s=landing_s)

    def _refined_takeoff_s(self, takeoff_s: float) -> float:
        return takeoff_s if self._plate_refiner is None else self._refiner.takeoff(takeoff_s)

    def _refined_time_s(self, time_s: float) -> float:
        return time_s if self._plate_refiner is None else self._refiner.time(time_s)

    def _refined_contact(self, contact: Contact, flight: Flight | None) -> Contact:
        if self._plate_refiner is None:
            return contact
        start_s = self._refiner.time(contact.start_s)
        end_s = None if contact.end_s is None else self._refined_takeoff_s(contact.end_s)
        rsi = contact.rsi
        if rsi is not None and flight is not None and end_s > start_s:
            rsi = jump_height_m(flight.duration_s) / (end_s - start_s)
        return replace(contact, start_s=start_s, end_s=end_s, rsi=rsi)

    def set_cell_range_n(self, cell_range_n) -> None:
        """Each load cell's (lowest, highest) force its converter can read, in
        newtons (from the front-end's calibration), so a saturated cell is
        seen; before the first force sample."""
        self._cells = CellWatch(self.force_rules, cell_range_n)

    @property
    def active_faults(self) -> list:
        """The sensor faults in force now (the mat's and the plate's)."""
        faults = list(self._cells.active.values())
        if self._check is not None and self._check.active is not None:
            faults.insert(0, self._check.active)
        return faults

    def set_body_mass_kg(self, body_mass_kg: float | None) -> None:
        """The athlete up for the next set is known (the roster's body mass):
        their weight stands in for each of their sets until it is weighed;
        None: nobody known. Never for a set going on, which may be someone
        else's: from the next set that begins."""
        self._next_known_weight_n = None if body_mass_kg is None else body_mass_kg * G_M_PER_S2

    def _body_weight_n(self, until_s: float) -> float | None:
        """The set's own weight; else the known athlete's; else the last measured."""
        since_s = self._set_start_s if self._set_start_s is not None else self._start_s
        own = self._weigh_in.first_n(since_s, until_s)
        if own is not None:
            return own.weight_n
        if self._set_weight_n is not None:
            return self._set_weight_n
        if self._known_weight_n is not None:
            return self._known_weight_n
        return self._weigh_in.weight_n(since_s, until_s)

    def _with_landing(self, contact: Contact) -> Contact:
        """Landing metrics for a contact whose start is known, from force."""
        if not self._has_force or contact.start_s is None:
            return contact
        end_s = contact.end_s if contact.end_s is not None else self._now_s
        if self._landing_sent is not None and self._landing_sent[0] == contact.start_s:
            metrics = self._landing_sent[1]
        else:
            metrics = self._landing_metrics(contact.start_s, end_s)
        if metrics and not contact.landed:
            # Stepping on (or a drop onto an empty plate): its forces are
            # worth keeping, but it is not a jump's landing to rate.
            metrics.update(softness=None, rating=None)
        return replace(contact, landing=metrics) if metrics else contact

    def _landing_samples(self, touchdown_s: float, end_s: float):
        """(time_s, fz_n, corners_n) of a landing's window, from its refined touchdown."""
        touchdown_s = self._refined_time_s(touchdown_s)
        window_end_s = min(end_s, touchdown_s + self.force_rules.landing_window_s)
        return self._buffer.between(touchdown_s, window_end_s)

    def _landing_metrics(self, touchdown_s: float, end_s: float) -> dict | None:
        time_s, fz_n, corners_n = self._landing_samples(touchdown_s, end_s)
        metrics = landing_metrics(time_s, fz_n, self._refined_time_s(touchdown_s), self._body_weight_n(end_s),
                                  self.force_rules)
        if metrics is not None:  # the COP-based balance (coaching.py), not a per-limb force
            left_pct = left_share_pct(corners_n, self.force_rules.cop_min_n)
            metrics["cop_left_pct"] = None if left_pct is None else round(left_pct, 1)
        return metrics

    def _with_displacement(self, flight: Flight) -> Flight:
        """How far back the feet landed, from the centre of pressure; the
        direction too, where no mat zone measured it."""
        if not self._has_force:
            return flight
        rules = self.force_rules
        _, _, before = self._buffer.between(flight.takeoff_s - rules.cop_takeoff_s, flight.takeoff_s)
        _, _, after = self._buffer.between(flight.landing_s, flight.landing_s + rules.cop_touchdown_s)
        displacement_m = backward_displacement_m(
            mean_cop_y_m(before, self.plate_depth_m, rules.cop_min_n),
            mean_cop_y_m(after, self.plate_depth_m, rules.cop_min_n))
        direction = flight.direction or direction_of(displacement_m, rules.direction_min_m)
        return replace(flight, direction=direction, displacement_m=displacement_m)

    def _open_set(self, time_s: float) -> list[Event]:
        self._set_start_s = time_s
        self._known_weight_n = self._next_known_weight_n
        self._weights_seen -= self._weigh_in.forget(time_s, among=self._weights_seen)
        # The half-second windows serve only the set they fall in (_close_set).
        self._weigh_in_short.forget_started_before(time_s)
        self._set_weighed = False
        self._set_weight_n = None
        self._late.clear()
        self._fatigue.new_set()
        self._set_reps = self._set_valid_reps = 0
        self._sets += 1
        return [SetStart(self._sets, time_s)]

    def _close_set(self, end_s: float, ended_by: str, why: str) -> list[Event]:
        out = self._count(self._reps.end_set(why))
        if self._has_force and not self._set_weighed:
            # No quiet second in the whole set: its first quiet short window.
            short = self._weigh_in_short.first_n(self._set_start_s, end_s)
            if short is not None:
                out += self._weighed(short.end_s, short.weight_n)
        weight_n = self._body_weight_n(end_s)
        if weight_n is not None:
            self._last_weight_n = weight_n
        out.append(SetEnd(self._sets, self._set_start_s, end_s, self._set_reps,
                          self._set_valid_reps, ended_by, weight_n))
        self._set_start_s = None
        return out

    def _count(self, reps: list) -> list:
        out = []
        for rep in reps:
            self._set_reps += 1
            self._set_valid_reps += rep.valid
            if rep.valid and rep.rebound_contact is not None:
                rep = replace(rep, fatigue=self._fatigue.rep(rep.rebound_contact.rsi))
            out.append(rep)
        return out


def analyse(source, rules: TimingRules | None = None, force_rules: ForceRules | None = None,
            **pipeline_options) -> list[Event]:
    """Every event of a finite source (a recording), as one list.

    Read in slices of ``ANALYSE_SLICE_S``, each followed by ``advance`` to
    its end, as a live run reads: a mat that never changes (unplugged) then
    holds no decision back longer than a slice, while the force it needs is
    still kept (FORCE_KEEP_S)."""
    pipeline = Pipeline(rules, force_rules, **pipeline_options)
    start = source.start()
    end_s = source.end_s()
    events = pipeline.start(start, has_force=source.has_force)
    until_s = start.time_s
    while until_s < end_s:
        until_s = min(until_s + ANALYSE_SLICE_S, end_s)
        events += pipeline.feed(source.read(until_s))
        events += pipeline.advance(until_s)
    return events + pipeline.finish(end_s)
