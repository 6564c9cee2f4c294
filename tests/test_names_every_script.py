"""Names in every script: drawn on the kiosk and in the exported charts with
the installed Noto fonts (no glyph the missing-glyph box), right-to-left
names right to left, Arabic joined, a mixed name in its reading order."""

import io
import logging
import unicodedata

import numpy as np
import pygame
import pytest

from kiosk_states import MIXED_NAME, NAMES
from station.export import chart
from station.export.chart import AthleteReps, ChartData, ChartRep, render_chart
from station.fonts.chain import FontFiles
from station.fonts.files import DEFAULT_FONTS, find_fonts
from station.fonts.runs import pieces
from station.kiosk.app import KioskApp
from station.kiosk.config import KioskConfig
from station.kiosk.flow import Screen
from station.kiosk.screen import KioskScreen
from station.kiosk.state.board import LiveBoard
from station.kiosk.draw.text import TextCache

WHITE = (255, 255, 255)
CAP_PX = 40
#: A letter none of the station's fonts has (an Egyptian hieroglyph): it
#: draws as the missing-glyph box.
NO_GLYPH = "\U00013000"
#: A letter added at the end of each name: where it shows says the direction
#: (after a space in Devanagari, whose letters join at their headline).
APPENDED = {"יעל": "ה", "محمد": "ا", "Zoë": "x", "अनन्या": " क"}

needs_noto = pytest.mark.skipif(len(find_fonts()) < len(DEFAULT_FONTS),
                                reason="the Noto fonts are not installed (fonts-noto-core, fonts-noto-cjk)")


def ink_columns(surface):
    """How much ink each column of a text surface has: the same whatever the
    surface's height, so texts compare side by side."""
    return pygame.surfarray.pixels_alpha(surface).sum(axis=1).astype(int)


def same_pixels(a, b):
    return a.get_size() == b.get_size() and pygame.image.tobytes(a, "RGBA") == pygame.image.tobytes(b, "RGBA")


def letters(name):
    return [c for c in name if not c.isspace()]


@needs_noto
@pytest.mark.parametrize("name", NAMES + [MIXED_NAME])
def test_no_character_of_a_name_draws_as_the_missing_glyph_box_on_the_kiosk(video, name):
    text = TextCache()
    box = text.render(NO_GLYPH, CAP_PX, WHITE)
    assert box.get_bounding_rect().width > 0
    assert not [c for c in letters(name) if same_pixels(text.render(c, CAP_PX, WHITE), box)]


@needs_noto
@pytest.mark.parametrize("name", NAMES + [MIXED_NAME])
def test_every_character_of_a_name_is_drawn_by_a_font_that_has_it(video, name):
    files = FontFiles(find_fonts())
    drawn = [(c, piece.font) for piece in pieces(name, files.font_for) for c in piece.text]
    assert sorted(c for c, _ in drawn) == sorted(name)
    assert [c for c, font in drawn if not files.has(font, c)] == []


@needs_noto
def test_arabic_letters_join_so_the_name_is_not_its_letters_side_by_side(video):
    text = TextCache()
    assert text.width_px("محمد", CAP_PX) != sum(text.width_px(c, CAP_PX) for c in "محمد")


@needs_noto
@pytest.mark.parametrize("name", ["יעל", "محمد"])
def test_a_letter_added_to_a_right_to_left_name_shows_on_its_left(video, name):
    text = TextCache()
    alone = ink_columns(text.render(name, CAP_PX, WHITE))
    longer = ink_columns(text.render(name + APPENDED[name], CAP_PX, WHITE))
    assert len(longer) > len(alone)
    assert np.array_equal(longer[-len(alone):], alone)
    assert not np.array_equal(longer[:len(alone)], alone)


@needs_noto
@pytest.mark.parametrize("name", ["Zoë", "अनन्या"])
def test_a_letter_added_to_a_left_to_right_name_shows_on_its_right(video, name):
    text = TextCache()
    alone = ink_columns(text.render(name, CAP_PX, WHITE))
    longer = ink_columns(text.render(name + APPENDED[name], CAP_PX, WHITE))
    assert np.array_equal(longer[:len(alone)], alone)


@needs_noto
@pytest.mark.parametrize("mixed, left, right", [("Zoë محمد", "Zoë", "محمد"), ("محمد Ali", "Ali", "محمد")])
def test_a_name_in_latin_and_arabic_shows_its_parts_in_reading_order(video, mixed, left, right):
    """A line starting in Latin reads left to right, one starting in Arabic
    right to left: the Arabic is on the right either way."""
    text = TextCache()
    both = ink_columns(text.render(mixed, CAP_PX, WHITE))
    first = ink_columns(text.render(left, CAP_PX, WHITE))
    last = ink_columns(text.render(right, CAP_PX, WHITE))
    assert np.array_equal(both[:len(first)], first) and np.array_equal(both[-len(last):], last)


