"""Spreadsheet-safe CSV cells and stick-safe file names.

The exported CSV files open as they are in Excel and LibreOffice: UTF-8 with a
byte order mark (so Excel does not guess a code page), commas, ``.`` decimals,
CRLF line ends, one header row whose names carry the unit (``back_flight_s``).

Whole lines are formatted inside SQLite (``printf``, ``strftime``, ``||``)
rather than in Python: Python then handles one string per row instead of
twenty values, which makes an export of 100 000 reps and their 400 000
phases several times faster. The helpers here build those SQL expressions,
so every rule lives in one place:

- numbers: fixed decimal places per unit, written as numbers even when
  negative (a backward displacement of -0.42 m is a number, not a formula);
- text: a cell a spreadsheet would run as a formula (it starts with ``=``,
  ``+``, ``-``, ``@``, a tab or a carriage return) gets a leading ``'``;
- times: ISO 8601 in UTC with its offset, to the millisecond;
- quoting as RFC 4180: a text cell with a comma, quote or line break is
  quoted, its quotes doubled.

Example::

    line = sql_line([sql_text("a.name"), sql_number("r.jump_height_m", 3)])
    conn.execute(f"SELECT {line} FROM ...")
"""

from __future__ import annotations

import re
import unicodedata

#: What a spreadsheet takes as the start of a formula (OWASP's CSV injection list).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
#: Decimal places by unit: milliseconds for times, millimetres for lengths.
PLACES = {"s": 3, "m": 3, "n": 1, "bw": 2, "bw_per_s": 1, "rsi": 2, "softness": 1}
#: Rows fetched and encoded per chunk: big enough to be fast, small enough
#: that 400 000 rows never sit in memory as one string.
ROWS_PER_CHUNK = 20_000
#: Characters FAT32 and exFAT refuse in names (with the path separators).
_ILLEGAL_IN_NAMES = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f]')
_RESERVED_NAMES = {"CON", "PRN", "AUX", "NUL", "CLOCK$",
                   *(f"COM{i}" for i in range(10)), *(f"LPT{i}" for i in range(10))}
#: Long enough for any real name, short enough for "<session>-<name>.png" on
#: every file system and in a file manager's column.
MAX_NAME_CHARS = 60


def sql_text(expr: str) -> str:
    """SQL for a text cell: '' for NULL, a leading ' where it would be a
    formula, quoted where it holds a comma, quote or line break."""
    starts = ", ".join(f"char({ord(c)})" for c in FORMULA_STARTS)
    safe = (f"(CASE WHEN {expr} IS NULL THEN '' WHEN substr({expr}, 1, 1) IN ({starts}) "
            f"THEN '''' || {expr} ELSE CAST({expr} AS TEXT) END)")
    needs_quotes = f"{expr} GLOB ('*[,\"' || char(10, 13) || ']*')"
    quoted = f"'\"' || replace({safe}, '\"', '\"\"') || '\"'"
    return f"(CASE WHEN {needs_quotes} THEN {quoted} ELSE {safe} END)"


def sql_line(cells: list[str]) -> str:
    """SQL for one CSV line (without its line end) from the cells' SQL, each
    of which gives text, never NULL."""
    return " || ',' || ".join(cells)


def sql_number(expr: str, places: int) -> str:
    """SQL for a number cell with ``places`` decimals; '' for NULL."""
    return f"(CASE WHEN {expr} IS NULL THEN '' ELSE printf('%.{places}f', {expr}) END)"


def sql_integer(expr: str) -> str:
    """SQL for a whole-number cell; '' for NULL."""
    return f"(CASE WHEN {expr} IS NULL THEN '' ELSE printf('%d', {expr}) END)"


def sql_time(expr: str, missing: str = "") -> str:
    """SQL for a wall-clock cell: ISO 8601 UTC with offset and milliseconds.

    A NULL (or unreadable) time becomes ``missing``, which must be safe text.
    """
    quoted = "'" + missing.replace("'", "''") + "'"
    return f"COALESCE(strftime('%Y-%m-%dT%H:%M:%f+00:00', {expr}), {quoted})"


def csv_chunks(header: list[str], lines):
    """The CSV file as UTF-8 byte chunks: BOM and header first, then the
    lines, from a cursor whose rows are one formatted line each."""
    yield ("\ufeff" + ",".join(header) + "\r\n").encode("utf-8")
    while batch := lines.fetchmany(ROWS_PER_CHUNK):
        yield "".join(line + "\r\n" for line, in batch).encode("utf-8")


def safe_file_name(name: str | None, fallback: str = "athlete") -> str:
    """``name`` made fit for a file name on any USB stick, still readable.

    No path separators or ``..``, no control characters, nothing FAT32/exFAT
    refuse, no reserved Windows device name, no leading or trailing dots or
    spaces, at most MAX_NAME_CHARS characters, never empty.

    >>> safe_file_name("../../etc/passwd")
    'etc_passwd'
    """
    text = unicodedata.normalize("NFC", name or "")
    text = _ILLEGAL_IN_NAMES.sub("_", "".join(_name_char(c) for c in text))
    text = re.sub(r"\s+", " ", text)
    text = text.strip(" ._")
    text = re.sub(r"_+", "_", text)
    text = text[:MAX_NAME_CHARS].rstrip(" .")
    if not text:
        return fallback
    if text.split(".")[0].strip().upper() in _RESERVED_NAMES:
        text = "_" + text
    return text


def _name_char(char: str) -> str:
    category = unicodedata.category(char)
    if category.startswith("Z"):
        return " "
    if category == "Cf":
        return ""  # zero-width and direction marks: invisible, so dropped
    return "_" if category.startswith("C") else char
