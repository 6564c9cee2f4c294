"""The station's configuration: one TOML file, every key with a default.

docs/configuration.md lists every key. A problem in the file is reported with
its key and what is allowed; it is a UserError, never a traceback.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from station.analysis.force.rules import ForceRules
from station.analysis.rules import TimingRules
from station.errors import UserError
from station.hardware_config import FrontEndConfig, MatConfig, PlateConfig, SourcesConfig
from station.kiosk.config import KioskConfig, SoundConfig

DEFAULT_CONFIG_PATH = Path("/etc/jumpmat/station.toml")
#: Each table of the file and what reads it.
TABLES = {"timing": TimingRules.from_mapping, "force": ForceRules.from_mapping,
          "sources": SourcesConfig.from_table, "mat": MatConfig.from_table,
          "frontend": FrontEndConfig.from_table, "plate": PlateConfig.from_table,
          "kiosk": KioskConfig.from_table, "sound": SoundConfig.from_table}


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
    path: Path | None = None


def load_config(path: Path | None = None) -> Config:
    """The config at ``path``; with None, the default file if it exists, else defaults."""
    if path is None:
        if not DEFAULT_CONFIG_PATH.exists():
            return Config()
        path = DEFAULT_CONFIG_PATH
    try:
        table = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such config file; give the path of an existing "
                          "file or leave --config out to use the defaults.") from None
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"{path}: cannot read the config file ({error}).") from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: not valid TOML ({error}); fix the line it names.") from None
    for name in table:
        if name not in TABLES:
            raise ConfigError(f"{path}: unknown section [{name}]; known sections: "
                              f"{', '.join('[' + t + ']' for t in TABLES)}.")
    sections = {}
    for name, read in TABLES.items():
        try:
            sections[name] = read(table.get(name, {}))
        except (ValueError, TypeError) as error:
            where = "" if str(error).startswith("[") else f"[{name}] "
            raise ConfigError(f"{path}: {where}{error}.") from None
    return Config(path=Path(path), **sections)