def chart_of(name):
    rep = ChartRep(1, 1, 0.2, 0.3, "soft", True)
    return pygame.image.load(io.BytesIO(render_chart(ChartData(1, "2026-11-24T18:00:00+00:00",
                                                                [AthleteReps(name, [rep])]))), "c.png")


def chart_name_columns(name):
    """The ink of each column of the name's label in a chart of one athlete, trimmed."""
    top = chart.HEADER_PX + 10
    label = pygame.surfarray.array3d(chart_of(name))[chart.MARGIN_PX:chart.LABEL_PX - 10, top:top + 36]
    ink = (765 - label.astype(int).sum(axis=2)).sum(axis=1)
    inked = np.flatnonzero(ink)
    return ink[inked[0]:inked[-1] + 1]


@needs_noto
@pytest.mark.parametrize("name", NAMES + [MIXED_NAME])
def test_no_character_of_a_name_draws_as_the_missing_glyph_box_in_a_chart(video, name):
    box = chart_name_columns(NO_GLYPH)
    assert not [c for c in letters(name) if np.array_equal(chart_name_columns(c), box)]


@needs_noto
@pytest.mark.parametrize("name", ["יעל", "محمد"])
def test_a_right_to_left_name_reads_right_to_left_in_a_chart(video, name):
    alone, longer = chart_name_columns(name), chart_name_columns(name + APPENDED[name])
    assert np.array_equal(longer[-len(alone):], alone) and not np.array_equal(longer[:len(alone)], alone)


def test_without_the_fonts_names_still_draw_and_the_kiosk_runs_with_one_warning(video, caplog):
    missing = ("NoSuchFont-Bold.ttf",)
    with caplog.at_level(logging.WARNING):
        app = KioskApp(KioskScreen((800, 480)), LiveBoard(), KioskConfig(fonts=missing))
        app.flow.athlete = (None, NAMES[0])
        assert app.draw(Screen.ATTRACT, 0.0)
        KioskApp(KioskScreen((800, 480)), LiveBoard(), KioskConfig(fonts=missing)).close()
    warnings = [r.getMessage() for r in caplog.records if "NoSuchFont-Bold.ttf" in r.getMessage()]
    assert warnings == ["Names in some scripts show as boxes because the font files NoSuchFont-Bold.ttf "
                        "were not found: give paths, or file names under /usr/share/fonts, in [kiosk] fonts."]
    app.close()


def test_a_missing_noto_font_names_the_package_to_install(caplog, monkeypatch):
    monkeypatch.setattr("station.fonts.files._installed", lambda: {})
    monkeypatch.setattr("station.fonts.files._warned", set())
    with caplog.at_level(logging.WARNING):
        assert find_fonts(("NotoSansArabic-Bold.ttf", "NotoSansCJK-Bold.ttc")) == ()
    assert [r.getMessage() for r in caplog.records] == [
        "Names in some scripts show as boxes because NotoSansArabic-Bold.ttf, NotoSansCJK-Bold.ttc are not "
        "installed: sudo apt install fonts-noto-cjk fonts-noto-core."]


def test_a_font_given_by_path_is_used_as_it_is(tmp_path):
    font = tmp_path / "Mine.ttf"
    font.write_bytes(b"")
    assert find_fonts((str(font),)) == (str(font),)


def by_script(char, preferred):
    """Fonts for the pure tests: 0 Latin and the rest, 1 Arabic, 2 Hebrew."""
    script = unicodedata.name(char, "").split(" ")[0]
    return {"ARABIC": 1, "HEBREW": 2}.get(script, 0 if preferred is None else preferred)


@pytest.mark.parametrize("text, shown", [
    ("Zoë", [("Zoë", False)]),
    ("محمد", [("محمد", True)]),
    ("Zoë محمد", [("Zoë ", False), ("محمد", True)]),
    ("محمد Ali", [("Ali", False), ("محمد ", True)]),
    ("محمد 2", [("2", False), ("محمد ", True)]),
    ("Ali محمد 2 علي", [("Ali ", False), ("علي", True), (" ", True), ("2", False), ("محمد ", True)]),
    ("Ali (محمد)", [("Ali (", False), ("محمد", True), (")", False)]),
    ("יעל כהן", [("יעל כהן", True)]),
    ("", []),
])
def test_pieces_come_in_the_order_they_show_left_to_right(text, shown):
    assert [(p.text, p.rtl) for p in pieces(text, by_script)] == shown


def test_a_piece_is_shaped_in_the_script_of_its_letters():
    assert [(p.text, p.font, p.script) for p in pieces("Дмитрий محمد", by_script)] == [
        ("Дмитрий ", 0, "Cyrl"), ("محمد", 1, "Arab")]


def test_a_combining_mark_stays_in_its_letters_piece():
    assert [p.text for p in pieces("e\u0301 יְעל", by_script)] == ["e\u0301 ", "יְעל"]
