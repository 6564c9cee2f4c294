"""Each set's raw readings, kept as a recording-format-1 file beside the log.

A set is only known to have started some tens of milliseconds after the data
that started it (the pipeline waits for a contact to last its minimum), so the
recorder keeps the last few seconds of readings and starts each set's file
``PRE_ROLL_S`` before the set, with the mat levels as they were then:
``station analyse`` on the file finds the set's reps as the live run did.

A file is written as ``<name>.csv.partial`` while its set goes on, appended
to as readings arrive, and renamed to ``<name>.csv`` (after an fsync) when
the set ends, so a file without ``.partial`` is always complete.
"""

from __future__ import annotations

import os
from collections import deque
from pathlib import Path

import numpy as np

from station.readings import ForceBlock, MatEdge, MatStart, Reading
from station.sources.recording_file import header_lines, row_lines
from station.sources.replay import recording_from_readings

#: Readings kept before a set is known to have started: far more than the
#: pipeline's delay in announcing a set (tens of milliseconds).
KEEP_S = 5.0
#: How far before the set's start its file begins. Before a set the mat was
#: empty for at least the step-off time (1.5 s), so a second of it gives the
#: analysis the empty mat, and the plate's unloaded level, to start from.
PRE_ROLL_S = 1.0
PARTIAL_SUFFIX = ".partial"


def reading_end_s(reading: Reading) -> float:
    """The time of a reading's last moment: an edge's time, a block's last sample."""
    return reading.time_s if isinstance(reading, MatEdge) else float(reading.time_s[-1])


class RawRecorder:
    """Keeps recent readings and writes each set's readings to its own file.

    folder: where the files go (created if missing).
    start: the levels of the mat when the source started.
    has_force: force samples will come (a file waits for the first, to know its columns).
    metadata: ``# key: value`` lines for every file (``simulated: yes``, the plate).

        recorder = RawRecorder(data_dir / "recordings", loop.mat_start, True)
        recorder.feed(readings)
        recorder.start_set("12-1", start_s=31.2)   # -> recordings/12-1.csv.partial
        recorder.end_set()                        # -> recordings/12-1.csv
    """

    def __init__(self, folder: Path, start: MatStart, has_force: bool,
                 metadata: dict[str, str] | None = None) -> None:
        self.folder = Path(folder)
        self.zones = tuple(start.contact_by_zone)
        self.has_force = has_force
        self.metadata = dict(metadata or {})
        self._buffer: deque[Reading] = deque()
        self._levels = dict(start.contact_by_zone)  # at _levels_s, the buffer's first moment
        self._levels_s = start.time_s
        self._file: SetFile | None = None
        self._bytes_finished = 0  # by the files written before the current one

    @property
    def recording(self) -> bool:
        return self._file is not None

    def feed(self, readings: list[Reading]) -> None:
        self._buffer.extend(readings)
        if self._file is not None:
            self._file.append(readings)
        self._trim()

    def start_set(self, name: str, start_s: float) -> Path:
        """Begin the file ``name``.csv.partial ``PRE_ROLL_S`` before ``start_s``
        with what the buffer holds from then; returns its path."""
        if self._file is not None:
            self.end_set()
        self.folder.mkdir(parents=True, exist_ok=True)
        first_s = max(self._levels_s, start_s - PRE_ROLL_S)
        levels = dict(self._levels)
        readings = []
        for reading in self._buffer:
            if isinstance(reading, MatEdge) and reading.time_s < first_s:
                levels[reading.zone] = reading.contact
            elif reading_end_s(reading) >= first_s:
                readings.append(_from(reading, first_s))
        path = self.folder / f"{name}.csv{PARTIAL_SUFFIX}"
        self._file = SetFile(path, MatStart(first_s, levels), self.has_force, self.metadata)
        self._file.append(readings)
        return path

    def end_set(self) -> Path | None:
        """Finish the current file: its final path, or None if none was open."""
        file = self._let_go()
        return None if file is None else file.finish()

    def abandon(self) -> None:
        """Stop writing the current file and leave it as it is (still ``.partial``)."""
        file = self._let_go()
        if file is not None:
            file.close()

    @property
    def bytes_written(self) -> int:
        """Bytes written to every file so far."""
        return self._bytes_finished + (0 if self._file is None else self._file.bytes_written)

    def _let_go(self) -> SetFile | None:
        file, self._file = self._file, None
        if file is not None:
            self._bytes_finished += file.bytes_written
        return file

    def _trim(self) -> None:
        if not self._buffer:
            return
        keep_from_s = reading_end_s(self._buffer[-1]) - KEEP_S
        while self._buffer and reading_end_s(self._buffer[0]) < keep_from_s:
            reading = self._buffer.popleft()
            if isinstance(reading, MatEdge):
                self._levels[reading.zone] = reading.contact
        self._levels_s = max(self._levels_s, keep_from_s)


