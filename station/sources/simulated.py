"""The simulated athlete as a station would sense it: mat edges and plate force.

``mat_edges`` and ``force_block`` render the athlete's true phases into the
raw readings of a contact mat (with switch bounce) and a four-cell plate (with
noise and sway). ``SimulatedSource`` streams them through the same Source
interface as the hardware, so the station runs, and is tested, without a mat.

The force of a contact is a smooth curve through a few knots (touchdown,
landing peak, body weight, countermovement dip, push-off peak, take-off),
each segment a quarter or half cosine. Every segment is monotonic, so the
highest force of a landing contact is exactly its landing peak, and the curve
is steep at touchdown and take-off, so a force threshold finds the same times
as the mat to within a millisecond or two.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Iterable, Iterator

import numpy as np

from station.analysis.events import G_M_PER_S2
from station.readings import FRONT, MAT, ONE_ZONE, TWO_ZONES, ForceBlock, MatEdge, MatStart, Reading
from station.sources.athlete import CONTACT, OFF, SimulatedAthlete, TruePhase

PLATE_WIDTH_M = 0.6
PLATE_DEPTH_M = 0.9

#: Noise of one unloaded cell: what a 24-bit front-end reads from a quiet
#: plate, enough that the analysis has to cope with a noisy zero.
CELL_NOISE_N = 1.5
#: Most changes of a real switch bounce; some are clean.
BOUNCE_CHANCE = 0.6
MAX_BOUNCE_PAIRS = 3

#: Quiet standing sways the force by a fraction of a percent of body weight,
#: small enough that a one-second weighing still reads body weight.
SWAY_FRACTION_BW = 0.005
SWAY_HZ = (0.3, 1.5)
#: Where the feet are, around the middle of their half of the plate (m, sd).
FEET_X_SD_M = 0.015
FEET_Y_SD_M = 0.02
#: How far the centre of pressure sways about the feet while on them (m).
SWAY_X_M = 0.004
SWAY_Y_M = 0.006

#: After the peak the landing force settles to body weight in 1.5-3 times
#: the time it took to rise.
SETTLE_PER_TIME_TO_PEAK = (1.5, 3.0)
#: The push-off: a countermovement dip, a rise to the push-off peak, then a
#: fall to zero at take-off.
DIP_BW = (0.75, 0.9)
DIP_S = (0.15, 0.25)
PUSH_RISE_S = (0.10, 0.20)
PUSH_PEAK_BW = (1.8, 2.5)
TAKEOFF_FALL_S = (0.05, 0.09)
#: The push-off stays below the landing peak, so the landing peak is the
#: contact's highest force and its measure is unambiguous.
PUSH_BELOW_LANDING = 0.92
#: A step on or off: the first foot carries half the weight quickly (so the
#: force crosses a threshold when the mat closes), the second follows.
FIRST_FOOT_S = 0.03
SECOND_FOOT_S = (0.20, 0.35)

# Segment shapes between two knots, as the fraction of the way from one
# value to the next: EASE is flat at both ends; STEEP_START leaves the first
# knot at full slope (touchdown), STEEP_END reaches the second so (take-off).
EASE, STEEP_START, STEEP_END = 0, 1, 2

# Random streams of the source, apart from the athlete's (see athlete.py).
_EDGE_STREAM = 2
_NOISE_STREAM = 3


def mat_edges(
    phases: Iterable[TruePhase],
    zones: tuple[str, ...],
    rng: np.random.Generator,
    chatter_max_s: float = 0.004,
) -> Iterator[MatEdge]:
    """The raw edges of a mat under the athlete, in time order, lazily.

    With ``zones`` ("mat",) the one zone is closed during any contact; with
    ("front", "back") a contact closes only its own zone. The first phase
    sets the starting levels (no edge). At every change the first edge is at
    the true time; often a few bounce pairs follow within ``chatter_max_s``,
    which must be shorter than any phase.
    """
    _check_zones(zones)
    levels = None
    for phase in phases:
        closed = {zone: _closes(phase, zone) for zone in zones}
        if levels is not None:
            edges = []
            for zone in zones:
                if closed[zone] != levels[zone]:
                    edges.extend(_change(phase.start_s, zone, closed[zone], rng, chatter_max_s))
            edges.sort(key=lambda edge: edge.time_s)
            yield from edges
        levels = closed


def _check_zones(zones: tuple[str, ...]) -> None:
    if tuple(zones) not in (ONE_ZONE, TWO_ZONES):
        raise ValueError(f"zones must be {ONE_ZONE} or {TWO_ZONES}, not {zones!r}")


def _closes(phase: TruePhase, zone: str) -> bool:
    return phase.kind == CONTACT and zone in (MAT, phase.zone)


def _change(
    time_s: float, zone: str, contact: bool, rng: np.random.Generator, chatter_max_s: float
) -> list[MatEdge]:
    edges = [MatEdge(time_s, zone, contact)]
    if rng.random() < BOUNCE_CHANCE:
        pairs = int(rng.integers(1, MAX_BOUNCE_PAIRS + 1))
        # 1 - random() lies in (0, 1]: every bounce is after the true edge.
        bounce_s = np.sort(time_s + chatter_max_s * (1.0 - rng.random(2 * pairs)))
        for index, bounce in enumerate(bounce_s):
            edges.append(MatEdge(float(bounce), zone, contact if index % 2 else not contact))
    return edges


def force_block(
    phases: list[TruePhase],
    t0_s: float,
    n: int,
    rate_hz: float,
    body_mass_kg: float,
    rng: np.random.Generator,
    plate_width_m: float = PLATE_WIDTH_M,
    plate_depth_m: float = PLATE_DEPTH_M,
    landing_x_m: float = 0.0,
) -> ForceBlock:
    """``n`` samples of the plate from ``t0_s`` (a multiple of 1/rate_hz) on.

    Sample k is at k/rate_hz. ``phases`` must cover the block and, for a
    contact, include the phase after it: a contact followed by "off" ends in
    a step-off, any other in a take-off. A contact that is not a landing
    begins with a step-on, except at time 0, where the athlete is already
    standing. Each cell adds ``CELL_NOISE_N`` of noise, drawn from ``rng`` in
    sample order, so consecutive blocks equal one long block. The feet of
    each landing are centred ``landing_x_m`` right of the plate's middle
    line (negative: left), as an athlete who favours one leg lands; standing
    stays centred.

    The total force is split over the corners by the bilinear weights of the
    centre of pressure (x, y), a = width, b = depth:
    w_fl = (1/2 - x/a)(1/2 + y/b), w_fr = (1/2 + x/a)(1/2 + y/b),
    w_bl = (1/2 - x/a)(1/2 - y/b), w_br = (1/2 + x/a)(1/2 - y/b).
    """
    first = round(t0_s * rate_hz)
    time_s = (first + np.arange(n)) / rate_hz
    force_n = np.zeros(n)
    x_m = np.zeros(n)
    y_m = np.zeros(n)
    weight_n = body_mass_kg * G_M_PER_S2
    for index, phase in enumerate(phases):
        if phase.kind != CONTACT:
            continue
        begin, end = np.searchsorted(time_s, (phase.start_s, phase.end_s))
        if begin == end:
            continue
        following = phases[index + 1] if index + 1 < len(phases) else None
        step_off = following is not None and following.kind == OFF
        shape = _ContactShape(phase, weight_n, step_off, plate_depth_m, landing_x_m if phase.landed else 0.0)
        force_n[begin:end], x_m[begin:end], y_m[begin:end] = shape.render(time_s[begin:end])
    weights = _corner_weights(x_m / plate_width_m, y_m / plate_depth_m)
    corners_n = force_n[:, None] * weights + rng.normal(0.0, CELL_NOISE_N, size=(n, 4))
    return ForceBlock(time_s, corners_n.sum(axis=1), corners_n)


def _corner_weights(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Bilinear weights (n, 4) in the order FL, FR, BL, BR; x, y as fractions of the plate."""
    left, right = 0.5 - x, 0.5 + x
    front, back = 0.5 + y, 0.5 - y
    return np.stack((left * front, right * front, left * back, right * back), axis=1)


