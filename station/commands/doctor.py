"""`station doctor`: what hardware this computer has, and what to do about
anything missing. Every check prints one line; a problem says what to do.

The checks of the machine itself (display, sound, clock, the service's last
crash) are in station/service/checks.py."""

from __future__ import annotations

import glob
import shutil
from pathlib import Path

from station.config import load_config
from station.errors import UserError
from station.log.storage import data_dir_for
from station.service import checks
from station.service.checks import NOTE, OK, PROBLEM

#: How long `station doctor` watches the load cells for a fault.
CELL_CHECK_S = 1.0


def add_parser(subparsers) -> None:
    doctor = subparsers.add_parser("doctor", help="check the hardware and the config")
    doctor.add_argument("--config", type=Path, metavar="FILE", help="config file (TOML)")
    doctor.add_argument("--data-dir", type=Path, metavar="DIR",
                        help="where the calibration and logs are kept")
    from station.commands.arguments import positive_float, window_size
    doctor.add_argument("--display", action="store_true",
                        help="only run the kiosk's live page on the display for --seconds: "
                             "does it hold 60 fps, and how much CPU does it take")
    doctor.add_argument("--seconds", type=positive_float, default=10.0, metavar="S",
                        help="how long --display runs (default 10)")
    doctor.add_argument("--size", type=window_size, default=(1280, 720), metavar="WxH",
                        help="--display's window size on a desktop (default 1280x720; "
                             "on the console it is the whole screen, as the kiosk runs)")


def check_config(args) -> tuple[str, str, object]:
    try:
        config = load_config(args.config)
    except UserError as error:
        return PROBLEM, f"config: {error}", None
    where = config.path or "defaults (no config file)"
    return OK, (f"config: {where}; mat = {config.sources.mat}, force = {config.sources.force}"), config


def check_gpio(pattern: str = "/dev/gpiochip*") -> tuple[str, str]:
    chips = sorted(glob.glob(pattern))
    if not chips:
        return NOTE, "GPIO: no /dev/gpiochip* here (not a Raspberry Pi?); use --mat chronopic:PORT or simulated"
    return OK, f"GPIO: {', '.join(chips)}"


def check_serial() -> list[tuple[str, str]]:
    from serial.tools import list_ports
    ports = list(list_ports.comports())
    if not ports:
        return [(NOTE, "serial: no serial devices; plug in the load-cell front-end or the Chronopic")]
    lines = []
    for port in ports:
        ids = f"{port.vid:04X}:{port.pid:04X}" if port.vid is not None else "no USB id"
        serial = f", serial {port.serial_number}" if port.serial_number else ""
        lines.append((OK, f"serial: {port.device} ({ids}{serial}) {port.description}"))
    return lines


def check_frontend(config, data_dir=None) -> list[tuple[str, str]]:
    from station.commands.calibrate_device import counts_reader, wait_connected
    from station.sources.loadcell.link import FrontEndLink
    from station.sources.loadcell.source import LINK_ERRORS
    link = FrontEndLink(config.frontend.port or None, rate_hz=config.frontend.rate_hz)
    link.start()
    try:
        if not wait_connected(link):
            return [(PROBLEM, f"load-cell front-end: {link.problem or 'no answer'}")]
        identity = link.identity
        stats = link.stats
        # The samples a main loop dropped are the running station's: none here.
        errors = ", ".join(f"{getattr(stats, key)} {what}" for key, what in LINK_ERRORS.items()
                           if getattr(stats, key, 0))
        lines = [(OK, (f"load-cell front-end: {identity.name}, firmware {identity.firmware}, "
                       f"serial {identity.serial}, {link.rate_hz} samples/s per cell"
                       f"{'; link: ' + errors if errors else ''}"))]
        try:
            counts = counts_reader(link)(CELL_CHECK_S)
        except UserError as error:
            return lines + [(PROBLEM, f"load cells: {error}")]
        return lines + check_cells_live(counts, link.rate_hz, config, data_dir)
    finally:
        link.close()


def check_cells_live(counts, rate_hz: float, config, data_dir) -> list[tuple[str, str]]:
    """The running station's own sensor-fault analysis over a second of the
    cells (station/analysis/force/cells.py)."""
    import numpy as np
    from station.analysis.force.cells import CellWatch
    from station.sources.loadcell.calibration import calibration_path, default_data_dir, load_calibration
    from station.sources.loadcell.protocol import COUNT_MAX, COUNT_MIN
    try:
        calibration = load_calibration(calibration_path(data_dir or default_data_dir()))
    except UserError:
        return []  # the calibration line says what is wrong with it
    corners_n = calibration.to_newtons(counts)
    limits = calibration.to_newtons(np.array([[COUNT_MIN] * 4, [COUNT_MAX] * 4]))
    watch = CellWatch(config.force, [(min(limits[:, cell]), max(limits[:, cell])) for cell in range(4)])
    time_s = np.arange(len(corners_n)) / rate_hz
    watch.feed(time_s, corners_n.sum(axis=1), corners_n)
    faults = watch.active.values()
    if not faults:
        return [(OK, f"load cells: all four read normally over {len(counts) / rate_hz:.1f} s")]
    return [(PROBLEM, f"load cells: {fault.message}") for fault in faults]


