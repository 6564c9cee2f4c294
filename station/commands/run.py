"""`station run`: the kiosk main loop, on screen or headless."""

from __future__ import annotations

import contextlib
import glob
import logging
import signal
import threading
import time

from station.analysis.events import Summary
from station.analysis.pipeline import Pipeline
from station.app import StationLoop, drive
from station.challenge.headless import HeadlessChallenge, chosen_challenge
from station.commands.arguments import print_json
from station.commands.run_options import RunOptions
from station.config import load_config_or_defaults
from station.errors import UserError
from station.log.run_log import RunLog, open_run_log
from station.report import summary_line
from station.sources.choose import open_source as open_chosen
from station.sources.device_status import CountsGrew, DeviceStatus
from station.service.notify import Notifier

LOG = logging.getLogger("station")
#: Headless runs have no frame clock; 10 ms keeps the event latency far below
#: anything a person notices while leaving the CPU idle.
HEADLESS_STEP_S = 0.01


def open_source(options: RunOptions, config):
    if options.replay is not None:
        from station.sources.recording import RecordingSource, read_recording
        return RecordingSource(read_recording(options.replay))
    return open_chosen(config, options.source_choice(config), seed=options.seed,
                       zones_count=options.zones, data_dir=options.data_dir)


def hardware_ready(options: RunOptions, config, config_problem: str | None, stop: threading.Event):
    """The sensors, opened and started (``waiting.Started``), once they open;
    until then the kiosk says what is wrong (None: it was stopped while waiting)."""
    from station.commands.waiting import Started, open_started, wait_for_hardware
    opened = open_started(lambda: open_source(options, config))
    if isinstance(opened, Started):
        return opened
    return wait_for_hardware(
        opened, lambda: open_source(options, config),
        open_app=lambda source: open_kiosk_app(source, config, options, config_problem),
        loop_for=lambda source, app: StationLoop(source, pipeline_for(config), app.on_event),
        stop=stop, notifier=Notifier())


def challenge_record_opener(log: RunLog):
    """Keeps a headless challenge's results in the run's session log, under
    the roster's athletes of those names (others as guests)."""
    from station.challenge.store import record_opener
    open_record = record_opener(log)

    def open_for(definition, names: list[str]):
        ids = {athlete.name: athlete.id for athlete in log.roster() if athlete.name in names}
        return open_record(definition, ids)
    return open_for


def pipeline_for(config) -> Pipeline:
    return Pipeline(config.timing, config.force, plate_depth_m=config.plate.depth_m)


def run(args) -> int:
    # A broken config must not stop an appliance (systemd would restart it
    # forever): run on the defaults for what is broken and say so.
    config, config_problem = load_config_or_defaults(args.config)
    if config_problem:
        LOG.warning("%s", config_problem)
    options = RunOptions.from_args(args, config)
    challenge = chosen_challenge(options.challenge, options.class_names)  # checked before any hardware opens
    check_reader_spec(options.reader)
    network = network_from(options, config)
    started = None   # the kiosk's sensors, opened once and checked before the run
    if not options.headless and options.uses_hardware(config):
        with stop_on_signals() as stop:
            started = hardware_ready(options, config, config_problem, stop)
            if started is None:
                return 0
    source = open_source(options, config) if started is None else started.source
    log = open_run_log(options.data_dir, config, source, options.logged_sources(config))
    with contextlib.ExitStack() as closing:
        link = network_link(network, options, log, source, closing)
        stop = closing.enter_context(stop_on_signals())
        closing.enter_context(contextlib.closing(log))
        if options.headless:
            return run_headless(source, stop, options, config, log, challenge, link)
        return run_kiosk(source, config, options, stop, config_problem, log, challenge, link,
                         started)


