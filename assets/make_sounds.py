"""Writes the kiosk's sound cues into assets/sounds/ as WAV files.

    .venv/bin/python assets/make_sounds.py            # rewrites assets/sounds/*.wav

Every cue is made here from sine waves, so nothing is downloaded and the
files can always be made again: 16-bit mono at 44.1 kHz, 80-400 ms long,
each note faded in and out so no cue starts or ends with a click. The output
depends only on this script (no randomness, no time stamps): running it again
writes the same bytes, and a test checks the files kept in the repository are
exactly what it writes now. What each cue means: docs/sound.md.
"""

from __future__ import annotations

import argparse
import io
import wave
from dataclasses import dataclass
from pathlib import Path

import numpy as np

RATE_HZ = 44100
SAMPLE_BYTES = 2
#: A 5 ms raised-cosine fade is too short to hear as a swell and long enough
#: that the step from silence makes no click.
FADE_S = 0.005
#: Loudest sample, as a fraction of full scale: headroom for the mixer, which
#: adds cues that overlap.
PEAK = 0.7
SOUNDS_DIR = Path(__file__).resolve().parent / "sounds"

#: Harmonics as (multiple of the note, amplitude). A bell's partials are not
#: whole multiples, which is what makes it sound like a chime.
PURE = ((1.0, 1.0),)
WARM = ((1.0, 1.0), (2.0, 0.15))
BELL = ((1.0, 1.0), (2.76, 0.3), (5.4, 0.12))
BUZZ = tuple((float(k), 1.0 / k) for k in (1, 3, 5, 7, 9, 11))  # a square wave's odd harmonics


@dataclass(frozen=True)
class Note:
    """One tone: ``freq_hz`` (0 for a rest) held ``duration_s``; ``decay_s``,
    if given, is the time constant of an exponential die-away (a struck sound)."""

    freq_hz: float
    duration_s: float
    harmonics: tuple = PURE
    decay_s: float | None = None


#: Every cue, as its notes. The names are the files' (and the player's).
CUES: dict[str, tuple[Note, ...]] = {
    # Soft landing: a high, ringing chime (E6), the one sound worth earning.
    "landing_soft": (Note(1318.5, 0.35, BELL, decay_s=0.1),),
    # Firm landing: a plain mid tone (G5), neither praise nor warning.
    "landing_firm": (Note(784.0, 0.15, WARM),),
    # Hard landing: a low buzz (D3), unmistakably not a chime.
    "landing_hard": (Note(146.8, 0.25, BUZZ),),
    # A rep counted with no landing rating (a mat without load cells).
    "click": (Note(2500.0, 0.08, PURE, decay_s=0.012),),
    # A rep that did not count: two tones falling (A4, E4).
    "not_counted": (Note(440.0, 0.15, BUZZ), Note(0.0, 0.02), Note(329.6, 0.15, BUZZ)),
    # The end of a set: a rising arpeggio, C5 E5 G5 C6.
    "set_end": (Note(523.3, 0.08, WARM), Note(659.3, 0.08, WARM), Note(784.0, 0.08, WARM),
                Note(1046.5, 0.16, WARM, decay_s=0.12)),
    # Interval timers: short beeps counting down 3, 2, 1, then a long, higher "go".
    "countdown": (Note(880.0, 0.15, PURE),),
    "go": (Note(1760.0, 0.4, PURE),),
}


def duration_s(name: str) -> float:
    """How long cue ``name`` lasts."""
    return sum(note.duration_s for note in CUES[name])


def samples_count(seconds: float) -> int:
    return round(seconds * RATE_HZ)


def render_note(note: Note) -> np.ndarray:
    """One note as floats in [-1, 1], faded in and out."""
    count = samples_count(note.duration_s)
    if note.freq_hz == 0:
        return np.zeros(count)
    time_s = np.arange(count) / RATE_HZ
    tone = sum(amplitude * np.sin(2 * np.pi * note.freq_hz * multiple * time_s)
                for multiple, amplitude in note.harmonics)
    tone = tone / sum(amplitude for _, amplitude in note.harmonics)
    if note.decay_s is not None:
        tone = tone * np.exp(-time_s / note.decay_s)
    return tone * fades(count)


def fades(count: int) -> np.ndarray:
    """1 in the middle, rising from 0 and falling to 0 over ``FADE_S`` at the ends."""
    ramp = samples_count(FADE_S)
    gain = np.ones(count)
    edge = 0.5 - 0.5 * np.cos(np.pi * np.arange(ramp) / ramp)
    gain[:ramp] = edge
    gain[count - ramp:] = edge[::-1]
    return gain


def render(name: str) -> np.ndarray:
    """Cue ``name`` as 16-bit samples, its loudest at ``PEAK`` of full scale."""
    floats = np.concatenate([render_note(note) for note in CUES[name]])
    floats = floats * (PEAK / np.max(np.abs(floats)))
    return np.round(floats * 32767).astype("<i2")


def wav_bytes(samples: np.ndarray) -> bytes:
    """A complete mono WAV file of ``samples`` at ``RATE_HZ``."""
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(SAMPLE_BYTES)
        out.setframerate(RATE_HZ)
        out.writeframes(samples.tobytes())
    return buffer.getvalue()


def write_all(folder: Path) -> list[Path]:
    """Write every cue into ``folder``; the paths written."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name in CUES:
        path = folder / f"{name}.wav"
        path.write_bytes(wav_bytes(render(name)))
        written.append(path)
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", type=Path, default=SOUNDS_DIR,
                        help="where to write the WAV files (default: assets/sounds)")
    folder = parser.parse_args().folder
    for path in write_all(folder):
        print(f"{path.name}: {duration_s(path.stem) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
