"""The devices' counts of trouble, one shape for every source that has them.

A device source (the load-cell front-end, the GPIO mat, the Chronopic) says
what went wrong on its link since it started as named counts, each with the
words that say what it counts ("3 frames that failed their check"). A source
made of others (a mat with load cells, force alone) gives its parts' counts.
Sources without a device (the simulator, a recording) have none.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DeviceCounts:
    """One device's counts since the run started.

    ``device`` names it for a person; ``counts`` every count of trouble by
    key; ``words`` what each key counts, as it follows its number.

        DeviceCounts("GPIO mat", {"dropped": 2}, {"dropped": "edges the station could not keep up with"})
    """

    device: str
    counts: dict[str, int]
    words: dict[str, str]

    def describe(self, counts: dict[str, int] | None = None) -> str:
        """``counts`` (default: all of them that are not zero) in words:
        "3 frames that failed their check, 8 bytes that were in no frame"."""
        counts = {key: n for key, n in self.counts.items() if n} if counts is None else counts
        return ", ".join(f"{n} {self.words[key]}" for key, n in counts.items())


def device_counts(source) -> list[DeviceCounts]:
    """The counts of every device behind ``source`` ([] for one with no device)."""
    counted = getattr(source, "device_counts", None)
    return [] if counted is None else counted()


def grown(before: dict[str, int], now: dict[str, int]) -> dict[str, int]:
    """How much each count that grew since ``before`` grew by."""
    return {key: n - before.get(key, 0) for key, n in now.items() if n > before.get(key, 0)}