def run_headless(source, stop: threading.Event, options: RunOptions, config, log: RunLog,
                 chosen_challenge, link) -> int:
    """JSON lines, no screen. A challenge given on the command line, the
    hub's commands and tap-in (docs/identity.md: each tap a JSON line, picking
    who the log files the following sets under) act between the loop's steps."""
    show, challenge, taps = print_json, None, None
    if chosen_challenge is not None:
        challenge = HeadlessChallenge(*chosen_challenge, config.timing, print_json,
                                      open_record=challenge_record_opener(log))
        show = challenge.on_event
    commands, hub = hub_parts(link, log, config, show, challenge is not None)
    show = hub.on_event if hub is not None else show
    if challenge is None:
        from station.identity.run_taps import open_run_taps
        taps = open_run_taps(options.reader, config, log, show=print_json)
        show = taps.listening(show)
    loop = StationLoop(source, pipeline_for(config), log.showing(show), options.speed,
                       options.duration_s, on_readings=log.on_readings)
    log.started(loop, config)
    step = challenge.stepper(loop, stop, HEADLESS_STEP_S) if challenge is not None \
        else lambda: loop.behind or time.sleep(HEADLESS_STEP_S)
    if taps is not None:
        pause = step

        def step() -> None:
            taps.step(loop.now_s)
            pause()
    devices = DeviceStatus(options.data_dir, source)
    uncounted = step

    def step() -> None:
        for device, more in devices.update():
            print_json(CountsGrew(loop.now_s, device, more))
        uncounted()
    with contextlib.closing(taps) if taps is not None else contextlib.nullcontext():
        done = drive(loop, stop, with_hub(commands, hub, loop, step))
    devices.update(final=True)   # for the doctor; the summary stays the last line
    return done


def network_from(options: RunOptions, config):
    """The class network to join (``--broker`` or ``[network] broker``), or None.
    A bad ``--broker`` is the user's to fix; a problem in the config's
    ``[network]`` must not stop an appliance: it runs without the network."""
    if not (options.broker or config.network.broker):
        return None
    from station.network.config import network_for
    try:
        return network_for(config, options.broker, options.station_id)
    except UserError as error:
        if options.broker:
            raise
        LOG.warning("%s The station runs without the class network.", error)
        return None


def network_link(network, options: RunOptions, log: RunLog, source, closing: contextlib.ExitStack):
    """The class network's link when there is one (closed last, after the
    log's final rows), else None; without one, nothing of it is imported."""
    if network is None:
        return None
    from station.network.run_network import open_network
    link = open_network(network, options.data_dir, log, source.has_force)
    if link is not None:
        closing.callback(link.close)
    return link


def hub_parts(link, log: RunLog, config, emit, local_challenge: bool):
    if link is None:
        return None, None
    from station.network.run_network import hub_parts as parts
    return parts(link, log, config, emit, local_challenge)


def with_hub(commands, hub, loop: StationLoop, step):
    """``step`` after acting on what the hub sent (nothing to do without a network)."""
    if commands is None:
        return step

    def between_steps() -> None:
        commands.step(loop)
        if hub is not None:
            hub.step(loop)
        step()
    return between_steps


def check_reader_spec(reader_spec: str | None) -> None:
    """A ``--reader`` that names no reader stops the run before anything opens."""
    from station.identity.config import reader_problem
    problem = None if reader_spec is None else reader_problem(reader_spec)
    if problem:
        raise UserError(f"--reader: the tag {problem}; see docs/identity.md.")


def open_kiosk_app(source, config, options: RunOptions, config_problem: str | None = None, **parts):
    """The kiosk's window, as ``options`` ask for it."""
    from station.kiosk.app import open_app
    return open_app(source, config, options.size, options.fullscreen, options.screenshots,
                    options.frame_stats, config_problem, **parts)


