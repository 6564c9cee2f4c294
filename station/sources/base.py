"""The one interface every source of readings offers.

The main loop pulls: it asks a source for everything that happened up to a
time on the source's own timeline. A live source answers with what its reader
thread has queued; a recording or the simulator answers from its data, which
is how ``--speed`` and offline analysis run the very same code.
"""

from __future__ import annotations

from typing import Protocol

from station.readings import MatStart, Reading


class Source(Protocol):
    """A source of mat edges and force samples on one timeline in seconds.

    ``zones`` names the mat zones it reports (empty when there is no mat);
    ``has_force`` says whether it sends ForceBlocks; ``simulated`` whether the
    data is made up (the screen says so). ``latency_s`` is how long after its
    time a reading may still arrive (0 for files and the simulator): the main
    loop reads and decides only up to that long ago, so nothing arrives in a
    past already decided.
    """

    zones: tuple[str, ...]
    has_force: bool
    simulated: bool
    latency_s: float

    def start(self) -> MatStart:
        """The start time and every zone's level then. Called once, first."""

    def read(self, until_s: float) -> list[Reading]:
        """Readings not yet returned with time <= until_s, edges in time order."""

    def end_s(self) -> float | None:
        """When the data ends (a recording), or None while it goes on (live)."""

    def close(self) -> None:
        """Release the hardware or file."""
