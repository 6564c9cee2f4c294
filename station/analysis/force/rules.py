"""Thresholds for force analysis, each with its reason (docs/configuration.md, [force])."""

from __future__ import annotations

from dataclasses import dataclass, fields

from station.analysis.rules import TimingRules


@dataclass(frozen=True)
class ForceRules:
    """How force becomes contacts, body weight and landing ratings.

    contact_floor_n:
        The lowest contact threshold ever used. Fixed thresholds in use are
        10-50 N; on one plate 17 ± 2.4 N of residual force in flight crossed a
        20 N threshold (DOMAIN §3), so the threshold also rises with noise.
    noise_sd_factor:
        The threshold is the unloaded plate's mean + this many SDs, measured in
        the middle half of the last flight or empty-plate stretch (McMahon 2018).
    edge_floor_n:
        Each take-off and touchdown moves to the stretch's unloaded level:
        mean + max(noise_sd_factor · SD, this), measured in its middle. The
        floor is for noiseless or processed data (some published plates read
        exactly 0 N in flight, SD 0): 2 N sits far below any real landing's
        first millisecond (tens of N) and above rounding, so such edges land
        within a fraction of a millisecond of the last zero sample.
    noise_middle_share:
        The share of a stretch, centred, where its level is measured: the
        middle half (McMahon 2018), clear of the take-off's tail and the
        landing's rise.
    weigh_in_s, weigh_in_max_sd_n, weigh_in_max_sd_share, weigh_in_min_n:
        Body weight is the mean of ``weigh_in_s`` of quiet standing (>= 1 s:
        Owen 2014); a window whose SD exceeds both ``weigh_in_max_sd_n`` and
        ``weigh_in_max_sd_share`` of its mean is not quiet (VALD rejects SD >
        2 kg-equivalent, 20 N; 2.5 % is that at 80 kg, so a heavier athlete's
        proportionally larger sway still counts, while the movement before a
        jump, 6 % and more of the weight in the shared recordings, does not);
        below ``weigh_in_min_n`` nobody stands.
    weigh_in_short_s:
        A set with no quiet ``weigh_in_s`` at all (an athlete who only stands
        still for moments between jumps) is weighed, when it ends, from its
        first quiet window this long: half a second of stillness still
        averages sway to well under 1 %.
    landing_window_s:
        Landing metrics look at this long after touchdown (or the contact, if
        shorter): landing peaks come 15-110 ms after touchdown. No longer, so
        a landing is rated while the athlete is still on the mat: its rating
        is known this long after touchdown (plus the mat's bounce_s), which
        with a source's 50 ms latency and a frame puts it on screen within
        200 ms. Kept below min_contact_s + min_flight_s, so the window never
        reaches the next landing.
    impact_window_s, impact_min_bw, impact_drop_fraction:
        An impact peak is a local maximum of at least ``impact_min_bw`` within
        ``impact_window_s`` of touchdown, followed by a fall of at least
        ``impact_drop_fraction`` of it: the sharp early transient of a
        flat-footed or heel-first landing.
    soft_max_bw, soft_max_rate_bw_per_s, hard_min_bw, hard_min_rate_bw_per_s:
        Rating rules (see docs/landing.md): soft = peak below ``soft_max_bw``,
        loading rate below ``soft_max_rate_bw_per_s`` and no impact peak;
        hard = peak at least ``hard_min_bw`` or rate at least
        ``hard_min_rate_bw_per_s``; firm otherwise.
    cop_min_n:
        The centre of pressure means something only well above noise: at
        100 N the cells' noise moves it by about 1.5 cm.
    cop_touchdown_s, cop_takeoff_s:
        Direction compares where the feet were just after touchdown with where
        they were just before the take-off that started the flight.
    direction_min_m:
        A landing less than this from the take-off point is a jump in place.
    mat_disagree_s:
        The mat and the plate disagreeing about contact for longer than this
        is a mat fault (stuck closed, or unplugged). A mat switches some 10-30
        ms after the plate (Rogan 2015); rebound flights last 0.2-0.5 s, so a
        stuck mat shows within the first jump.
    cell_check_s:
        The plate's cells and zero are judged every this long (cells.py): a
        fault shows well within a second, and a window holds enough samples
        (250 at 1 kHz) to tell a still cell from a moving one.
    cell_saturated_share:
        A cell whose every sample in a window is within this share of its
        converter's range from either end is saturated (the range comes
        from the front-end's calibration).
    cell_stuck_sd_n, cell_moving_sd_n:
        A cell moving by at most ``cell_stuck_sd_n`` (SD, N) while another
        moves by at least ``cell_moving_sd_n`` is stuck or disconnected: a
        converter's count (0.44 mN) never stays put on a live cell, and one
        under a standing athlete sways by newtons; a plate whose cells all
        stay within 1 N is not judged.
    cell_negative_n:
        A cell whose mean is below minus this reads well below zero: a
        corner cannot pull the plate down by 5 kg.
    zero_quiet_sd_n, zero_drift_max_n:
        A window where the total force is still (SD at most
        ``zero_quiet_sd_n``: an empty plate is quiet to a newton or two per
        cell, more is someone touching it) and near zero (within
        weigh_in_min_n / 2) is the empty plate; its mean is how far the
        unloaded level has moved from the calibration's zero (the tare made
        it 0 N), and more than ``zero_drift_max_n`` is a drifted zero. 10 N
        is half the contact floor: beyond it, the residual plus noise can
        reach the provisional threshold.
    fatigue_drop_share, fatigue_best_reps:
        A rep whose rebound RSI is more than ``fatigue_drop_share`` (20 %)
        below the mean of the set's ``fatigue_best_reps`` (2) best RSIs so
        far is tired (coaching.py): day-to-day RSI varies by some 5-10 %, so
        a fifth is a real loss, and two best reps keep one lucky jump from
        setting the bar. Works with or without load cells.
    force_wait_s:
        Live, force frames may arrive a little after mat edges; the pipeline
        waits this long for them before timing from the mat alone: ten times
        a source's usual latency, and about one jump.
    """

    contact_floor_n: float = 20.0
    noise_sd_factor: float = 5.0
    edge_floor_n: float = 2.0
    noise_middle_share: float = 0.5
    weigh_in_s: float = 1.0
    weigh_in_max_sd_n: float = 20.0
    weigh_in_min_n: float = 200.0
    weigh_in_max_sd_share: float = 0.025
    weigh_in_short_s: float = 0.5
    landing_window_s: float = 0.12
    impact_window_s: float = 0.05
    impact_min_bw: float = 1.5
    impact_drop_fraction: float = 0.1
    soft_max_bw: float = 3.0
    soft_max_rate_bw_per_s: float = 60.0
    hard_min_bw: float = 4.5
    hard_min_rate_bw_per_s: float = 150.0
    cop_min_n: float = 100.0
    cop_touchdown_s: float = 0.03
    cop_takeoff_s: float = 0.05
    direction_min_m: float = 0.1
    mat_disagree_s: float = 0.2
    force_wait_s: float = 0.5
    cell_check_s: float = 0.25
    cell_saturated_share: float = 0.005
    cell_stuck_sd_n: float = 0.01
    cell_moving_sd_n: float = 1.0
    cell_negative_n: float = 50.0
    zero_quiet_sd_n: float = 5.0
    zero_drift_max_n: float = 10.0
    fatigue_drop_share: float = 0.2
    fatigue_best_reps: int = 2

    def __post_init__(self) -> None:
        for field in fields(self):
            value = getattr(self, field.name)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0:
                raise ValueError(f"{field.name} must be a positive number, not {value!r}")
        if self.fatigue_drop_share >= 1 or self.fatigue_best_reps != int(self.fatigue_best_reps):
            raise ValueError("fatigue_drop_share must be below 1 and fatigue_best_reps a whole number")
        if self.weigh_in_short_s > self.weigh_in_s:
            raise ValueError("weigh_in_short_s must not exceed weigh_in_s")
        if self.noise_middle_share > 1:
            raise ValueError("noise_middle_share must be at most 1 (the whole stretch)")
        if self.impact_drop_fraction >= 1:
            raise ValueError("impact_drop_fraction must be below 1")
        if not self.soft_max_bw <= self.hard_min_bw:
            raise ValueError("soft_max_bw must not exceed hard_min_bw")
        if not self.soft_max_rate_bw_per_s <= self.hard_min_rate_bw_per_s:
            raise ValueError("soft_max_rate_bw_per_s must not exceed hard_min_rate_bw_per_s")

    @classmethod
    def from_mapping(cls, values: dict) -> "ForceRules":
        known = {field.name for field in fields(cls)}
        unknown = sorted(set(values) - known)
        if unknown:
            raise ValueError(f"unknown force rule {unknown[0]!r}; known rules: {', '.join(sorted(known))}")
        return cls(**values)


def check_landing_window(rules: TimingRules, force_rules: ForceRules) -> None:
    """A landing's window must end before the next landing can begin: a
    contact and a flight take at least min_contact_s + min_flight_s."""
    shortest_s = rules.min_contact_s + rules.min_flight_s
    if not force_rules.landing_window_s < shortest_s:
        raise ValueError(f"landing_window_s must be shorter than min_contact_s + min_flight_s "
                         f"({shortest_s:g} s), or a landing's window could reach the next landing; "
                         f"it is {force_rules.landing_window_s:g}")