def run_kiosk(source, config, options: RunOptions, stop: threading.Event, config_problem: str | None = None,
              log: RunLog | None = None, chosen_challenge=None, link=None, started=None) -> int:
    """``log``: the run's session log (every event is logged before it is shown);
    ``chosen_challenge``: (definition, class) to open the kiosk in, or None;
    ``link``: the class network's ``NetworkLink``, or None;
    ``started``: ``source`` already started (``waiting.Started``), or None."""
    log = log or RunLog(None)
    parts = kiosk_parts(config, log)
    try:
        app = open_kiosk_app(source, config, options, config_problem, **parts)
    except UserError:
        close_parts(parts)
        source.close()
        raise

    def on_event(event):
        app.on_event(event)
        if isinstance(event, Summary):
            print(summary_line(event), flush=True)

    from station.identity.run_taps import open_run_taps
    from station.kiosk.tap.mode import attach as attach_taps
    taps = open_run_taps(options.reader, config, log, on_change=lambda athlete: app.tap.on_change(athlete))
    attach_taps(app, taps)
    loop = StationLoop(source, pipeline_for(config), log.showing(taps.listening(on_event)), options.speed,
                       options.duration_s, on_readings=app.readings_too(log.on_readings),
                       started=None if started is None else started.for_loop)
    log.started(loop, config)
    from station.kiosk.challenge.mode import attach
    attach(app, config, log, loop.latency_s, chosen_challenge)
    from station.kiosk.usb.mode import attach as attach_usb
    usb = attach_usb(app, config, options.data_dir)
    from station.kiosk.calibration.mode import attach as attach_calibration
    attach_calibration(app, config, source, options.data_dir)
    health = kiosk_health(app, config, options)
    commands = kiosk_hub(link, log, app)
    app.set_link = kiosk_set_link(config, log, link)
    if log.notice is not None:
        app.board.banners.append(("log", log.notice))

    devices = DeviceStatus(options.data_dir, source)

    def between_steps():
        health.check()
        devices.update()
        if commands is not None:
            commands.step(loop)
        app.between_steps(loop, stop)
    try:
        return drive(loop, stop, between_steps)
    finally:
        devices.update(final=True)
        usb.close()
        taps.close()
        close_parts(parts)
        app.close()


def kiosk_hub(link, log: RunLog, app):
    """The hub's roster, standings and commands on the kiosk; None without a network."""
    if link is None:
        return None
    from station.network.kiosk_hub import attach
    return attach(link, log, app)


def kiosk_set_link(config, log: RunLog, link):
    """Each set's page at the hub for the summary's QR code; None without
    ``[web] hub_url``, the class network or a session log."""
    if not config.web.hub_url or link is None or log.session is None:
        return None
    from station.kiosk.screens.set_link import set_link_maker
    session = log.session
    return set_link_maker(config.web.hub_url, link.network.station_id, session.conn,
                          lambda: session.session_id)


def kiosk_health(app, config, options: RunOptions):
    """The kiosk's banners for uncalibrated load cells and a nearly full disk."""
    from station.kiosk.state.health import Health, calibration_problem
    return Health(app.board, options.data_dir, config.storage.min_free_mb,
                  calibration=calibration_problem(options.force_kind(config), options.data_dir))


def kiosk_parts(config, log: RunLog, gpio_chips: str = "/dev/gpiochip*") -> dict:
    """What the kiosk picks from and answers to: the roster of ``log``, picks
    kept in ``log``, the picked athlete's history from ``log``, the GPIO
    buttons (only on a machine with a GPIO chip, so a laptop starts without a
    warning about them) and the sound cues."""
    from station.kiosk.controls.buttons import ButtonPanel
    from station.kiosk.sound import Cues
    from station.log.athlete_history import history_provider

    def on_pick(athlete_id, name):
        if athlete_id is None:
            log.pick_guest()
        else:
            log.athlete_id = athlete_id
    return {"roster": lambda: [(a.id, a.name) for a in log.roster()], "on_pick": on_pick,
            "history": history_provider(None if log.session is None else log.session.conn),
            "buttons": ButtonPanel(config.kiosk) if glob.glob(gpio_chips) else None,
            "cues": Cues(config.sound)}


def close_parts(parts: dict) -> None:
    for name in ("cues", "buttons"):
        if parts.get(name) is not None:
            parts[name].close()


@contextlib.contextmanager
def stop_on_signals():
    """An event set by SIGINT or SIGTERM, so the run can end cleanly with its
    summary. Installed before anything is printed, so no signal is missed."""
    stop = threading.Event()
    previous = {sig: signal.signal(sig, lambda *_: stop.set())
                for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield stop
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
