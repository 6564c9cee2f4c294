"""The class network of one ``station run``: started when a broker is given
(``--broker`` or ``[network] broker``), and what the main loop calls."""

from __future__ import annotations

import logging
from pathlib import Path

from station.errors import UserError
from station.log.db import DB_FILE
from station.network.config import Network
from station.network.link import NetworkLink

LOG = logging.getLogger("station")


def open_network(network: Network, data_dir: Path, log, has_force: bool) -> NetworkLink | None:
    """The started link; None for a run without a session log, which has
    nothing to publish (one warning)."""
    if log.session is None:
        LOG.warning("without a session log the station has nothing to publish to %s.", network.url)
        return None
    link = NetworkLink(network, data_dir / DB_FILE, _calibrated_at(data_dir), has_force)
    link.start()
    return link


def _calibrated_at(data_dir) -> str | None:
    from station.sources.loadcell.calibration import calibration_path, load_calibration
    try:
        return load_calibration(calibration_path(data_dir)).calibrated_at
    except (UserError, OSError, ValueError):
        return None


def hub_parts(link: NetworkLink | None, log, config, emit, local_challenge: bool):
    """(HubCommands, HubChallenge) for a headless run; (None, None) without a network.
    A run with its own ``--challenge`` takes no challenge from the hub (None)."""
    if link is None:
        return None, None
    from station.network.hub_challenge import HubChallenge
    from station.network.hub_commands import HubCommands
    hub = None
    if not local_challenge:
        from station.challenge.store import record_opener
        hub = HubChallenge(config.timing, emit, open_record=record_opener(log),
                           roster=lambda: {a.name: a.id for a in log.roster()},
                           on_athlete=FollowAthlete(log))
    return HubCommands(link, log, hub), hub


class FollowAthlete:
    """Logs a hub challenge's sets under its athlete (when on the roster), and
    gives the log back who was picked before once it is over."""

    def __init__(self, log) -> None:
        self.log, self.before, self.following = log, None, False

    def __call__(self, athlete_id: int | None, in_challenge: bool) -> None:
        if in_challenge:
            if not self.following:
                self.before, self.following = self.log.athlete_id, True
            self.log.athlete_id = athlete_id
        elif self.following:
            self.log.athlete_id, self.following = self.before, False
