"""The session chart: a PNG that any viewer reads back pixel for pixel, a
row per athlete on shared axes, quick enough for a hundred sessions."""

import io
import threading
import time
import zlib

import pygame
import pytest

from station.export.ahead import CHARTS_AHEAD, ChartsAhead
from station.export.chart import (HEADER_PX, LABEL_PX, PALETTE, RATING_COLOURS, ROW_PX, AthleteReps,
                                  ChartData, ChartRep, chart_size, png_bytes, render_chart)


@pytest.fixture(autouse=True)
def dummy_video(monkeypatch):
    monkeypatch.setenv("SDL_VIDEODRIVER", "dummy")


def reps(count, rating="soft", contact_s=0.2, sets=2):
    return [ChartRep(i * sets // count, i, contact_s, 0.2 + i / 1000, rating, i % 7 != 3)
            for i in range(count)]


def load(png):
    return pygame.image.load(io.BytesIO(png), "chart.png")


def test_the_png_reads_back_exactly_as_drawn():
    surface = pygame.Surface((37, 11), depth=8)
    surface.set_palette(PALETTE)
    for x in range(37):
        for y in range(11):
            surface.set_at((x, y), PALETTE[(x * 7 + y * 3) % len(PALETTE)])
    png = png_bytes(surface)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    back = load(png)
    assert back.get_size() == (37, 11)
    assert all(back.get_at((x, y))[:3] == surface.get_at((x, y))[:3]
               for x in range(37) for y in range(11))


def test_every_chunk_carries_a_correct_checksum():
    png = render_chart(ChartData(1, "2026-11-24T18:00:00+00:00", [AthleteReps("Ada", reps(10))]))
    at, kinds = 8, []
    while at < len(png):
        length = int.from_bytes(png[at:at + 4], "big")
        kind, body = png[at + 4:at + 8], png[at + 8:at + 8 + length]
        assert int.from_bytes(png[at + 8 + length:at + 12 + length], "big") == zlib.crc32(kind + body)
        kinds.append(kind)
        at += 12 + length
    assert kinds == [b"IHDR", b"PLTE", b"IDAT", b"IEND"]


def test_a_row_per_athlete_each_in_its_own_band():
    rows = [AthleteReps("Ada", reps(40, "soft")), AthleteReps("Bo", reps(40, "hard")),
            AthleteReps("", reps(40, None))]
    chart = load(render_chart(ChartData(7, "2026-11-24T18:00:00+00:00", rows)))
    assert chart.get_size() == chart_size(3) and chart_size(3)[1] > chart_size(1)[1]
    for number, rating in enumerate(("soft", "hard", None)):
        band = [(x, y) for x in range(LABEL_PX, chart.get_width(), 2)
                for y in range(HEADER_PX + number * ROW_PX, HEADER_PX + (number + 1) * ROW_PX, 2)]
        colours = {tuple(chart.get_at(p))[:3] for p in band}
        others = {c for r, c in RATING_COLOURS.items() if r != rating}
        assert RATING_COLOURS[rating] in colours and not colours & others, rating


def test_a_session_of_ten_athletes_and_a_thousand_reps_renders_in_well_under_a_tenth_of_a_second():
    rows = [AthleteReps(f"Athlete {i}", reps(100, ("soft", "firm", "hard")[i % 3])) for i in range(10)]
    data = ChartData(3, "2026-11-24T18:00:00+00:00", rows)
    render_chart(data)   # fonts and labels made once, as in an export
    start = time.perf_counter()
    render_chart(data)
    assert time.perf_counter() - start < 0.1


def test_charts_rendered_ahead_come_in_order_and_match_rendering_them_in_turn():
    charts = [ChartData(n, "2026-11-24T18:00:00+00:00", [AthleteReps(f"A{n}", reps(5 + n))])
              for n in range(6)]
    got = list(ChartsAhead(charts))
    assert [data for data, _ in got] == charts
    assert [png for _, png in got] == [render_chart(data) for data in charts]


def test_a_fault_while_rendering_ahead_is_raised_where_the_charts_are_written():
    not_a_number = [ChartRep(0, 0, "x", 0.2, None, True)]
    broken = ChartData(2, "2026-11-24T18:00:00+00:00", [AthleteReps("A", not_a_number)])
    fine = ChartData(1, "2026-11-24T18:00:00+00:00", [AthleteReps("A", reps(3))])
    ahead = ChartsAhead([fine, broken])
    charts = iter(ahead)
    assert next(charts)[0].session_id == 1
    with pytest.raises(TypeError):
        next(charts)
    ahead.stop()


def test_stopping_ends_a_worker_that_is_ahead_at_once():
    charts = [ChartData(n, "2026-11-24T18:00:00+00:00", [AthleteReps("A", reps(2))])
              for n in range(CHARTS_AHEAD + 5)]
    ahead = ChartsAhead(charts)
    time.sleep(0.2)
    start = time.perf_counter()
    ahead.stop()
    assert time.perf_counter() - start < 1.0
    assert not [thread for thread in threading.enumerate() if thread.name == "charts"]
