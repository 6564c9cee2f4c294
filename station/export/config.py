"""The ``[export]`` table of the config: where USB sticks get mounted."""

from __future__ import annotations

from dataclasses import dataclass

from station.export.usb import DEFAULT_ROOTS
from station.hardware_config import _from_table, _need


@dataclass(frozen=True)
class ExportConfig:
    """``mount_roots``: folders under which USB sticks are mounted; a mount
    point at or below one of them, with a stick's file system, is offered for
    export."""

    mount_roots: tuple[str, ...] = DEFAULT_ROOTS

    def __post_init__(self) -> None:
        roots = self.mount_roots
        _need(isinstance(roots, (list, tuple)) and all(isinstance(r, str) and r.startswith("/")
                                                       for r in roots),
              f"mount_roots must be a list of absolute folders like [\"/media\"], not {roots!r}")
        object.__setattr__(self, "mount_roots", tuple(roots))

    @classmethod
    def from_table(cls, table: dict) -> "ExportConfig":
        return _from_table(cls, table, "export")
