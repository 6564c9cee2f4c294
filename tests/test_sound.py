"""Sound cues: the WAV files made in the repository, and which cue plays when.

The mixer runs on SDL's dummy audio driver, which plays in real time without
a speaker: a channel is busy for as long as its sound lasts, and the sound on
it can be compared sample for sample with the cue's file.
"""

import importlib.util
import logging
import shutil
import subprocess
import sys
import time
import wave
from pathlib import Path

import numpy as np
import pygame
import pytest

from station.analysis.events import Contact, Flight, Landing, Rep, SetEnd
from station.analysis.pipeline import Pipeline
from station.kiosk.config import SoundConfig
from station.kiosk.sound import CUE_NAMES, SOUNDS_DIR, Cues
from station.sources.simulated import simulate

MAKE_SOUNDS = Path(__file__).resolve().parents[1] / "assets" / "make_sounds.py"
#: What make_sounds.py declares: the one format the kiosk's mixer opens with.
RATE_HZ = 44100
FULL_SCALE = 32767


def frames_of(path: Path) -> bytes:
    with wave.open(str(path), "rb") as wav:
        return wav.readframes(wav.getnframes())


def cue_lengths_s() -> dict[str, float]:
    """Each cue's length as make_sounds.py declares it (its notes added up)."""
    spec = importlib.util.spec_from_file_location("make_sounds", MAKE_SOUNDS)
    make_sounds = importlib.util.module_from_spec(spec)
    sys.modules["make_sounds"] = make_sounds  # dataclasses look their module up
    spec.loader.exec_module(make_sounds)
    return {name: make_sounds.duration_s(name) for name in make_sounds.CUES}


# -- the files ---------------------------------------------------------------

