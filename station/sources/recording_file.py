"""Recording format 1 on disk: what a recording holds, and reading and writing it.

docs/recording-format.md is the specification. This module handles the file
as a whole (encoding, version, metadata, the atomic write); recording_parse
turns the header and rows into numbers.
"""

from __future__ import annotations

import logging
import math
import os
import re
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from station.readings import BACK, FRONT, MAT, ONE_ZONE, TWO_ZONES
from station.sources.recording_parse import (
    CORNER_COLUMNS, FZ_COLUMN, MAT_COLUMNS, TIME_COLUMN, Layout, RecordingError, number,
    parse_header, parse_rows)

LOG = logging.getLogger("station")
FORMAT_VERSION = "1"
#: Metadata the station uses, with an example value to show in error messages.
KNOWN_METADATA = {"sample_rate_hz": "1000", "body_mass_kg": "75",
                  "plate_width_m": "0.6", "plate_depth_m": "0.4"}

VERSION_LINE = re.compile(r"#\s*jumpmat-recording\b\s*(.*?)\s*$")
METADATA_LINE = re.compile(r"#\s*([A-Za-z_][A-Za-z0-9_.-]*)\s*:\s*(.*?)\s*$")


@dataclass(frozen=True, eq=False)
class Recording:
    """Mat levels and force samples on one timeline, as a file holds them.

    time_s: (n,) seconds, non-decreasing.
    mat: zone -> (n,) bool contact levels; zones are ("mat",) or ("front",
        "back"); {} when the file has no mat.
    fz_n: (n,) total vertical force in newtons, NaN in rows that only carry a
        mat change; None when the file has no force.
    corners_n: (n, 4) corner forces FL, FR, BL, BR in newtons (NaN rows as
        above), or None.
    metadata: every ``# key: value`` line of the file, as text.

        recording = read_recording("session.csv")
        recording.zones            # ("front", "back")
        recording.sample_rate_hz   # 1000.0
    """

    time_s: np.ndarray
    mat: dict[str, np.ndarray]
    fz_n: np.ndarray | None
    corners_n: np.ndarray | None
    metadata: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        rows = self.time_s.shape
        if len(rows) != 1:
            raise ValueError("time_s must be one-dimensional")
        if set(self.mat) not in (set(), {MAT}, {FRONT, BACK}):
            raise ValueError(f"mat zones must be {ONE_ZONE} or {TWO_ZONES}, not {tuple(self.mat)}")
        if any(level.shape != rows or level.dtype != bool for level in self.mat.values()):
            raise ValueError("every mat zone needs one bool per row")
        if self.fz_n is None and (self.corners_n is not None or not self.mat):
            raise ValueError("a recording needs a mat or fz_n, and corners_n needs fz_n")
        if self.fz_n is not None and self.fz_n.shape != rows:
            raise ValueError("fz_n needs one value per row")
        if self.corners_n is not None and self.corners_n.shape != rows + (4,):
            raise ValueError("corners_n needs four values per row")
        if not self.mat and np.isnan(self.fz_n).any():
            raise ValueError("rows without force only exist to carry a mat change")

    @property
    def zones(self) -> tuple[str, ...]:
        if MAT in self.mat:
            return ONE_ZONE
        return TWO_ZONES if self.mat else ()

    @property
    def has_mat(self) -> bool:
        return bool(self.mat)

    @property
    def has_force(self) -> bool:
        return self.fz_n is not None

    @property
    def sample_rate_hz(self) -> float | None:
        return self._number("sample_rate_hz")

    @property
    def body_mass_kg(self) -> float | None:
        return self._number("body_mass_kg")

    @property
    def plate_width_m(self) -> float | None:
        return self._number("plate_width_m")

    @property
    def plate_depth_m(self) -> float | None:
        return self._number("plate_depth_m")

    def _number(self, key: str) -> float | None:
        value = self.metadata.get(key)
        return None if value is None else float(value)


def read_recording(path) -> Recording:
    """Read a format-1 recording; a file the station cannot use raises
    RecordingError naming the line and column to fix.

        recording = read_recording("tests/data/recordings/gidiel-cmj.csv")
        recording.fz_n.shape   # (5000,)
    """
    lines = _read_text(path).split("\n")
    _check_version(path, lines[0])
    metadata = _metadata(path, lines)
    body = [i for i, line in enumerate(lines) if line and line[0] != "#" and not line.isspace()]
    if not body:
        raise RecordingError(path, "there is no header row; add one naming the columns, "
                             "such as 'time_s,fz'.", len(lines) - (lines[-1] == ""))
    layout = parse_header(path, body[0] + 1, lines[body[0]])
    if len(body) == 1:
        raise RecordingError(path, "the header has no rows of samples after it; a recording "
                             "needs at least one.", layout.line)
    try:
        values = parse_rows(path, layout, lines, body[1:])
    except RecordingError as error:
        # A file whose last line has no line end was cut while it was
        # written (a power cut, a copy stopped early): what came before the
        # cut is good.
        if lines[-1] == "" or len(body) < 3 or error.line != body[-1] + 1:
            raise
        values = parse_rows(path, layout, lines, body[1:-1])
        LOG.warning("%s: line %d was cut short (a power cut or a copy stopped early); "
                    "reading up to line %d.", path, body[-1] + 1, body[-2] + 1)
    else:
        if lines[-1] != "" and body[-1] == len(lines) - 1:
            # Cut where a number still reads as one ("250.5" as "25"): it cannot be told.
            LOG.warning("%s: line %d, the last, has no line end, so it may have been cut short "
                        "(a power cut or a copy stopped early); it is read as it is.",
                        path, body[-1] + 1)
    return _recording(layout, values, metadata)


