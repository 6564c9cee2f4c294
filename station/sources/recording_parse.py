"""The header and rows of a format-1 recording, as numbers or as an error
naming the line and column to fix.

Rows are parsed by numpy all at once, which keeps a 10-minute 1 kHz file to a
fraction of a second. Only when that finds something wrong does a row-by-row
pass run, in file order, so the error names the first bad line exactly.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from station.errors import UserError
from station.readings import BACK, FRONT, MAT, ONE_ZONE, TWO_ZONES

TIME_COLUMN = "time_s"
MAT_COLUMNS = {MAT: "mat", FRONT: "mat_front", BACK: "mat_back"}
FZ_COLUMN = "fz"
#: Front-left, front-right, back-left, back-right: the order of ``corners_n``.
CORNER_COLUMNS = ("f_fl", "f_fr", "f_bl", "f_br")


class RecordingError(UserError):
    """A recording file the station cannot use; the message says where and why.

    ``line`` (1-based, counting every line of the file) and ``column`` are None
    when the problem is not at one place, such as a missing file.
    """

    def __init__(self, path, what: str, line: int | None = None,
                 column: str | None = None) -> None:
        self.path, self.line, self.column = path, line, column
        where = f"{path}: "
        if line is not None:
            where += f"line {line}, " if column is not None else f"line {line}: "
        if column is not None:
            where += f"column '{column}': "
        super().__init__(where + what)


def number(text: str) -> float | None:
    """The cell as a float (NaN and inf included), or None if it is not a
    plain decimal number. Underscores and non-ASCII digits, which float()
    takes, are refused so that the row-by-row pass agrees with numpy's."""
    if not text.isascii() or "_" in text:
        return None
    try:
        return float(text)
    except ValueError:
        return None


@dataclass(frozen=True)
class Layout:
    """Where the columns the station uses sit in the header row.

    ``columns`` are the indexes of time, then each mat zone, then the force
    cells (fz, or the four corners): the order of the parsed values.
    """

    line: int
    names: tuple[str, ...]
    zones: tuple[str, ...]
    columns: tuple[int, ...]

    @property
    def force_count(self) -> int:
        return len(self.columns) - 1 - len(self.zones)


def parse_header(path, line: int, text: str) -> Layout:
    """The layout of header row ``text``, which is line ``line`` of the file."""
    names = tuple(cell.strip().strip('"').strip() for cell in text.split(","))
    for name in (TIME_COLUMN, *MAT_COLUMNS.values(), FZ_COLUMN, *CORNER_COLUMNS):
        if names.count(name) > 1:
            raise RecordingError(path, "the column appears twice; name each column once.",
                                 line, name)
    if TIME_COLUMN not in names:
        if all(number(name) is not None for name in names):
            raise RecordingError(path, f"'{text.strip()}' is not a header row; the first line "
                                 "that is not a comment must name the columns, such as "
                                 "'time_s,fz'.", line)
        raise RecordingError(path, "there is no 'time_s' column; the header must name the "
                             "time column time_s (seconds).", line)
    zones = _zones(path, line, names)
    force = _force_columns(path, line, names)
    if not zones and not force:
        raise RecordingError(path, "there is no mat or force column; the header needs 'mat', "
                             "'mat_front' and 'mat_back', 'fz', or 'f_fl,f_fr,f_bl,f_br'.", line)
    columns = (TIME_COLUMN, *(MAT_COLUMNS[zone] for zone in zones), *force)
    return Layout(line, names, zones, tuple(names.index(name) for name in columns))


def _zones(path, line: int, names: tuple[str, ...]) -> tuple[str, ...]:
    front, back = MAT_COLUMNS[FRONT], MAT_COLUMNS[BACK]
    two = [name for name in (front, back) if name in names]
    if two and MAT_COLUMNS[MAT] in names:
        raise RecordingError(path, f"the header has both 'mat' and '{two[0]}'; keep either "
                             "the one-zone column or the two-zone columns.", line, "mat")
    if len(two) == 1:
        missing = back if two == [front] else front
        raise RecordingError(path, f"there is no '{missing}' column; a two-zone mat needs "
                             "both mat_front and mat_back.", line, two[0])
    if two:
        return TWO_ZONES
    return ONE_ZONE if MAT_COLUMNS[MAT] in names else ()


def _force_columns(path, line: int, names: tuple[str, ...]) -> tuple[str, ...]:
    corners = [name for name in CORNER_COLUMNS if name in names]
    if corners and len(corners) < len(CORNER_COLUMNS):
        missing = " and ".join(f"'{name}'" for name in CORNER_COLUMNS if name not in corners)
        raise RecordingError(path, f"there is no {missing} column; four-corner force needs "
                             "all of f_fl, f_fr, f_bl and f_br.", line, corners[0])
    if corners:
        return CORNER_COLUMNS
    return (FZ_COLUMN,) if FZ_COLUMN in names else ()


