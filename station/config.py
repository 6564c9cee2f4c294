"""The station's configuration: one TOML file, every key with a default.

docs/configuration.md lists every key. A problem in the file is reported with
its key and what is allowed; it is a UserError, never a traceback.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path

from station.analysis.force.rules import ForceRules, check_landing_window
from station.analysis.rules import TimingRules
from station.config_ranges import out_of_range
from station.errors import UserError
from station.export.config import ExportConfig
from station.hardware_config import FrontEndConfig, MatConfig, PlateConfig, SourcesConfig
from station.identity.config import IdentityConfig
from station.kiosk.config import KioskConfig, SoundConfig
from station.log.storage import StorageConfig
from station.network.config import NetworkConfig
from station.kiosk.screens.set_link import WebConfig

DEFAULT_CONFIG_PATH = Path("/etc/jumpmat/station.toml")
#: Each table of the file and what reads it.
TABLES = {"timing": TimingRules.from_mapping, "force": ForceRules.from_mapping,
          "sources": SourcesConfig.from_table, "mat": MatConfig.from_table,
          "frontend": FrontEndConfig.from_table, "plate": PlateConfig.from_table,
          "kiosk": KioskConfig.from_table, "sound": SoundConfig.from_table,
          "storage": StorageConfig.from_table, "export": ExportConfig.from_table,
          "identity": IdentityConfig.from_table,
          "network": NetworkConfig.from_table, "web": WebConfig.from_table}


class ConfigError(UserError):
    pass


@dataclass(frozen=True)
class Config:
    timing: TimingRules = field(default_factory=TimingRules)
    force: ForceRules = field(default_factory=ForceRules)
    sources: SourcesConfig = field(default_factory=SourcesConfig)
    mat: MatConfig = field(default_factory=MatConfig)
    frontend: FrontEndConfig = field(default_factory=FrontEndConfig)
    plate: PlateConfig = field(default_factory=PlateConfig)
    kiosk: KioskConfig = field(default_factory=KioskConfig)
    sound: SoundConfig = field(default_factory=SoundConfig)
    storage: StorageConfig = field(default_factory=StorageConfig)
    export: ExportConfig = field(default_factory=ExportConfig)
    identity: IdentityConfig = field(default_factory=IdentityConfig)
    network: NetworkConfig = field(default_factory=NetworkConfig)
    web: WebConfig = field(default_factory=WebConfig)
    path: Path | None = None


def load_config(path: Path | None = None) -> Config:
    """The config at ``path``; with None, the default file if it exists, else defaults.
    Raises ConfigError with the first problem."""
    config, problems = read_config(path)
    if problems:
        raise ConfigError(problems[0])
    return config


def load_config_or_defaults(path: Path | None = None) -> tuple[Config, str | None]:
    """For the kiosk, which must never stop over its config: the config with
    defaults for the tables that have a problem, and what is wrong (or None)."""
    config, problems = read_config(path)
    if not problems:
        return config, None
    if config.path is None:   # the file could not be read at all
        return config, f"{problems[0]} Nothing of the file applies: the station runs on its defaults."
    more = (f" {len(problems) - 1} more: run `station config check`." if len(problems) > 1 else "")
    return config, f"{problems[0]}{more} Every other value of the file applies."


def read_config(path: Path | None = None) -> tuple[Config, list[str]]:
    """The config at ``path`` and every problem in it, each naming its key and
    what is allowed; a bad key takes its own default (docs/configuration.md).
    A file that cannot be read at all gives the defaults with no ``path``."""
    if path is None:
        if not DEFAULT_CONFIG_PATH.exists():
            return Config(), []
        path = DEFAULT_CONFIG_PATH
    try:
        table = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return Config(), [f"{path}: no such config file; give the path of an existing "
                          "file or leave --config out to use the defaults."]
    except (OSError, UnicodeDecodeError) as error:
        return Config(), [f"{path}: cannot read the config file ({error})."]
    except tomllib.TOMLDecodeError as error:
        return Config(), [f"{path}: not valid TOML ({error}); fix the line it names."]
    except (ValueError, RecursionError, MemoryError):
        # A number of thousands of digits, arrays nested thousands deep.
        return Config(), [f"{path}: not a config the station can read (a number far too long "
                          "or values nested far too deep); fix the file."]
    problems = [f"{path}: unknown section [{name}]; known sections: "
                f"{', '.join('[' + t + ']' for t in TABLES)}." for name in table if name not in TABLES]
    sections = {}
    for name, read in TABLES.items():
        given = table.get(name, {})
        if not isinstance(given, dict):
            problems.append(f"{path}: [{name}] must be a table of keys ([{name}] and its lines), "
                            f"not {_shown(given)}; using its defaults.")
            continue
        given, refused = out_of_range(name, given)
        problems += [f"{path}: {problem}." for problem in refused]
        try:
            sections[name] = read(given)
        except (ValueError, TypeError) as error:
            errors = _table_errors(read, given, error)
            for each in errors:
                where = "" if str(each).startswith("[") else f"[{name}] "
                problems.append(f"{path}: {where}{each}; using its default.")
            # The one rule: each bad key takes its own default, the table's
            # other keys still apply (all its defaults when only their
            # combination is wrong).
            kept = _good_keys(read, given)
            if kept is not None:
                sections[name] = kept
    problems += [f"{path}: {problem}." for problem in _across_tables(sections)]
    return Config(path=Path(path), **sections), problems


def _shown(value) -> str:
    """A value of the file in a message: short, whatever it is."""
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _across_tables(sections: dict) -> list[str]:
    """Keys of different tables that do not go together; the table at fault
    takes its defaults."""
    problems = []
    # A table with a problem of its own is not in ``sections``: its defaults stand.
    defaults = Config()
    given = {name: sections.get(name, getattr(defaults, name)) for name in TABLES}
    try:
        check_landing_window(given["timing"], given["force"])
    except ValueError as error:
        problems.append(f"[force] {error}")
        sections["force"] = ForceRules()
        if given["timing"].min_contact_s + given["timing"].min_flight_s <= ForceRules().landing_window_s:
            sections["timing"] = TimingRules()  # its phases are too short for any window
    if given["sources"].mat_kind == "gpio":
        mat_pins = {pin: zone for zone, pin in given["mat"].pins.items()}
        kiosk = given["kiosk"]
        for key in ("select_pin", "next_pin", "back_pin"):
            pin = getattr(kiosk, key)
            if pin in mat_pins:
                problems.append(f"[kiosk] {key} is {pin}, which [mat] pins.{mat_pins[pin]} uses "
                                f"already; give each button its own pin, or -1 for none")
                sections["kiosk"] = replace(kiosk, select_pin=-1, next_pin=-1, back_pin=-1)
    return problems


def _table_errors(read, table, whole_error: Exception) -> list[Exception]:
    """Each key that is wrong among the table's other good keys; the whole
    table's error when only a combination of keys is wrong."""
    if not isinstance(table, dict):
        return [whole_error]
    suspects = [key for key in table if _error(read, {key: table[key]}) is not None]
    # A key wrong alone may be right next to the others (a longer step_off_s
    # allows a longer max_jump_flight_s): judge each with the good keys.
    good = {key: value for key, value in table.items() if key not in suspects}
    errors = [_error(read, {**good, key: table[key]}) for key in suspects]
    return [error for error in errors if error is not None] or [whole_error]


def _good_keys(read, table) -> object | None:
    """The table read from its keys that are right alone and together, or None."""
    if not isinstance(table, dict):
        return None
    good = {key: value for key, value in table.items() if _error(read, {key: value}) is None}
    return None if _error(read, good) is not None else read(good)


def _error(read, table: dict) -> Exception | None:
    try:
        read(table)
    except (ValueError, TypeError) as error:
        return error
    return None
