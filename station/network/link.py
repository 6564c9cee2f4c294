"""The class network as the main loop sees it: a publisher thread started
and stopped, and what the hub sent, taken without waiting."""

from __future__ import annotations

import logging
import queue
from pathlib import Path

from station.network.config import Network
from station.network.publisher import Publisher

LOG = logging.getLogger("station")


class NetworkLink:
    """Publishes the session log at ``db_path`` and collects the hub's messages.

        link = NetworkLink(network, data_dir / "station.db", calibrated_at=None)
        link.start()
        for kind, payload in link.take():    # between the loop's steps; never blocks
            ...
        link.close()
    """

    def __init__(self, network: Network, db_path: Path, calibrated_at: str | None = None,
                 has_force: bool = True) -> None:
        self.network = network
        self.inbox: queue.Queue = queue.Queue()
        self.calibrated_at = calibrated_at
        self.has_force = has_force
        #: The devices' problem right now (the loop's), or None.
        self.problem: str | None = None
        self.publisher = Publisher(network, db_path, self.inbox, self._status_extra)

    def start(self) -> None:
        self.publisher.start()

    def take(self) -> list[tuple[str, dict]]:
        """Everything the hub sent since the last call, oldest first."""
        taken = []
        while True:
            try:
                taken.append(self.inbox.get_nowait())
            except queue.Empty:
                return taken

    def _status_extra(self) -> dict:
        state = "ok" if self.problem is None else "problem"
        return {"sensors": {"mat": state, "force": state if self.has_force else "none"},
                "calibrated_at": self.calibrated_at}

    def close(self) -> None:
        self.publisher.stop()