def _read_text(path) -> str:
    try:
        raw = Path(path).read_bytes()
    except OSError as error:
        raise RecordingError(path, f"cannot read the file ({error.strerror or error}); "
                             "check the path and that the file is readable.") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        raise RecordingError(path, "the text is not UTF-8; save the file as UTF-8 CSV.",
                             line) from None
    if not text or text.isspace():
        raise RecordingError(path, "the file is empty; a recording needs a header row and "
                             "rows of samples.")
    return text.replace("\r\n", "\n") if "\r" in text else text


def _check_version(path, first_line: str) -> None:
    match = VERSION_LINE.match(first_line)
    if match and match.group(1) != FORMAT_VERSION:
        raise RecordingError(path, f"recording format '{match.group(1)}' is not supported by "
                             f"this station, which reads format {FORMAT_VERSION}; save the "
                             f"recording as format {FORMAT_VERSION} or update the station.", 1)


def _metadata(path, lines: list[str]) -> dict[str, str]:
    metadata = {}
    for i, line in enumerate(lines):
        match = line.startswith("#") and METADATA_LINE.match(line)
        if not match:
            continue
        key, value = match.groups()
        if key in KNOWN_METADATA and not _is_positive_number(value):
            raise RecordingError(path, f"{key} '{value}' is not a positive number; write it "
                                 f"like '# {key}: {KNOWN_METADATA[key]}'.", i + 1)
        metadata[key] = value
    return metadata


def _is_positive_number(text: str) -> bool:
    value = number(text)
    return value is not None and math.isfinite(value) and value > 0


def _recording(layout: Layout, values: np.ndarray, metadata: dict[str, str]) -> Recording:
    mat = {zone: values[:, 1 + k] == 1 for k, zone in enumerate(layout.zones)}
    force = values[:, 1 + len(layout.zones):]
    corners_n = force.copy() if layout.force_count == 4 else None
    fz_n = None
    if layout.force_count:
        fz_n = corners_n.sum(axis=1) if corners_n is not None else force[:, 0].copy()
    return Recording(values[:, 0].copy(), mat, fz_n, corners_n, metadata)


def write_recording(path, recording: Recording) -> None:
    """Write ``recording`` as format 1. The file appears under its name only
    once complete: it is written beside it and then renamed over it.

        write_recording("session.csv", recording_from_readings(start, readings, TWO_ZONES))
    """
    text = _recording_text(recording)
    path = Path(path)
    temporary = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    try:
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        with open(descriptor, "w", encoding="utf-8", newline="\n") as file:
            file.write(text)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except OSError as error:
        temporary.unlink(missing_ok=True)
        raise RecordingError(path, f"cannot write the file ({error.strerror or error}); "
                             "check that the folder exists and is writable.") from None


def _recording_text(recording: Recording) -> str:
    return "\n".join(header_lines(recording) + row_lines(recording)) + "\n"


def header_lines(recording: Recording) -> list[str]:
    """The version line, the metadata and the header row of ``recording``'s
    file: with ``row_lines``, what lets a file be written a piece at a time."""
    lines = [f"# jumpmat-recording {FORMAT_VERSION}"]
    for key, value in recording.metadata.items():
        line = f"# {key}: {value}"
        match = METADATA_LINE.fullmatch(line)
        if not match or match.groups() != (key, value):
            raise ValueError(f"metadata {key!r}: {value!r} cannot be written as one line")
        lines.append(line)
    names = [TIME_COLUMN, *(MAT_COLUMNS[zone] for zone in recording.zones)]
    if recording.corners_n is not None:
        names += CORNER_COLUMNS
    elif recording.fz_n is not None:
        names.append(FZ_COLUMN)
    return lines + [",".join(names)]


def row_lines(recording: Recording) -> list[str]:
    """One line of text per row of ``recording``, as format 1 writes them."""
    columns = [recording.time_s, *(recording.mat[zone] for zone in recording.zones)]
    force = []
    if recording.corners_n is not None:
        force = list(recording.corners_n.T)
    elif recording.fz_n is not None:
        force = [recording.fz_n]
    table = np.column_stack(columns + force).tolist()
    full = "%.6f" + ",%d" * len(recording.zones) + ",%.2f" * len(force)
    mat_only = "%.6f" + ",%d" * len(recording.zones) + "," * len(force)
    mat_width = 1 + len(recording.zones)
    holes = np.isnan(recording.fz_n) if force else np.zeros(len(table), bool)
    return [mat_only % tuple(row[:mat_width]) if hole else full % tuple(row)
            for row, hole in zip(table, holes.tolist())]
