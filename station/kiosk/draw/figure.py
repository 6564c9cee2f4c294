"""A stick figure doing the backward jump, drawn with lines: the attract screen's demo.

One rep takes ``CYCLE_S``: stand, jump back swinging the arms forward, land
on the back of the mat with bent knees, jump forward to the start. Poses are
keyframes in figure heights (y up from the floor, facing right, so jumping
back moves left), blended linearly between.
"""

from __future__ import annotations

import pygame

from station.kiosk.draw.layout import DIM, TEXT

#: The mat's two zones: visible on the dark background, quieter than the figure.
MAT = (62, 70, 84)

#: Slow enough to follow each step, quick enough to keep moving.
CYCLE_S = 3.6
#: What each stretch of the cycle is, as the attract screen's steps number them.
STEPS = ((1.1, 0), (1.8, 1), (2.2, 2), (CYCLE_S, 3))

_JOINTS = ("head", "neck", "elbow", "hand", "hip", "knee", "foot", "toe")
_STAND = {"head": (0.02, 0.90), "neck": (0.0, 0.79), "elbow": (0.02, 0.64), "hand": (0.04, 0.50),
          "hip": (0.0, 0.50), "knee": (0.03, 0.27), "foot": (0.0, 0.02), "toe": (0.09, 0.0)}
_CROUCH = {"head": (0.12, 0.76), "neck": (0.08, 0.66), "elbow": (-0.08, 0.55), "hand": (-0.17, 0.47),
           "hip": (-0.06, 0.40), "knee": (0.10, 0.22), "foot": (0.0, 0.02), "toe": (0.09, 0.0)}
_AIR = {"head": (0.04, 0.91), "neck": (0.01, 0.80), "elbow": (0.13, 0.74), "hand": (0.26, 0.82),
        "hip": (-0.02, 0.50), "knee": (0.04, 0.29), "foot": (-0.03, 0.07), "toe": (0.05, 0.03)}
_LAND = {"head": (0.10, 0.74), "neck": (0.06, 0.64), "elbow": (0.14, 0.53), "hand": (0.24, 0.48),
         "hip": (-0.08, 0.38), "knee": (0.11, 0.21), "foot": (0.0, 0.04), "toe": (0.09, 0.0)}

#: (time in the cycle s, pose, x offset, lift) in figure heights.
_KEYS = ((0.0, _STAND, 0.0, 0.0), (0.8, _STAND, 0.0, 0.0), (1.1, _CROUCH, 0.0, 0.0),
         (1.45, _AIR, -0.45, 0.18), (1.8, _LAND, -0.9, 0.0), (2.2, _LAND, -0.9, 0.0),
         (2.55, _AIR, -0.45, 0.18), (2.9, _LAND, 0.0, 0.0), (3.3, _STAND, 0.0, 0.0), (CYCLE_S, _STAND, 0.0, 0.0))


def step_at(time_s: float) -> int:
    """Which step (0 stand, 1 jump back, 2 land, 3 jump forward) the figure shows at ``time_s``."""
    phase_s = time_s % CYCLE_S
    return next(step for end_s, step in STEPS if phase_s < end_s)


def pose_at(time_s: float) -> dict[str, tuple[float, float]]:
    """Every joint's position (figure heights, y up) at ``time_s``."""
    phase_s = time_s % CYCLE_S
    for (t0, pose0, x0, lift0), (t1, pose1, x1, lift1) in zip(_KEYS, _KEYS[1:]):
        if t0 <= phase_s <= t1:
            f = 0.0 if t1 == t0 else (phase_s - t0) / (t1 - t0)
            x, lift = x0 + f * (x1 - x0), lift0 + f * (lift1 - lift0)
            return {joint: (x + pose0[joint][0] + f * (pose1[joint][0] - pose0[joint][0]),
                            lift + pose0[joint][1] + f * (pose1[joint][1] - pose0[joint][1]))
                    for joint in _JOINTS}
    raise AssertionError("the keyframes cover the whole cycle")


def _placement(box: pygame.Rect) -> tuple[float, float, float]:
    """The figure's height in pixels, and where the floor and its start are, in ``box``."""
    unit = min(box.height / 1.45, box.width / 1.6)
    return unit, box.bottom - unit * 0.12, box.centerx + unit * 0.45


def _pixel_of(box: pygame.Rect):
    unit, floor_y, start_x = _placement(box)

    def at(point: tuple[float, float]) -> tuple[int, int]:
        return round(start_x + point[0] * unit), round(floor_y - point[1] * unit)
    return at


def figure_rect(box: pygame.Rect, time_s: float) -> pygame.Rect:
    """The part of ``box`` the figure (not the mat) covers at ``time_s``."""
    unit = _placement(box)[0]
    at = _pixel_of(box)
    points = [at(point) for point in pose_at(time_s).values()]
    xs, ys = [x for x, _ in points], [y for _, y in points]
    margin = round(unit * 0.08) + max(2, round(unit * 0.035)) + 2   # the head's radius, a line's width
    return pygame.Rect(min(xs), min(ys), max(xs) - min(xs) + 1, max(ys) - min(ys) + 1) \
        .inflate(2 * margin, 2 * margin).clip(box)


def draw_figure(surface: pygame.Surface, box: pygame.Rect, time_s: float) -> None:
    """The figure at ``time_s``, on a two-zone mat, inside ``box``."""
    unit, floor_y, _ = _placement(box)
    at = _pixel_of(box)

    mat_h = max(3, round(unit * 0.05))
    front = pygame.Rect(at((-0.25, 0.0))[0], round(floor_y), round(unit * 0.5), mat_h)
    back = front.move(-round(unit * 0.9), 0)
    for zone in (front, back):
        pygame.draw.rect(surface, MAT, zone)
    pygame.draw.line(surface, DIM, (box.left, round(floor_y)), (box.right, round(floor_y)), 1)
    pose = pose_at(time_s)
    width = max(2, round(unit * 0.035))
    for chain in (("neck", "hip", "knee", "foot", "toe"), ("neck", "elbow", "hand")):
        pygame.draw.lines(surface, TEXT, False, [at(pose[joint]) for joint in chain], width)
    pygame.draw.circle(surface, TEXT, at(pose["head"]), round(unit * 0.08))
