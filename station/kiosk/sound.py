"""Sound cues: a tone for each landing, rep and set, and interval-timer beeps.

A gym is loud and the athlete is looking at the floor, so the landing's
rating is heard as well as shown, while the athlete is still on the mat:

- ``Landing`` (the earliest word on a landing, ``landing_window_s`` after
  touchdown) of a backward jump: "soft" a high chime, "firm" a plain tone,
  "hard" a low buzz. Landings of forward jumps, back at the start, make no
  sound: the rep's own cue follows at once.
- ``Rep``: not counted, a falling two-tone. Counted, nothing if its rebound
  landing was heard already; else the tone of its rebound contact's rating
  (a landing rated only when its contact ended), or a click (no load cells).
- ``SetEnd`` of a set with reps: a rising jingle.
- ``countdown(n)`` and ``go()`` for interval timers.

The cues are WAV files made by assets/make_sounds.py. Playing never blocks:
pygame's mixer plays in its own thread. Without a sound device, with missing
files, or muted, the station is silent, and says so once in the log (muted:
not at all); a cue never raises into the main loop.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pygame

from station.analysis.events import Event, Flight, Landing, Rep, SetEnd
from station.assets import assets_dir
from station.kiosk.config import SoundConfig

LOG = logging.getLogger("station")

SOUNDS_DIR = assets_dir() / "sounds"
#: The WAV files' format: pygame converts nothing when the mixer opens so.
RATE_HZ = 44100
#: 512 samples at 44.1 kHz is 12 ms from play() to the speaker; smaller
#: buffers underrun on a busy Pi.
BUFFER_SAMPLES = 512

LANDING_CUES = {"soft": "landing_soft", "firm": "landing_firm", "hard": "landing_hard"}
CUE_NAMES = (*LANDING_CUES.values(), "click", "not_counted", "set_end", "countdown", "go")

#: A flight's landing and its contact's touchdown are the same reading; this
#: only allows for float rounding.
SAME_TIME_S = 1e-6


class Cues:
    """Plays the cue for each pipeline event, at ``config``'s volume.

    ``sounds_dir`` holds one ``<cue>.wav`` per name in ``CUE_NAMES``. The
    mixer opens at the first cue, so a muted or silent station never touches
    the sound device.

        cues = Cues(config.sound)
        for event in events:
            cues.on_event(event)     # returns at once; the sound plays on
        cues.countdown(3); cues.go()
        cues.close()
    """

    def __init__(self, config: SoundConfig, sounds_dir: Path = SOUNDS_DIR) -> None:
        self.config = config
        self.sounds_dir = Path(sounds_dir)
        self._sounds: dict[str, pygame.mixer.Sound] | None = None  # None: not opened yet
        self._opened_mixer = False
        self._last_flight: Flight | None = None
        self._heard_landing: tuple[int, int] | None = None  # (set, contact) whose rating played

    def on_event(self, event: Event) -> None:
        """Play the cue ``event`` calls for, if any."""
        cue = self._cue_for(event)
        if cue is not None:
            self.play(cue)

    def countdown(self, n: int) -> None:
        """One beep of a countdown: ``n`` (3, 2, 1) is the number shown with it."""
        if n < 1:
            raise ValueError(f"a countdown beeps at 3, 2, 1, not at {n}")
        self.play("countdown")

    def go(self) -> None:
        """The long beep that starts an interval."""
        self.play("go")

    def play(self, cue: str) -> None:
        """Start cue ``cue`` (one of ``CUE_NAMES``) and return at once."""
        if cue not in CUE_NAMES:
            raise ValueError(f"no such cue: {cue!r}")
        if self.config.mute:
            return
        if self._sounds is None:
            self._sounds = self._open()
        sound = self._sounds.get(cue)
        if sound is None:
            return
        if pygame.mixer.get_init() is None:
            # Closed under us (pygame.quit() as the station ends): playing a
            # sound of a closed mixer crashes the process, so stay silent.
            LOG.warning("No sound: the sound mixer was closed; cues are silent.")
            self._sounds = {}
            return
        sound.play()

    def close(self) -> None:
        """Stop the sounds and close the mixer, if these cues opened it."""
        if self._opened_mixer:
            pygame.mixer.quit()
            self._opened_mixer = False
        self._sounds = None

    def _cue_for(self, event: Event) -> str | None:
        match event:
            case Flight():
                self._last_flight = event
            case Landing():
                return self._landing_cue(event)
            case Rep():
                return self._rep_cue(event)
            case SetEnd() if event.reps:
                return "set_end"
        return None

    def _landing_cue(self, landing: Landing) -> str | None:
        flight = self._last_flight
        if flight is None or flight.direction == "forward" \
                or abs(flight.landing_s - landing.touchdown_s) > SAME_TIME_S:
            return None  # back at the start, or stepped on: no jump landing to rate
        cue = LANDING_CUES.get(landing.landing.get("rating"))
        if cue is not None:
            self._heard_landing = landing.set_index, landing.contact_index
        return cue

    def _rep_cue(self, rep: Rep) -> str | None:
        if not rep.valid:
            return "not_counted"
        contact = rep.rebound_contact
        if contact is None:
            return "click"
        if (rep.set_index, contact.index) == self._heard_landing:
            return None
        return LANDING_CUES.get((contact.landing or {}).get("rating"), "click")

    def _open(self) -> dict[str, pygame.mixer.Sound]:
        """Open the mixer (unless the station opened it already) and load every cue."""
        try:
            if pygame.mixer.get_init() is None:
                pygame.mixer.init(frequency=RATE_HZ, size=-16, channels=1, buffer=BUFFER_SAMPLES)
                self._opened_mixer = True
        except pygame.error as error:
            LOG.warning("No sound: the sound device cannot be opened (%s); cues are silent.", error)
            return {}
        sounds, missing = {}, []
        for cue in CUE_NAMES:
            try:
                sounds[cue] = pygame.mixer.Sound(self.sounds_dir / f"{cue}.wav")
            except (pygame.error, OSError):
                missing.append(cue)
                continue
            sounds[cue].set_volume(self.config.volume)
        if missing:
            LOG.warning("Some cues are silent because their sound files are missing or unreadable "
                        "(%s in %s); run assets/make_sounds.py to make them again.",
                        ", ".join(missing), self.sounds_dir)
        return sounds
