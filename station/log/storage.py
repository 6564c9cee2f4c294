"""The ``[storage]`` table of the config, and which data folder a command uses."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from station.hardware_config import _from_table, _need
from station.sources.loadcell.calibration import default_data_dir


@dataclass(frozen=True)
class StorageConfig:
    """Where the station keeps its files, and how much disk it leaves free.

    ``data_dir``: the data folder (calibration, session log, raw recordings);
    "" for the default, $JUMPMAT_DATA_DIR or ~/.local/share/jumpmat.
    ``min_free_mb``: below this much free disk space the oldest raw recordings
    are deleted (never the log's rows).
    """

    data_dir: str = ""
    min_free_mb: float = 500

    def __post_init__(self) -> None:
        _need(isinstance(self.data_dir, str),
              f"data_dir must be a folder name in quotes, not {self.data_dir!r}")
        _need(isinstance(self.min_free_mb, (int, float)) and not isinstance(self.min_free_mb, bool)
              and self.min_free_mb >= 0, f"min_free_mb must be a number of megabytes, 0 or more, "
              f"not {self.min_free_mb!r}")

    @classmethod
    def from_table(cls, table: dict) -> "StorageConfig":
        return _from_table(cls, table, "storage")


def data_dir_for(given: Path | None, config) -> Path:
    """The data folder: ``given`` (a command's ``--data-dir``), else the
    config's ``[storage] data_dir``, else the default.

        data_dir_for(args.data_dir, load_config(args.config)) / "station.db"
    """
    if given is not None:
        return Path(given).expanduser()
    if config.storage.data_dir:
        return Path(config.storage.data_dir).expanduser()
    return default_data_dir()
