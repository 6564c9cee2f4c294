"""Recordings: format-1 files of mat levels and force samples, and playing
them back as a source. docs/recording-format.md is the format's specification.

The pieces live in recording_parse (the file's text), recording_file (the
Recording, read and write) and replay (Recording <-> readings); this is the
one place to import them from.
"""

from station.sources.recording_file import Recording, read_recording, write_recording
from station.sources.recording_parse import RecordingError
from station.sources.replay import RecordingSource, recording_from_readings

__all__ = ["Recording", "RecordingError", "RecordingSource", "read_recording",
           "recording_from_readings", "write_recording"]