class _ContactShape:
    """The force and centre of pressure of one contact, as functions of time.

    Its random details (push-off, sway, where the feet are) come from a
    generator seeded by the contact's own times, so any block of samples
    renders the same contact the same way.
    """

    def __init__(self, phase: TruePhase, weight_n: float, step_off: bool, plate_depth_m: float,
                 feet_x_m: float = 0.0):
        rng = np.random.default_rng([round(phase.start_s * 1e6), round(phase.end_s * 1e6)])
        self.start_s = phase.start_s
        self.weight_n = weight_n
        self.knot_s, self.knot_n, self.shapes = _knots(phase, weight_n, step_off, rng)
        self.sway_hz = rng.uniform(*SWAY_HZ, size=3)
        self.sway_phase = rng.uniform(0.0, 2.0 * np.pi, size=3)
        side = 1.0 if phase.zone == FRONT else -1.0
        self.feet_x_m = feet_x_m + rng.normal(0.0, FEET_X_SD_M)
        self.feet_y_m = side * plate_depth_m / 4.0 + rng.normal(0.0, FEET_Y_SD_M)

    def render(self, time_s: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        since_s = time_s - self.start_s
        segment = np.searchsorted(self.knot_s, since_s, side="right") - 1
        segment = np.clip(segment, 0, len(self.shapes) - 1)
        left_s, right_s = self.knot_s[segment], self.knot_s[segment + 1]
        left_n, right_n = self.knot_n[segment], self.knot_n[segment + 1]
        u = np.clip((since_s - left_s) / (right_s - left_s), 0.0, 1.0)
        force_n = left_n + (right_n - left_n) * _fraction(u, self.shapes[segment])
        # Sway only where the athlete stands still, faded in and out so the
        # curve stays smooth and the peaks stay exact.
        still = left_n == right_n
        sway = np.sin(2.0 * np.pi * self.sway_hz[:, None] * time_s + self.sway_phase[:, None])
        force_n += still * np.sin(np.pi * u) * SWAY_FRACTION_BW * self.weight_n * sway[0]
        x_m = self.feet_x_m + SWAY_X_M * sway[1]
        y_m = self.feet_y_m + SWAY_Y_M * sway[2]
        return force_n, x_m, y_m


def _fraction(u: np.ndarray, shape: np.ndarray) -> np.ndarray:
    half_pi_u = 0.5 * np.pi * u
    return np.select(
        (shape == EASE, shape == STEEP_START),
        (0.5 - 0.5 * np.cos(np.pi * u), np.sin(half_pi_u)),
        1.0 - np.cos(half_pi_u),
    )


def _knots(
    phase: TruePhase, weight_n: float, step_off: bool, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Knot times (s from touchdown), forces (N) and the shape of each segment."""
    duration_s = phase.duration_s
    # Draw every detail, used or not, so what is drawn after them (sway, feet)
    # does not depend on the kind of contact.
    settle_s = rng.uniform(*SETTLE_PER_TIME_TO_PEAK) * (phase.time_to_peak_s or 0.0)
    second_foot_s = rng.uniform(*SECOND_FOOT_S)
    dip_n = rng.uniform(*DIP_BW) * weight_n
    dip_s = rng.uniform(*DIP_S)
    rise_s = rng.uniform(*PUSH_RISE_S)
    push_n = rng.uniform(*PUSH_PEAK_BW) * weight_n
    fall_s = rng.uniform(*TAKEOFF_FALL_S)

    if phase.landed:
        knots = [(0.0, 0.0, STEEP_START), (phase.time_to_peak_s, phase.peak_force_n, EASE)]
        push_n = min(push_n, PUSH_BELOW_LANDING * phase.peak_force_n)
    elif phase.start_s <= 0.0:
        knots, settle_s = [(0.0, weight_n, EASE)], 0.0
    else:
        knots = [(0.0, 0.0, STEEP_START), (FIRST_FOOT_S, 0.5 * weight_n, EASE)]
        settle_s = second_foot_s
    lead_s = knots[-1][0]

    if step_off:
        # A contact too short for both leaves a moment of standing between them.
        room_s = 0.9 * (duration_s - FIRST_FOOT_S - lead_s)
        scale = min(1.0, room_s / (settle_s + second_foot_s))
        settle_s, second_foot_s = settle_s * scale, second_foot_s * scale
        if settle_s > 0.0:
            knots.append((lead_s + settle_s, weight_n, EASE))
        knots.append((duration_s - FIRST_FOOT_S - second_foot_s, weight_n, EASE))
        knots.append((duration_s - FIRST_FOOT_S, 0.5 * weight_n, STEEP_END))
    else:
        fall_s = min(fall_s, 0.5 * (duration_s - lead_s))
        gap_s = duration_s - fall_s - lead_s
        if gap_s >= settle_s + dip_s + rise_s:
            if settle_s > 0.0:
                knots.append((lead_s + settle_s, weight_n, EASE))
            knots.append((duration_s - fall_s - rise_s - dip_s, weight_n, EASE))
            knots.append((duration_s - fall_s - rise_s, dip_n, EASE))
        elif settle_s > 0.0:
            # Too short to stand: the landing flows into the push-off through
            # a valley that only reaches body weight when there is time to.
            depth = min(1.0, gap_s / (settle_s + rise_s))
            valley_n = push_n - (push_n - weight_n) * depth
            knots.append((lead_s + gap_s * settle_s / (settle_s + rise_s), valley_n, EASE))
        knots.append((duration_s - fall_s, push_n, STEEP_END))
    knots.append((duration_s, 0.0, EASE))
    knot_s, knot_n, shapes = (np.array(column) for column in zip(*knots))
    if np.any(np.diff(knot_s) <= 0.0):
        raise ValueError(f"contact too short to render: {phase}")
    return knot_s, knot_n, shapes[:-1]


class SimulatedSource:
    """A source of readings from a simulated athlete, as a station would sense them.

    Streams the ``athlete``'s mat edges (``zones`` ("front", "back") or
    ("mat",), bouncing for up to ``chatter_max_s``) and, when ``force``, the
    plate's samples at ``rate_hz``. ``seed`` fixes the bounce and noise
    (default: the athlete's seed). The stream is the same however it is read.
    ``keep_truth``: keep every phase for ``truth``; without it only the
    phases still to be rendered are kept, so a run of days keeps flat memory.
    ``landing_x_m``: landings centred that far right of the plate's middle
    line (negative: left), see ``force_block``.

        source = SimulatedSource(SimulatedAthlete(seed=3))
        source.start()
        readings = source.read(10.0)
    """

    simulated = True

    def __init__(
        self,
        athlete: SimulatedAthlete,
        zones: tuple[str, ...] = TWO_ZONES,
        force: bool = True,
        rate_hz: float = 1000.0,
        chatter_max_s: float = 0.004,
        seed: int | None = None,
        keep_truth: bool = True,
        landing_x_m: float = 0.0,
    ):
        _check_zones(zones)
        self.keep_truth = keep_truth
        self.landing_x_m = landing_x_m
        self.athlete = athlete
        self.zones = tuple(zones)
        self.has_force = force
        self.rate_hz = float(rate_hz)
        streams_seed = athlete.seed if seed is None else seed
        self._athlete_phases = athlete.phases()
        self._phases: list[TruePhase] = []
        self._starts_s: list[float] = []
        self._dropped = 0  # phases let go from the front of _phases (without keep_truth)
        self._fed = 0  # phases handed to the mat's edges so far
        edge_rng = np.random.default_rng([streams_seed, _EDGE_STREAM])
        self._edges = mat_edges(self._phase_feed(), self.zones, edge_rng, chatter_max_s)
        self._next_edge: MatEdge | None = None
        self._noise_rng = np.random.default_rng([streams_seed, _NOISE_STREAM])
        self._next_sample = 0
        self._until_s = -math.inf

    def start(self) -> MatStart:
        first = self._phase(0)
        return MatStart(0.0, {zone: _closes(first, zone) for zone in self.zones})

    def read(self, until_s: float) -> list[Reading]:
        readings: list[Reading] = []
        while True:
            if self._next_edge is None:
                self._next_edge = next(self._edges)
            if self._next_edge.time_s > until_s:
                break
            readings.append(self._next_edge)
            self._next_edge = None
        if self.has_force:
            block = self._force_until(until_s)
            if block is not None:
                readings.append(block)
        self._generate_past(until_s)
        self._until_s = max(self._until_s, until_s)
        if not self.keep_truth:
            self._let_go()
        return readings

    def _let_go(self) -> None:
        """Drop the phases that neither the force nor the edges need again."""
        under = bisect.bisect_right(self._starts_s, self._next_sample / self.rate_hz) - 1
        done = min(under, self._fed - 1 - self._dropped)
        if done > 0:
            del self._phases[:done], self._starts_s[:done]
            self._dropped += done

    def end_s(self) -> None:
        return None

    def close(self) -> None:
        """Nothing to release."""

    @property
    def truth(self) -> list[TruePhase]:
        """The phases generated so far that ended by the last ``read``'s until_s."""
        return [phase for phase in self._phases if phase.end_s <= self._until_s]

    def _force_until(self, until_s: float) -> ForceBlock | None:
        last = math.floor(until_s * self.rate_hz)
        while (last + 1) / self.rate_hz <= until_s:
            last += 1
        while last / self.rate_hz > until_s:
            last -= 1
        count = last + 1 - self._next_sample
        if count <= 0:
            return None
        first_s, last_s = self._next_sample / self.rate_hz, last / self.rate_hz
        self._generate_past(last_s)
        # The phase under the first sample, up to the one after the last.
        begin = max(bisect.bisect_right(self._starts_s, first_s) - 1, 0)
        end = bisect.bisect_right(self._starts_s, last_s) + 1
        block = force_block(
            self._phases[begin:end],
            first_s,
            count,
            self.rate_hz,
            self.athlete.body_mass_kg,
            self._noise_rng,
            landing_x_m=self.landing_x_m,
        )
        self._next_sample = last + 1
        return block

    def _generate_past(self, time_s: float) -> None:
        """Draw phases until one starts after ``time_s``: the phase under it has a successor."""
        while not self._phases or self._phases[-1].start_s <= time_s:
            self._phase(self._dropped + len(self._phases))

    def _phase(self, index: int) -> TruePhase:
        """The phase ``index`` of the whole run (counting those let go)."""
        while len(self._phases) + self._dropped <= index:
            phase = next(self._athlete_phases)
            self._phases.append(phase)
            self._starts_s.append(phase.start_s)
        return self._phases[index - self._dropped]

    def _phase_feed(self) -> Iterator[TruePhase]:
        while True:
            phase = self._phase(self._fed)
            self._fed += 1
            yield phase


def simulate(
    seed: int,
    duration_s: float,
    zones: tuple[str, ...] = TWO_ZONES,
    force: bool = True,
    rate_hz: float = 1000.0,
    landing_x_m: float = 0.0,
) -> tuple[MatStart, list[Reading], list[TruePhase]]:
    """Everything a station would read of athlete ``seed`` up to ``duration_s``.

    Returns the start, the readings (edges, then one force block) and the
    true phases that ended by then. ``landing_x_m``: see ``SimulatedSource``.
    """
    source = SimulatedSource(SimulatedAthlete(seed), zones=zones, force=force, rate_hz=rate_hz,
                             landing_x_m=landing_x_m)
    start = source.start()
    readings = source.read(duration_s)
    return start, readings, source.truth
