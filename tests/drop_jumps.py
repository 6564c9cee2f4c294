"""The shared drop jump recording, repeated: sets that each start with a
drop onto the empty plate, whose rebound lands before the athlete stands
still to be weighed."""

from pathlib import Path

import numpy as np

from station.readings import ForceBlock, MatStart
from station.sources.recording import Recording, read_recording, recording_from_readings

DROP_JUMP = Path(__file__).parent / "data" / "recordings" / "gidiel-dj.csv"


def drop_jumps(copies: int) -> Recording:
    """A force-only recording of the drop jump ``copies`` times over, each
    a set of its own (the plate empties between them for longer than a step-off)."""
    one = read_recording(DROP_JUMP)
    length_s = float(one.time_s[-1] - one.time_s[0]) + 0.001
    time_s = np.concatenate([one.time_s + k * length_s for k in range(copies)])
    fz_n = np.tile(one.fz_n, copies)
    return recording_from_readings(MatStart(float(time_s[0]), {}), [ForceBlock(time_s, fz_n)], ())
