"""`station calibrate` on the real front-end: raw counts read off the link."""

from __future__ import annotations

import time

import numpy as np

from station.commands.calibrate import calibrate
from station.config import load_config
from station.errors import UserError
from station.log.storage import data_dir_for
from station.sources.loadcell.protocol import Samples

CONNECT_WAIT_S = 3.0


def counts_reader(link):
    """``read_counts(duration_s)`` for the guided flow: every sample's raw
    counts that arrive in the next ``duration_s``."""

    def read_counts(duration_s: float) -> np.ndarray:
        link.get_frames()  # what came before the prompt was answered is stale
        blocks = []
        deadline_s = time.monotonic() + duration_s
        while time.monotonic() < deadline_s:
            blocks += [r.frame.counts for r in link.get_frames() if isinstance(r.frame, Samples)]
            time.sleep(0.02)
        if not blocks:
            raise UserError(link.problem or "The load-cell front-end sent no samples; check its "
                            "USB cable and run `station doctor`.")
        return np.vstack(blocks)

    return read_counts


def wait_connected(link, timeout_s: float = CONNECT_WAIT_S) -> bool:
    """Give a freshly started link time to find, identify and start the device."""
    waited_until_s = time.monotonic() + timeout_s
    while not link.connected and time.monotonic() < waited_until_s:
        time.sleep(0.05)
    return link.connected


def calibrate_device(args) -> int:
    from station.sources.loadcell.link import FrontEndLink
    config = load_config(getattr(args, "config", None))
    args.data_dir = data_dir_for(args.data_dir, config)  # --data-dir, else [storage] data_dir, else the default
    link = FrontEndLink(args.device or config.frontend.port or None, rate_hz=config.frontend.rate_hz)
    link.start()
    try:
        if not wait_connected(link):
            raise UserError(link.problem or "No load-cell front-end answered; check its USB cable, "
                            "or name its port with --device.")
        return calibrate(args, counts_reader(link))
    finally:
        link.close()
