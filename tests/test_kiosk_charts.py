"""The bar chart of rebound contacts and the force trace stay in their boxes and
scale so that what matters shows."""

import numpy as np
import pygame
import pytest

from station.kiosk.draw.charts import HEADROOM, draw_bars, draw_trace
from station.kiosk.draw.layout import AMBER, LABEL, RATING_COLOURS
from station.kiosk.state.totals import RepBar
from station.kiosk.state.trace import ForceTrace

BOX = pygame.Rect(100, 50, 600, 200)
SOFT = RATING_COLOURS["soft"]


def bar_heights(surface, colour):
    """The height in pixels of each run of columns drawn in ``colour``, left to right."""
    mask = pygame.surfarray.array3d(surface)[:, :, :] == np.array(colour)
    columns = mask.all(axis=2).sum(axis=1)
    heights, current = [], 0
    for count in columns:
        if count:
            current = max(current, count)
        elif current:
            heights.append(current)
            current = 0
    return heights


def drawn_bars(bars):
    surface = pygame.Surface((800, 300))
    draw_bars(surface, BOX, bars)
    return surface


def test_bars_are_as_tall_as_their_rebound_contacts():
    heights = bar_heights(drawn_bars([RepBar(0.2, "soft", True), RepBar(0.4, "soft", True)]), SOFT)
    assert len(heights) == 2 and heights[1] == pytest.approx(2 * heights[0], abs=2)


def test_a_long_contact_of_an_invalid_rep_is_cut_and_does_not_flatten_the_valid_ones():
    alone = bar_heights(drawn_bars([RepBar(0.2, "soft", True), RepBar(0.25, "soft", True)]), SOFT)
    with_pause = drawn_bars([RepBar(0.2, "soft", True), RepBar(0.25, "soft", True), RepBar(2.5, "firm", False)])
    assert bar_heights(with_pause, SOFT) == alone
    outline = pygame.mask.from_threshold(with_pause, AMBER, (1, 1, 1, 255)).get_bounding_rects()[0]
    assert outline.top >= BOX.top + HEADROOM * BOX.height * 0.8


def test_more_bars_than_fit_show_the_latest():
    bars = [RepBar(0.2, "soft", True)] * 500 + [RepBar(0.3, "hard", True)]
    surface = drawn_bars(bars)
    hard = pygame.mask.from_threshold(surface, RATING_COLOURS["hard"], (1, 1, 1, 255)).get_bounding_rects()
    assert len(hard) == 1 and hard[0].right > BOX.right - BOX.height // 6


@pytest.mark.parametrize("bars", [[], [RepBar(None, None, False)], [RepBar(0.2, None, True)] * 40])
def test_the_bars_never_leave_their_box(bars):
    surface = drawn_bars(bars)
    outside = pygame.mask.from_threshold(surface, (0, 0, 0), (1, 1, 1, 255))
    outside.invert()
    assert all(BOX.contains(rect) for rect in outside.get_bounding_rects())


def test_the_trace_draws_the_force_inside_its_box_and_a_line_at_body_weight():
    trace = ForceTrace()
    time_s = np.arange(0.0, 5.0, 0.001)
    trace.add(time_s, 700.0 + 4000.0 * (np.sin(4 * time_s) > 0.95))
    surface = pygame.Surface((800, 300))
    draw_trace(surface, BOX, trace, body_weight_n=700.0)
    drawn = pygame.mask.from_threshold(surface, LABEL, (1, 1, 1, 255))
    assert drawn.count() > 500
    assert all(BOX.contains(rect) for rect in drawn.get_bounding_rects())
    top = min(rect.top for rect in drawn.get_bounding_rects())
    assert top >= BOX.top + HEADROOM * BOX.height * 0.8   # the label's corner stays clear