def test_the_committed_cues_are_exactly_what_make_sounds_writes_now(tmp_path):
    done = subprocess.run([sys.executable, str(MAKE_SOUNDS), str(tmp_path)], capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    made = sorted(path.name for path in tmp_path.glob("*.wav"))
    assert made == sorted(path.name for path in SOUNDS_DIR.glob("*.wav"))
    for name in made:
        assert (tmp_path / name).read_bytes() == (SOUNDS_DIR / name).read_bytes(), name


def test_every_cue_the_player_needs_has_a_file():
    assert sorted(CUE_NAMES) == sorted(path.stem for path in SOUNDS_DIR.glob("*.wav"))


@pytest.mark.parametrize("name", CUE_NAMES)
def test_each_cue_is_a_16_bit_mono_wav_of_its_declared_length(name):
    length_s = cue_lengths_s()[name]
    with wave.open(str(SOUNDS_DIR / f"{name}.wav"), "rb") as wav:
        assert (wav.getnchannels(), wav.getsampwidth(), wav.getframerate()) == (1, 2, RATE_HZ)
        assert wav.getnframes() == round(length_s * RATE_HZ)
    assert 0.08 <= length_s <= 0.4


@pytest.mark.parametrize("name", CUE_NAMES)
def test_each_cue_fades_in_and_out_and_does_not_clip(name):
    samples = np.frombuffer(frames_of(SOUNDS_DIR / f"{name}.wav"), dtype="<i2").astype(float)
    # A cue that starts or stops away from zero clicks in the speaker.
    assert abs(samples[0]) < 0.01 * FULL_SCALE and abs(samples[-1]) < 0.01 * FULL_SCALE
    assert 0.5 * FULL_SCALE < np.max(np.abs(samples)) < 0.9 * FULL_SCALE


def test_the_landing_cues_differ_in_pitch_soft_highest_hard_lowest():
    def main_frequency_hz(name):
        samples = np.frombuffer(frames_of(SOUNDS_DIR / f"{name}.wav"), dtype="<i2").astype(float)
        spectrum = np.abs(np.fft.rfft(samples))
        return np.fft.rfftfreq(len(samples), 1 / RATE_HZ)[np.argmax(spectrum)]

    soft, firm, hard = (main_frequency_hz(f"landing_{r}") for r in ("soft", "firm", "hard"))
    assert soft > firm > hard
    assert hard < 200  # a low buzz, heard as a warning


# -- playing -----------------------------------------------------------------

@pytest.fixture
def audio(monkeypatch):
    """SDL's dummy audio driver, and no mixer open before or after the test."""
    monkeypatch.setenv("SDL_AUDIODRIVER", "dummy")
    pygame.mixer.quit()
    yield
    pygame.mixer.quit()


@pytest.fixture
def cues(audio, closing):
    return closing(Cues(SoundConfig(volume=0.5)))


def playing() -> list[str]:
    """The cues on busy channels now, by comparing their samples with the files."""
    if pygame.mixer.get_init() is None:
        return []
    by_samples = {frames_of(SOUNDS_DIR / f"{name}.wav"): name for name in CUE_NAMES}
    names = []
    for number in range(pygame.mixer.get_num_channels()):
        channel = pygame.mixer.Channel(number)
        if channel.get_busy():
            names.append(by_samples[channel.get_sound().get_raw()])
    return sorted(names)


def flight(direction, takeoff_s, landing_s, index=1):
    return Flight(index, takeoff_s, landing_s, direction)


def landing(rating, touchdown_s, contact_index=2, set_index=1):
    return Landing(set_index, contact_index, touchdown_s, {"peak_force_bw": 2.5, "rating": rating})


def rebound(rating, touchdown_s=1.4, index=2):
    metrics = None if rating is None else {"peak_force_bw": 2.5, "rating": rating}
    return Contact(index, touchdown_s, touchdown_s + 0.2, "back", True, landing=metrics)


def rep(contact, valid=True, set_index=1):
    back = flight("backward", 1.0, contact.start_s)
    forward = flight("forward", contact.end_s, contact.end_s + 0.4, index=2)
    return Rep(1, set_index, back, contact, forward, valid, None if valid else "paused on landing")


@pytest.mark.parametrize("rating", ["soft", "firm", "hard"])
def test_a_backward_jump_s_landing_plays_its_rating_s_tone(cues, rating):
    cues.on_event(flight("backward", 1.0, 1.4))
    cues.on_event(landing(rating, 1.4))
    assert playing() == [f"landing_{rating}"]


def test_a_cue_starts_at_once_and_plays_for_its_whole_length(cues):
    cues.play("click")  # the mixer opens at the first cue: not what is timed here
    time.sleep(0.15)
    cues.on_event(flight("backward", 1.0, 1.4))
    began = time.perf_counter()
    cues.on_event(landing("soft", 1.4))
    returned_s = time.perf_counter() - began
    assert returned_s < 0.05  # the chime lasts 350 ms; the main loop does not wait for it
    time.sleep(0.25)
    assert playing() == ["landing_soft"]  # still playing
    time.sleep(0.5)
    assert playing() == []


def test_cues_play_at_the_configured_volume(cues):
    cues.countdown(3)
    channel = next(pygame.mixer.Channel(n) for n in range(pygame.mixer.get_num_channels())
                   if pygame.mixer.Channel(n).get_busy())
    assert channel.get_sound().get_volume() == pytest.approx(0.5, abs=1 / 128)


def test_a_forward_jump_s_landing_is_silent(cues):
    cues.on_event(flight("forward", 1.6, 2.0))
    cues.on_event(landing("soft", 2.0, contact_index=3))
    assert playing() == []


def test_a_landing_without_its_flight_is_silent(cues):
    cues.on_event(landing("soft", 5.0))  # stepping on: no jump landed
    cues.on_event(flight("backward", 1.0, 1.4))
    cues.on_event(landing(None, 1.4))    # not rated (no body weight yet)
    assert playing() == []


def test_a_counted_rep_whose_landing_was_heard_adds_nothing(cues):
    contact = rebound("firm")
    cues.on_event(flight("backward", 1.0, contact.start_s))
    cues.on_event(landing("firm", contact.start_s, contact_index=contact.index))
    cues.on_event(rep(contact))
    assert playing() == ["landing_firm"]


def test_a_counted_rep_whose_landing_was_not_heard_plays_its_rating(cues):
    cues.on_event(rep(rebound("hard")))
    assert playing() == ["landing_hard"]


def test_a_counted_rep_without_a_rating_clicks(cues):
    cues.on_event(rep(rebound(None)))
    assert playing() == ["click"]


def test_a_rep_that_does_not_count_plays_the_two_tones(cues):
    contact = rebound("soft")
    cues.on_event(flight("backward", 1.0, contact.start_s))
    cues.on_event(landing("soft", contact.start_s, contact_index=contact.index))
    assert playing() == ["landing_soft"]
    pygame.mixer.stop()  # as if the chime were over
    cues.on_event(rep(contact, valid=False))
    assert playing() == ["not_counted"]


def test_a_set_with_reps_ends_with_the_jingle_and_an_empty_one_in_silence(cues):
    cues.on_event(SetEnd(1, 0.0, 10.0, reps=0, valid_reps=0, ended_by="step_off"))
    assert playing() == []
    cues.on_event(SetEnd(2, 12.0, 30.0, reps=6, valid_reps=5, ended_by="step_off"))
    assert playing() == ["set_end"]


def test_an_interval_timer_counts_down_then_goes(cues):
    cues.countdown(3)
    assert playing() == ["countdown"]
    cues.go()
    assert playing() == ["countdown", "go"]
    with pytest.raises(ValueError):
        cues.countdown(0)


def test_muted_cues_never_open_the_sound_device(audio, closing, caplog):
    cues = closing(Cues(SoundConfig(mute=True)))
    cues.on_event(rep(rebound("soft")))
    cues.go()
    assert pygame.mixer.get_init() is None
    assert caplog.records == []


def test_no_sound_device_means_silence_and_one_warning(audio, closing, caplog, monkeypatch):
    monkeypatch.setenv("SDL_AUDIODRIVER", "nonexistent")  # SDL cannot open any device
    cues = closing(Cues(SoundConfig()))
    with caplog.at_level(logging.WARNING, logger="station"):
        cues.on_event(rep(rebound("soft")))
        cues.countdown(2)
        cues.go()
    assert pygame.mixer.get_init() is None
    assert len(caplog.records) == 1
    assert caplog.records[0].getMessage().startswith("No sound: the sound device cannot be opened")


def test_missing_files_are_silent_with_one_warning_and_the_rest_play(audio, closing, caplog, tmp_path):
    shutil.copy(SOUNDS_DIR / "go.wav", tmp_path)
    (tmp_path / "click.wav").write_bytes(b"not a wav file")
    cues = closing(Cues(SoundConfig(), sounds_dir=tmp_path))
    with caplog.at_level(logging.WARNING, logger="station"):
        cues.countdown(1)
        cues.on_event(rep(rebound(None)))
        cues.go()
    assert playing() == ["go"]
    assert len(caplog.records) == 1
    message = caplog.records[0].getMessage()
    assert "click" in message and "countdown" in message and "assets/make_sounds.py" in message


def test_a_mixer_closed_under_the_cues_means_silence_not_a_crash(cues, caplog):
    cues.go()
    pygame.mixer.quit()  # what pygame.quit() does as the station ends
    with caplog.at_level(logging.WARNING, logger="station"):
        cues.countdown(3)
        cues.go()
    assert pygame.mixer.get_init() is None
    assert len(caplog.records) == 1


def test_a_simulated_session_rates_every_rebound_landing_once(cues, monkeypatch):
    played = []
    real_play = cues.play
    monkeypatch.setattr(cues, "play", lambda cue: (played.append(cue), real_play(cue)))
    start, readings, _ = simulate(seed=5, duration_s=40.0, force=True)
    pipeline = Pipeline()
    events = pipeline.start(start, has_force=True) + pipeline.feed(readings) + pipeline.finish(40.0)
    for event in events:
        cues.on_event(event)
    reps = [event for event in events if isinstance(event, Rep)]
    ratings = [(r.rebound_contact.landing or {}).get("rating") for r in reps if r.rebound_contact]
    assert len([rating for rating in ratings if rating]) > 5
    # Heard as the landing happened, counted or not; never again with the rep.
    assert sorted(cue for cue in played if cue.startswith("landing_")) == \
        sorted(f"landing_{rating}" for rating in ratings if rating)
    assert played.count("not_counted") == sum(not r.valid for r in reps)
    assert played.count("click") == sum(r.valid and r.rebound_contact is None for r in reps)
    assert played.count("set_end") == sum(isinstance(e, SetEnd) and e.reps > 0 for e in events)
