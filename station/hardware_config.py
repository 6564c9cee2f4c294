"""Configuration of the hardware: which sources, which pins and ports, the plate.

Each table of the config file is a frozen dataclass here; ``from_table``
checks every key's type and value and says what is allowed, naming the key.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields

from station.readings import BACK, FRONT, MAT

MAT_SOURCES = ("simulated", "gpio", "chronopic", "frontend", "none")
FORCE_SOURCES = ("simulated", "frontend", "none")
ZONE_SETS = ((), (MAT,), (FRONT, BACK))


def _from_table(kind, table: dict, section: str):
    known = {f.name: f for f in fields(kind)}
    for key in table:
        if key not in known:
            raise ValueError(f"[{section}] unknown key {key!r}; known keys: {', '.join(known)}")
    try:
        return kind(**table)
    except (TypeError, ValueError) as error:
        raise ValueError(f"[{section}] {error}") from None


def _need(ok: bool, message: str) -> None:
    if not ok:
        raise ValueError(message)


@dataclass(frozen=True)
class SourcesConfig:
    """Which mat and which force source. A mat source may name its port after
    a colon: ``chronopic:/dev/ttyUSB0``, ``frontend:/dev/jumpmat-frontend``."""

    mat: str = "simulated"
    force: str = "simulated"

    def __post_init__(self) -> None:
        for key, allowed in (("mat", MAT_SOURCES), ("force", FORCE_SOURCES)):
            value = getattr(self, key)
            _need(isinstance(value, str) and value.split(":", 1)[0] in allowed,
                  f"{key} must be one of {', '.join(allowed)} (a port may follow a colon), not {value!r}")
        kinds = {self.mat_kind, self.force_kind}
        _need("simulated" not in kinds or kinds <= {"simulated", "none"},
              "a simulated source can only go with another simulated source or none")

    @property
    def mat_kind(self) -> str:
        return self.mat.split(":", 1)[0]

    @property
    def force_kind(self) -> str:
        return self.force.split(":", 1)[0]

    @staticmethod
    def port_of(spec: str) -> str | None:
        return spec.split(":", 1)[1] or None if ":" in spec else None

    @classmethod
    def from_table(cls, table: dict) -> "SourcesConfig":
        return _from_table(cls, table, "sources")


@dataclass(frozen=True)
class MatConfig:
    """A switch mat on the Pi's GPIO: BCM pin per zone, and how it is wired."""

    pins: dict = field(default_factory=lambda: {FRONT: 17, BACK: 27})
    active_low: bool = True
    pin_factory: str = ""  # "" = gpiozero's own choice (GPIOZERO_PIN_FACTORY, else lgpio)

    def __post_init__(self) -> None:
        _need(isinstance(self.pins, dict) and set(self.pins) in ({MAT}, {FRONT, BACK}),
              'pins must name the zones: {mat = 17} or {front = 17, back = 27}')
        for zone, pin in self.pins.items():
            _need(isinstance(pin, int) and not isinstance(pin, bool) and 0 <= pin <= 27,
                  f"pins.{zone} must be a BCM GPIO number from 0 to 27, not {pin!r}")
        _need(isinstance(self.active_low, bool), "active_low must be true or false")
        _need(isinstance(self.pin_factory, str), "pin_factory must be a name like \"lgpio\", or \"\"")

    @property
    def zones(self) -> tuple[str, ...]:
        return (MAT,) if MAT in self.pins else (FRONT, BACK)

    @classmethod
    def from_table(cls, table: dict) -> "MatConfig":
        return _from_table(cls, table, "mat")


@dataclass(frozen=True)
class FrontEndConfig:
    """The load-cell front-end: its port (found by USB id when empty), its
    sample rate, and the mat zones wired to it rather than to the Pi."""

    port: str = ""
    rate_hz: int = 1000
    zones: list = field(default_factory=list)

    def __post_init__(self) -> None:
        _need(isinstance(self.port, str), "port must be a path like \"/dev/jumpmat-frontend\", or \"\"")
        _need(self.rate_hz in (1000, 2000) and not isinstance(self.rate_hz, bool),
              f"rate_hz must be 1000 or 2000, not {self.rate_hz!r}")
        _need(isinstance(self.zones, list) and tuple(self.zones) in ZONE_SETS,
              'zones must be [], ["mat"] or ["front", "back"]')

    @classmethod
    def from_table(cls, table: dict) -> "FrontEndConfig":
        return _from_table(cls, table, "frontend")


@dataclass(frozen=True)
class PlateConfig:
    """The plate's size: the distance between the load cells' centres; and
    the known mass the kiosk's calibration offers first (kg)."""

    width_m: float = 0.6
    depth_m: float = 0.9
    calibration_mass_kg: float = 20.0

    def __post_init__(self) -> None:
        for key in ("width_m", "depth_m"):
            value = getattr(self, key)
            _need(isinstance(value, (int, float)) and not isinstance(value, bool) and 0.1 <= value <= 3,
                  f"{key} must be a length in metres from 0.1 to 3, not {value!r}")
        mass = self.calibration_mass_kg
        _need(isinstance(mass, (int, float)) and not isinstance(mass, bool) and 5 <= mass <= 200,
              f"calibration_mass_kg must be a mass in kg from 5 to 200, not {mass!r}")

    @classmethod
    def from_table(cls, table: dict) -> "PlateConfig":
        return _from_table(cls, table, "plate")