def check_device_counts(data_dir) -> list[tuple[str, str]]:
    """The counts of trouble of the running station's devices, or of its last
    run (station/sources/device_status.py): the doctor cannot open a port the
    station holds, so the station writes them down."""
    import time
    from station.sources.device_status import read_device_status
    from station.sources.loadcell.calibration import default_data_dir
    status = read_device_status(Path(data_dir or default_data_dir()))
    if status is None:
        return []
    since = time.strftime("%Y-%m-%d %H:%M", time.localtime(status["since"]))
    written = time.strftime("%H:%M:%S", time.localtime(status["written"]))
    run = f"running station (since {since}, at {written})" if status["running"] else \
        f"last run (since {since}, to {written})"
    return [(NOTE if device.describe() else OK, f"{device.device}, {run}: {device.describe() or 'no trouble'}")
            for device in status["devices"]]


def check_calibration(data_dir) -> tuple[str, str]:
    from station.sources.loadcell.calibration import calibration_path, default_data_dir, load_calibration
    path = calibration_path(data_dir or default_data_dir())
    try:
        calibration = load_calibration(path)
    except UserError as error:
        return PROBLEM, f"calibration: {error}"
    if calibration.is_default:
        return PROBLEM, f"calibration: none at {path}; run `station calibrate` with a known mass"
    return OK, f"calibration: {path}, calibrated {calibration.calibrated_at}"


def check_disk(data_dir) -> tuple[str, str]:
    from station.sources.loadcell.calibration import default_data_dir
    from station.log.space import nearest_existing
    folder = nearest_existing(Path(data_dir or default_data_dir()))
    free_gb = shutil.disk_usage(folder).free / 1e9
    status = OK if free_gb >= 1 else PROBLEM
    advice = "" if status == OK else "; export and delete old sessions"
    return status, f"disk: {free_gb:.1f} GB free at {folder}{advice}"


def check_session_log(data_dir) -> list[tuple[str, str]]:
    """Logs the station set aside (damaged, or from a newer station), each
    with where it is; a log in place that would be set aside at the next run."""
    from station.log.db import DB_FILE
    from station.log.set_aside import set_aside_logs
    from station.sources.loadcell.calibration import default_data_dir
    folder = Path(data_dir or default_data_dir())
    lines = [(PROBLEM, f"session log: {path} was set aside ({'damaged' if '-damaged-' in path.name else 'written by a newer station'}) "
                       "and a new log started; keep it for recovery, then move it out of the data folder")
             for path in set_aside_logs(folder)]
    path = folder / DB_FILE
    if path.exists():
        problem = _log_problem(path)
        lines.append((OK, f"session log: {path}") if problem is None else
                     (PROBLEM, f"session log: {path} {problem}; the next `station run` sets it "
                               "aside and starts a new log"))
    return lines


def _log_problem(path: Path) -> str | None:
    """What makes the log unusable, read only (the doctor changes nothing), or None."""
    import sqlite3
    from station.log.schema import MIGRATIONS
    try:
        conn = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
        try:
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            damage = [row[0] for row in conn.execute("PRAGMA quick_check")]
        finally:
            conn.close()
    except sqlite3.DatabaseError as error:
        return f"is damaged ({error})"
    if version > len(MIGRATIONS):
        return f"was written by a newer station (schema {version}; this one knows up to {len(MIGRATIONS)})"
    if damage != ["ok"]:
        return f"is damaged ({damage[0]})"
    return None


def check_display_rate(args, environ=None) -> list[tuple[str, str]]:
    """The kiosk's live page on the display it would use, for ``args.seconds``."""
    import os

    from station.service.display_test import check_display_rate as measured
    environ = dict(os.environ if environ is None else environ)
    driver = checks.video_driver(environ)
    if driver == "kmsdrm" and checks.service_active():
        return [(NOTE, f"display: in use by the kiosk ({checks.SERVICE} is running); "
                       f"`sudo systemctl stop {checks.SERVICE}` to test it here")]
    env = dict(environ, SDL_VIDEODRIVER=driver) if driver else environ
    return measured(args.seconds, None if driver == "kmsdrm" else args.size, env)


def doctor(args, say=print) -> int:
    if getattr(args, "display", False):
        return _said(check_display_rate(args), say)
    status, line, config = check_config(args)
    results = [(status, line), check_gpio(), *check_serial()]
    data_dir = args.data_dir if config is None else data_dir_for(args.data_dir, config)
    if config is not None and "frontend" in (config.sources.mat_kind, config.sources.force_kind):
        results += [*check_frontend(config, data_dir), check_calibration(data_dir)]
    results += check_device_counts(data_dir)
    results.append(check_disk(data_dir))
    if config is not None:
        from station.identity.check import check_tag_reader
        results += check_tag_reader(config.identity, data_dir)
    results += check_session_log(data_dir)
    results += checks.check_display()
    results += checks.check_audio(muted=config is not None and config.sound.mute)
    results += [checks.check_clock(), checks.check_last_crash()]
    if config is not None and config.network.broker:
        from station.network.doctor import check_network
        results += check_network(config, data_dir)
    return _said(results, say)


def _said(results: list[tuple[str, str]], say) -> int:
    """Print one line per check; the exit code: 1 if any is a problem."""
    for status, line in results:
        say(f"{status:>7}  {line}")
    return 1 if any(status == PROBLEM for status, _ in results) else 0
