"""Which sources a run uses: the config's [sources], or --mat/--force.

Opens the chosen devices and hands back one Source. Hardware modules are
imported only when chosen, so a laptop without GPIO or serial devices runs
the simulator without them.
"""

from __future__ import annotations

import time
from pathlib import Path

from station.config import Config
from station.errors import UserError
from station.hardware_config import SourcesConfig
from station.readings import MatStart, ONE_ZONE, TWO_ZONES
from station.sources.device_counts import device_counts


class ForceOnly:
    """A source with its mat edges left out: timing from force alone."""

    def __init__(self, source) -> None:
        self._source = source
        self.zones = ()
        self.has_force = source.has_force
        self.simulated = source.simulated
        self.latency_s = getattr(source, "latency_s", 0.0)

    @property
    def problem(self) -> str | None:
        return getattr(self._source, "problem", None)

    def device_counts(self) -> list:
        return device_counts(self._source)

    def start(self) -> MatStart:
        return MatStart(self._source.start().time_s, {})

    def read(self, until_s: float):
        return [r for r in self._source.read(until_s) if not hasattr(r, "zone")]

    def end_s(self):
        return self._source.end_s()

    def close(self) -> None:
        self._source.close()


def load_cells_in(source):
    """The load-cell front-end's ``LoadCellSource`` in ``source`` as opened
    here (alone, with its mat edges left out, or beside another mat), or None."""
    from station.sources.loadcell.source import LoadCellSource
    for inner in (source, getattr(source, "_source", None), getattr(source, "force", None)):
        if isinstance(inner, LoadCellSource):
            return inner
    return None


def choose_sources(config: Config, mat: str | None = None, force: str | None = None) -> SourcesConfig:
    """The config's choice with the command line's on top."""
    try:
        return SourcesConfig(mat=mat or config.sources.mat, force=force or config.sources.force)
    except ValueError as error:
        raise UserError(f"--mat/--force: {error}.") from None


def open_source(config: Config, choice: SourcesConfig, seed: int = 0, zones_count: int = 2,
                data_dir: Path | None = None):
    """One Source for the chosen mat and force."""
    if "simulated" in (choice.mat_kind, choice.force_kind):
        return _simulated(choice, seed, zones_count)
    origin_s = time.monotonic()
    frontend = None
    if "frontend" in (choice.mat_kind, choice.force_kind):
        port = SourcesConfig.port_of(choice.force if choice.force_kind == "frontend" else choice.mat)
        zones = tuple(config.frontend.zones) if choice.mat_kind == "frontend" else ()
        frontend = _frontend(config, port, zones, origin_s, data_dir)
    mat = {"gpio": lambda: _gpio(config, origin_s),
           "chronopic": lambda: _chronopic(choice, origin_s),
           "frontend": lambda: frontend,
           "none": lambda: None}[choice.mat_kind]()
    if choice.force_kind == "frontend":
        if mat is None:
            return ForceOnly(frontend)
        return frontend if mat is frontend else _combined(mat, frontend)
    if mat is None:
        raise UserError("--mat none --force none leaves nothing to time; choose a mat or a force source.")
    return mat


def _simulated(choice: SourcesConfig, seed: int, zones_count: int):
    from station.sources.athlete import SimulatedAthlete
    from station.sources.simulated import SimulatedSource
    zones = ONE_ZONE if zones_count == 1 else TWO_ZONES
    source = SimulatedSource(SimulatedAthlete(seed=seed), zones=zones,
                             force=choice.force_kind == "simulated", keep_truth=False)
    if choice.mat_kind == "none":
        return ForceOnly(source)
    return source


def _gpio(config: Config, origin_s: float):
    from station.sources.gpio_mat import GpioMat
    factory = None
    if config.mat.pin_factory:
        factory = _pin_factory(config.mat.pin_factory)
    return GpioMat(dict(config.mat.pins), active_low=config.mat.active_low, pin_factory=factory,
                   origin_s=origin_s)


def _pin_factory(name: str):
    """gpiozero's pin factory called ``name``, found as gpiozero finds it:
    through the entry points its packages declare."""
    from importlib.metadata import entry_points
    found = {point.name: point for point in entry_points(group="gpiozero_pin_factories")}
    if name.lower() not in found:
        raise UserError(f"[mat] pin_factory {name!r} is not installed; installed: "
                        f"{', '.join(sorted(found))}; or leave it empty to let gpiozero choose.")
    try:
        return found[name.lower()].load()()
    except Exception as error:  # gpiozero raises many kinds for an unusable factory
        raise UserError(f"[mat] pin_factory {name!r} cannot be used on this computer ({error}); "
                        "leave it empty to let gpiozero choose.") from None


def _chronopic(choice: SourcesConfig, origin_s: float):
    from station.sources.chronopic import Chronopic
    port = SourcesConfig.port_of(choice.mat)
    if port is None:
        raise UserError("--mat chronopic needs its port, e.g. chronopic:/dev/ttyUSB0.")
    return Chronopic(port, origin_s=origin_s)


def _frontend(config: Config, port: str | None, zones: tuple, origin_s: float, data_dir: Path | None):
    from station.sources.loadcell.calibration import calibration_path, default_data_dir, load_calibration
    from station.sources.loadcell.link import FrontEndLink
    from station.sources.loadcell.source import LoadCellSource
    calibration = load_calibration(calibration_path(data_dir or default_data_dir()))
    link = FrontEndLink(port or config.frontend.port or None, rate_hz=config.frontend.rate_hz)
    return LoadCellSource(link, calibration, zones=zones, origin_s=origin_s)


def _combined(mat, force):
    from station.sources.combined import CombinedSource
    return CombinedSource(mat, force)