class _FoundProblem(Exception):
    """The fast pass saw something wrong; the row-by-row pass says what."""


def parse_rows(path, layout: Layout, lines: list[str], rows: list[int]) -> np.ndarray:
    """Values of the data rows ``rows`` (indexes into ``lines``), shape
    (len(rows), len(layout.columns)), NaN in the force cells of mat-only rows."""
    texts = [lines[i] for i in rows]
    try:
        return _parse_fast(path, layout, texts)
    except _FoundProblem:
        return _parse_each(path, layout, texts, rows)


def _parse_fast(path, layout: Layout, texts: list[str]) -> np.ndarray:
    if {text.count(",") for text in texts} != {len(layout.names) - 1}:
        raise _FoundProblem
    # A row with an empty cell is mat-only (or broken): numpy cannot parse it.
    holes = [j for j, text in enumerate(texts)
             if ",," in text or text[0] == "," or text[-1] == ","]
    values = np.empty((len(texts), len(layout.columns)))
    try:
        for j in holes:
            values[j] = _parse_row(path, layout, 0, texts[j])
    except RecordingError:
        raise _FoundProblem from None
    full = np.ones(len(texts), bool)
    full[holes] = False
    if holes:
        texts = [text for text, whole in zip(texts, full.tolist()) if whole]
    if texts:
        try:
            values[full] = np.loadtxt(texts, delimiter=",", usecols=layout.columns,
                                      ndmin=2, comments=None, quotechar=None)
        except ValueError:
            raise _FoundProblem from None
    time_s = values[:, 0]
    mat = values[:, 1:1 + len(layout.zones)]
    force = values[full, 1 + len(layout.zones):]
    if not (np.isfinite(time_s).all() and (np.diff(time_s) >= 0).all()
            and ((mat == 0) | (mat == 1)).all() and np.isfinite(force).all()):
        raise _FoundProblem
    return values


def _parse_each(path, layout: Layout, texts: list[str], rows: list[int]) -> np.ndarray:
    values = np.empty((len(texts), len(layout.columns)))
    for j, (i, text) in enumerate(zip(rows, texts)):
        values[j] = _parse_row(path, layout, i + 1, text)
        if j and values[j, 0] < values[j - 1, 0]:
            now, before = (_cell(layout, t, 0) for t in (text, texts[j - 1]))
            raise RecordingError(path, f"time {now} s goes back from {before} s on line "
                                 f"{rows[j - 1] + 1}; rows must be in time order.",
                                 i + 1, TIME_COLUMN)
    return values


def _cell(layout: Layout, text: str, k: int) -> str:
    return text.split(",")[layout.columns[k]].strip()


def _parse_row(path, layout: Layout, line: int, text: str) -> list[float]:
    cells = text.split(",")
    if len(cells) != len(layout.names):
        raise RecordingError(path, f"the row has {len(cells)} cells but the header on line "
                             f"{layout.line} names {len(layout.names)} columns; every row "
                             "needs one cell per column.", line)
    named = [(layout.names[c], cells[c].strip()) for c in layout.columns]
    zones = len(layout.zones)
    time_s = [_number_cell(path, line, *named[0], "every row needs its time in seconds")]
    mat = [_mat_cell(path, line, name, cell) for name, cell in named[1:1 + zones]]
    return time_s + mat + _force_cells(path, line, named[1 + zones:], bool(zones))


def _number_cell(path, line: int, name: str, cell: str, if_empty: str) -> float:
    if not cell:
        raise RecordingError(path, f"the cell is empty; {if_empty}.", line, name)
    value = number(cell)
    if value is None or not math.isfinite(value):
        kind = "a number" if value is None else "a finite number"
        raise RecordingError(path, f"'{cell}' is not {kind}; every cell must be a number "
                             "(use . for decimals).", line, name)
    return value


def _mat_cell(path, line: int, name: str, cell: str) -> float:
    rule = "mat cells must be 0 (no contact) or 1 (contact)"
    if not cell:
        raise RecordingError(path, f"the cell is empty; {rule} in every row.", line, name)
    if number(cell) not in (0.0, 1.0):
        raise RecordingError(path, f"'{cell}' is not 0 or 1; {rule}.", line, name)
    return number(cell)


def _force_cells(path, line: int, named: list[tuple[str, str]], has_mat: bool) -> list[float]:
    empty = [name for name, cell in named if not cell]
    if empty and has_mat and len(empty) == len(named):
        return [math.nan] * len(named)
    if empty and has_mat:
        raise RecordingError(path, "the cell is empty; leave either all force cells of a row "
                             "empty (a row that only carries a mat change) or none.",
                             line, empty[0])
    if empty:
        raise RecordingError(path, "the cell is empty; force cells may be empty only in a "
                             "file that also has mat columns.", line, empty[0])
    return [_number_cell(path, line, name, cell, "") for name, cell in named]
