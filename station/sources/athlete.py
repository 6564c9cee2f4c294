"""A simulated athlete doing sets of backward jumps, with the ground truth.

The athlete is a seeded random model, not a physics engine: every phase is
drawn from the ranges in DOMAIN.md sections 2 and 4, and one seed always gives
the same session. The phases are the truth the analysis is tested against;
``station.sources.simulated`` renders them into the mat edges and force
samples a real station would read.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import numpy as np

from station.analysis.events import G_M_PER_S2
from station.readings import BACK, FRONT

CONTACT = "contact"
FLIGHT = "flight"
OFF = "off"
BACKWARD = "backward"
FORWARD = "forward"

#: Flights of a gym backward jump: 0.20 s is a 5 cm hop, 0.50 s a 31 cm jump.
FLIGHT_RANGE_S = (0.20, 0.50)
#: "Immediately jump forward": a stretch-shortening rebound, slower when tired.
REBOUND_RANGE_S = (0.15, 0.60)
#: The front contact between two reps, when the athlete keeps going.
FRONT_RANGE_S = (0.15, 0.60)
#: A breather on the front between two reps of one set.
PAUSE_RANGE_S = (1.0, 3.0)
#: Standing on the front before the first jump of a set and after the last.
STAND_RANGE_S = (1.0, 3.0)
#: Nobody on the mat between sets; long enough to read as a step-off.
OFF_RANGE_S = (2.0, 6.0)
#: On the back after a missing return: the landing settles, then a step off.
STEP_OFF_CONTACT_S = (1.0, 2.5)
REPS_PER_SET = (4, 15)
#: About one set in eight ends with a back jump and no forward jump.
MISSING_RETURN_CHANCE = 1.0 / 8.0
#: (peak in body weights, time to peak in s) of each kind of landing, from
#: the recorded landings in DOMAIN.md section 4.
LANDINGS = (
    ((1.8, 3.0), (0.060, 0.110)),  # soft: knees bend, about 3.5 BW at 80-90 ms
    ((3.0, 4.5), (0.035, 0.070)),  # firm
    ((4.5, 7.0), (0.015, 0.035)),  # hard: stiff landings, 6-6.8 BW at 28-47 ms
)
#: A short rebound contact needs its second part for the push-off, so the
#: landing peak comes no later than this fraction of the contact.
TIME_TO_PEAK_MAX_FRACTION = 0.6
#: Spread of one phase around the athlete's current mean.
FLIGHT_SD_S = 0.012
CONTACT_SD_S = 0.02

# Separate random streams of one seed, so the athlete's traits do not shift
# when the way phases are drawn changes, and the simulator's noise streams
# (see simulated.py) never share draws with either.
_TRAITS_STREAM = 0
_PHASES_STREAM = 1


@dataclass(frozen=True)
class TruePhase:
    """One phase of what the athlete really did, on the simulator's timeline.

    ``kind`` is "contact", "flight" or "off" (nobody on the mat: stepped
    off). Contacts have a ``zone`` ("front" or "back"); flights a
    ``direction`` ("backward" or "forward"). ``landed`` says a contact began
    with a landing from a flight (not the first contact, not a step-on); such
    contacts give the true ``peak_force_n`` of the landing and its
    ``time_to_peak_s`` from touchdown.
    """

    kind: str
    start_s: float
    end_s: float
    zone: str | None = None
    direction: str | None = None
    landed: bool = False
    peak_force_n: float | None = None
    time_to_peak_s: float | None = None

    @property
    def duration_s(self) -> float:
        return self.end_s - self.start_s


@dataclass(frozen=True)
class TrueRep:
    """One backward jump as it really happened.

    ``valid`` is False for a missing return: the athlete jumped back, landed
    (``rebound_contact``) and stepped off the back instead of jumping forward,
    so ``forward_flight`` is None.
    """

    back_flight: TruePhase
    rebound_contact: TruePhase | None
    forward_flight: TruePhase | None
    valid: bool


class SimulatedAthlete:
    """A made-up athlete doing sets of backward jumps on the mat, forever.

    ``seed`` fixes everything: body mass, how high and how fast the athlete
    jumps, how that fades over a set, how hard the landings are, and every
    phase. ``body_mass_kg`` overrides the drawn mass (55-95 kg); the phases
    stay the same and the landing forces scale with it.

        athlete = SimulatedAthlete(seed=7)
        first = next(athlete.phases())
        assert (first.kind, first.zone, first.start_s) == ("contact", "front", 0.0)
    """

    def __init__(self, seed: int = 0, body_mass_kg: float | None = None):
        traits = np.random.default_rng([seed, _TRAITS_STREAM])
        drawn_mass_kg = traits.uniform(55.0, 95.0)
        self.seed = seed
        self.body_mass_kg = drawn_mass_kg if body_mass_kg is None else float(body_mass_kg)
        self._flight_s = traits.uniform(0.30, 0.45)
        # Backward jumps come out a little lower: the athlete cannot see the landing.
        self._backward_flight_ratio = traits.uniform(0.85, 1.0)
        self._flight_loss_s_per_rep = traits.uniform(0.001, 0.005)
        self._rebound_s = traits.uniform(0.17, 0.35)
        self._front_s = traits.uniform(0.20, 0.40)
        self._contact_gain_s_per_rep = traits.uniform(0.002, 0.008)
        self._pause_chance = traits.uniform(0.03, 0.12)
        self._landing_mix = traits.dirichlet([3.0, 3.0, 1.5])

    @property
    def body_weight_n(self) -> float:
        return self.body_mass_kg * G_M_PER_S2

    def phases(self) -> Iterator[TruePhase]:
        """Every phase from time 0.0 on, drawn lazily; the same for every call.

        The first is a contact on the front (already standing, not landed).
        Between sets the athlete steps off ("off") and back on to the front.
        """
        rng = np.random.default_rng([self.seed, _PHASES_STREAM])
        start_s = 0.0
        while True:
            if start_s > 0.0:
                off = TruePhase(OFF, start_s, start_s + rng.uniform(*OFF_RANGE_S))
                yield off
                start_s = off.end_s
            for phase in self._set(rng, start_s):
                yield phase
                start_s = phase.end_s

    def _set(self, rng: np.random.Generator, start_s: float) -> Iterator[TruePhase]:
        reps = int(rng.integers(REPS_PER_SET[0], REPS_PER_SET[1] + 1))
        missing_return = rng.random() < MISSING_RETURN_CHANCE
        phase = TruePhase(CONTACT, start_s, start_s + rng.uniform(*STAND_RANGE_S), zone=FRONT)
        yield phase
        for rep in range(reps):
            last = rep == reps - 1
            flight_s = self._flight(rng, rep) * self._backward_flight_ratio
            phase = TruePhase(FLIGHT, phase.end_s, phase.end_s + flight_s, direction=BACKWARD)
            yield phase
            if last and missing_return:
                yield self._landing(rng, BACK, phase.end_s, rng.uniform(*STEP_OFF_CONTACT_S))
                return
            contact_s = self._contact(rng, rep, self._rebound_s, REBOUND_RANGE_S)
            phase = self._landing(rng, BACK, phase.end_s, contact_s)
            yield phase
            flight_s = self._flight(rng, rep)
            phase = TruePhase(FLIGHT, phase.end_s, phase.end_s + flight_s, direction=FORWARD)
            yield phase
            phase = self._landing(rng, FRONT, phase.end_s, self._front_contact(rng, rep, last))
            yield phase

    def _flight(self, rng: np.random.Generator, rep: int) -> float:
        mean_s = self._flight_s - self._flight_loss_s_per_rep * rep
        return float(np.clip(rng.normal(mean_s, FLIGHT_SD_S), *FLIGHT_RANGE_S))

    def _contact(self, rng, rep: int, base_s: float, range_s: tuple[float, float]) -> float:
        mean_s = base_s + self._contact_gain_s_per_rep * rep
        return float(np.clip(rng.normal(mean_s, CONTACT_SD_S), *range_s))

    def _front_contact(self, rng: np.random.Generator, rep: int, last: bool) -> float:
        if last:
            return rng.uniform(*STAND_RANGE_S)
        if rng.random() < self._pause_chance:
            return rng.uniform(*PAUSE_RANGE_S)
        return self._contact(rng, rep, self._front_s, FRONT_RANGE_S)

    def _landing(self, rng, zone: str, start_s: float, duration_s: float) -> TruePhase:
        kind = rng.choice(len(LANDINGS), p=self._landing_mix)
        (low_bw, high_bw), (low_s, high_s) = LANDINGS[kind]
        peak_n = rng.uniform(low_bw, high_bw) * self.body_weight_n
        time_to_peak_s = min(rng.uniform(low_s, high_s), TIME_TO_PEAK_MAX_FRACTION * duration_s)
        return TruePhase(
            CONTACT,
            start_s,
            start_s + duration_s,
            zone=zone,
            landed=True,
            peak_force_n=peak_n,
            time_to_peak_s=time_to_peak_s,
        )


def true_reps(phases: Iterable[TruePhase]) -> list[TrueRep]:
    """The reps in a finished list of phases, in order.

    A rep needs its back flight and the two phases after it: a rebound
    contact and then a forward flight (valid) or a step-off (a missing
    return, invalid). A back flight too close to the end of the list to
    tell is not a rep yet.
    """
    phases = list(phases)
    reps = []
    for index, phase in enumerate(phases):
        if phase.kind != FLIGHT or phase.direction != BACKWARD:
            continue
        after = phases[index + 1 : index + 3]
        if len(after) < 2:
            continue
        rebound = after[0] if after[0].kind == CONTACT else None
        returned = rebound is not None and after[1].kind == FLIGHT and after[1].direction == FORWARD
        forward = after[1] if returned else None
        reps.append(TrueRep(phase, rebound, forward, valid=returned))
    return reps
