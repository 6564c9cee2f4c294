"""The ``[kiosk]`` and ``[sound]`` tables of the config: controls, flash, sound."""

from __future__ import annotations

from dataclasses import dataclass

from station.fonts.files import DEFAULT_FONTS
from station.hardware_config import _from_table, _need

#: Modifier and key names allowed in ``exit_keys`` ("ctrl+alt+q").
MODIFIERS = ("ctrl", "shift", "alt")


@dataclass(frozen=True)
class KioskConfig:
    """How people control the kiosk and how loud its light is.

    ``exit_keys``: the one key combination that leaves the kiosk, modifiers and
    a key joined by "+". ``flash``: flash the whole screen in the landing's
    colour, for rooms too loud to hear a cue. ``select_pin``, ``next_pin``,
    ``back_pin``: BCM numbers of the three buttons (-1: no such button);
    ``buttons_active_low``: a press connects the pin to ground. ``fonts``:
    the font files that draw what pygame's own font cannot (names in other
    scripts), tried in order, on the kiosk and in exported charts: file names
    under /usr/share/fonts, or paths (station/fonts/files.py).
    ``back_hold_s``: BACK (a button, or Backspace) held this long goes back
    to the attract screen from anywhere. ``calibrate_hold_s``: SELECT and
    NEXT held together this long open the load cells' calibration.
    """

    exit_keys: str = "ctrl+shift+q"
    flash: bool = False
    select_pin: int = 5
    next_pin: int = 6
    back_pin: int = 13
    buttons_active_low: bool = True
    fonts: tuple[str, ...] = DEFAULT_FONTS
    back_hold_s: float = 2.0
    calibrate_hold_s: float = 3.0

    def __post_init__(self) -> None:
        _need(isinstance(self.exit_keys, str) and _valid_combo(self.exit_keys),
              f'exit_keys must be modifiers and one key joined by "+", like "ctrl+shift+q", '
              f'with modifiers from {", ".join(MODIFIERS)}, not {self.exit_keys!r}')
        _need(isinstance(self.flash, bool), "flash must be true or false")
        pins = []
        for key in ("select_pin", "next_pin", "back_pin"):
            pin = getattr(self, key)
            _need(isinstance(pin, int) and not isinstance(pin, bool) and -1 <= pin <= 27,
                  f"{key} must be a BCM GPIO number from 0 to 27, or -1 for no button, not {pin!r}")
            if pin >= 0:
                _need(pin not in pins, f"{key} uses pin {pin}, which another button uses already")
                pins.append(pin)
        _need(isinstance(self.buttons_active_low, bool), "buttons_active_low must be true or false")
        _need(isinstance(self.fonts, (list, tuple)) and all(isinstance(f, str) and f.strip() for f in self.fonts),
              f'fonts must be a list of font file names or paths, like ["NotoSans-Bold.ttf"], not {self.fonts!r}')
        object.__setattr__(self, "fonts", tuple(self.fonts))
        for key in ("back_hold_s", "calibrate_hold_s"):
            hold_s = getattr(self, key)
            _need(isinstance(hold_s, (int, float)) and not isinstance(hold_s, bool) and 0.5 <= hold_s <= 10,
                  f"{key} must be a time in seconds from 0.5 to 10, not {hold_s!r}")

    @property
    def exit_combo(self) -> tuple[frozenset[str], str]:
        """The modifiers and the key of ``exit_keys``, lower case."""
        *modifiers, key = self.exit_keys.lower().split("+")
        return frozenset(modifiers), key

    @classmethod
    def from_table(cls, table: dict) -> "KioskConfig":
        return _from_table(cls, table, "kiosk")


def _valid_combo(text: str) -> bool:
    *modifiers, key = text.lower().split("+")
    return bool(key.strip()) and all(m in MODIFIERS for m in modifiers) and len(set(modifiers)) == len(modifiers)


@dataclass(frozen=True)
class SoundConfig:
    """Cues through the speaker: ``volume`` from 0 to 1, or ``mute``."""

    volume: float = 0.8
    mute: bool = False

    def __post_init__(self) -> None:
        _need(isinstance(self.volume, (int, float)) and not isinstance(self.volume, bool)
              and 0 <= self.volume <= 1, f"volume must be a number from 0 to 1, not {self.volume!r}")
        _need(isinstance(self.mute, bool), "mute must be true or false")

    @classmethod
    def from_table(cls, table: dict) -> "SoundConfig":
        return _from_table(cls, table, "sound")