def _from(reading: Reading, first_s: float) -> Reading:
    """``reading`` without the force samples before ``first_s``."""
    if isinstance(reading, MatEdge) or reading.time_s[0] >= first_s:
        return reading
    keep = reading.time_s >= first_s
    corners = None if reading.corners_n is None else reading.corners_n[keep]
    return ForceBlock(reading.time_s[keep], reading.fz_n[keep], corners)


class SetFile:
    """One recording file written a piece at a time, rows always in time order.

    path: the file to write (its folder must exist).
    start: when the file begins and the mat levels then.
    has_force: the file has force columns (whose kind, corners or total, the
        first force block decides; nothing is written before it).
    """

    def __init__(self, path: Path, start: MatStart, has_force: bool, metadata: dict[str, str]) -> None:
        self.path = Path(path)
        self.zones = tuple(start.contact_by_zone)
        self.has_force = has_force
        self.metadata = metadata
        self.bytes_written = 0
        self._levels = dict(start.contact_by_zone)
        self._last_s = start.time_s
        self._waiting: list[Reading] | None = []  # until the columns are known
        self._corners: bool | None = None
        self._stream = None

    def append(self, readings: list[Reading]) -> None:
        if self._waiting is not None:
            self._waiting += readings
            if self.has_force and not any(isinstance(r, ForceBlock) for r in self._waiting):
                return
            readings, self._waiting = self._waiting, None
            self._open(readings)
            return
        self._write(readings, first=False)

    def finish(self) -> Path:
        """Write what is waiting, fsync, and rename to the name without ``.partial``."""
        if self._waiting is not None:
            self._open(self._waiting)
            self._waiting = None
        self._stream.flush()
        os.fsync(self._stream.fileno())
        self.close()
        final = self.path.with_name(self.path.name.removesuffix(PARTIAL_SUFFIX))
        os.replace(self.path, final)
        return final

    def close(self) -> None:
        if self._stream is not None:
            self._stream.close()

    def _open(self, readings: list[Reading]) -> None:
        blocks = [r for r in readings if isinstance(r, ForceBlock)]
        self._corners = bool(blocks) and blocks[0].corners_n is not None
        self._stream = open(self.path, "w", encoding="utf-8", newline="\n")
        self._write(readings, first=True)

    def _write(self, readings: list[Reading], first: bool) -> None:
        readings = self._in_order(readings)
        if self.has_force:
            # A piece with no force still needs the file's force columns.
            corners = np.empty((0, 4)) if self._corners else None
            readings.append(ForceBlock(np.empty(0), np.empty(0), corners))
        recording = recording_from_readings(MatStart(self._last_s, self._levels), readings,
                                            self.zones, self.metadata)
        lines = row_lines(recording)
        if first:
            lines = header_lines(recording) + lines
        elif self.zones:
            lines = lines[1:]  # the levels at the piece's start: already in the file
        for edge in sorted((r for r in readings if isinstance(r, MatEdge)), key=lambda e: e.time_s):
            self._levels[edge.zone] = edge.contact
        if len(recording.time_s):
            self._last_s = float(recording.time_s[-1])
        text = "".join(line + "\n" for line in lines)
        self._stream.write(text)
        self._stream.flush()
        self.bytes_written += len(text)

    def _in_order(self, readings: list[Reading]) -> list[Reading]:
        """Readings from the file's last row on: a row's time never goes back.
        A live source may hand an edge a little earlier than force already
        written; it is kept at the last row's time."""
        out = []
        for reading in readings:
            if isinstance(reading, MatEdge):
                out.append(reading if reading.time_s >= self._last_s
                           else MatEdge(self._last_s, reading.zone, reading.contact))
            elif len(reading.time_s):
                out.append(_from(reading, self._last_s))
        return [r for r in out if isinstance(r, MatEdge) or len(r.time_s)]
