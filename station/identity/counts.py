"""What a reader's decoder made of what it was sent: tags, and bad reads by kind."""

from __future__ import annotations

from dataclasses import dataclass, fields


@dataclass
class ReadCounts:
    """Counts since the reader started. ``tags``: good reads (before the
    debouncer); ``checksum``: RDM6300 frames and Chronojump lines whose check was wrong;
    ``partial``: reads cut short (a frame or a line that stopped, keys that
    stopped coming); ``overlong``: reads longer than any tag; ``garbled``:
    reads with characters no tag has. Bad reads are ignored, never taps.

        counts = ReadCounts()
        counts.checksum += 1
        counts.bad          # 1
    """

    tags: int = 0
    checksum: int = 0
    partial: int = 0
    overlong: int = 0
    garbled: int = 0

    @property
    def bad(self) -> int:
        return self.checksum + self.partial + self.overlong + self.garbled

    def add(self, other: "ReadCounts") -> None:
        for each in fields(self):
            setattr(self, each.name, getattr(self, each.name) + getattr(other, each.name))

    def describe(self) -> str:
        """One line for `station doctor`: "12 tags, 3 bad reads (2 checksum, 1 partial)"."""
        kinds = [f"{getattr(self, name)} {name}" for name in ("checksum", "partial", "overlong", "garbled")
                 if getattr(self, name)]
        bad = f" ({', '.join(kinds)})" if kinds else ""
        return f"{self.tags} tags, {self.bad} bad reads{bad}"
