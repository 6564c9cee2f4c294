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
from station.app import StationLoop
from station.challenge.headless import HeadlessChallenge, challenge_from_args
from station.cli import print_json
from station.config import load_config_or_defaults
from station.errors import UserError
from station.log.run_log import RunLog, open_run_log
from station.log.storage import data_dir_for
from station.report import summary_line
from station.sources.choose import choose_sources, open_source as open_chosen
from station.sources.device_status import CountsGrew, DeviceStatus
from station.service.notify import Notifier

LOG = logging.getLogger("station")
#: Headless runs have no frame clock; 10 ms keeps the event latency far below
#: anything a person notices while leaving the CPU idle.
HEADLESS_STEP_S = 0.01


def open_source(args, config):
    if args.replay is not None:
        from station.sources.recording import RecordingSource, read_recording
        return RecordingSource(read_recording(args.replay))
    simulated = "simulated" if args.simulate else None
    choice = choose_sources(config, args.mat or simulated, args.force or simulated)
    return open_chosen(config, choice, seed=args.seed, zones_count=args.zones,
                       data_dir=data_dir_for(args, config))


def uses_hardware(args, config) -> bool:
    if args.replay is not None or args.simulate:
        return False
    choice = choose_sources(config, args.mat, args.force)
    return "simulated" not in (choice.mat_kind, choice.force_kind)


def hardware_ready(args, config, config_problem: str | None, stop: threading.Event):
    """The sensors, opened and started (``waiting.Started``), once they open;
    until then the kiosk says what is wrong (None: it was stopped while waiting)."""
    from station.commands.waiting import Started, open_started, wait_for_hardware
    from station.kiosk.app import open_app
    opened = open_started(lambda: open_source(args, config))
    if isinstance(opened, Started):
        return opened
    return wait_for_hardware(
        opened, lambda: open_source(args, config),
        open_app=lambda source: open_app(source, config, args, config_problem),
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
    chosen_challenge = challenge_from_args(args)  # checked before any hardware opens
    check_reader_spec(args)
    network = network_from(args, config)
    started = None   # the kiosk's sensors, opened once and checked before the run
    if not args.headless and uses_hardware(args, config):
        with stop_on_signals() as stop:
            started = hardware_ready(args, config, config_problem, stop)
            if started is None:
                return 0
    source = open_source(args, config) if started is None else started.source
    log = open_run_log(args, config, source)
    with contextlib.ExitStack() as closing:
        link = network_link(network, args, config, log, source, closing)
        stop = closing.enter_context(stop_on_signals())
        closing.enter_context(contextlib.closing(log))
        if args.headless:
            return run_headless(source, stop, args, config, log, chosen_challenge, link)
        return run_kiosk(source, config, args, stop, config_problem, log, chosen_challenge, link,
                        started)


def run_headless(source, stop: threading.Event, args, config, log: RunLog, chosen_challenge,
                 link) -> int:
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
        taps = open_run_taps(args, config, log, show=print_json)
        show = taps.listening(show)
    loop = StationLoop(source, pipeline_for(config), log.showing(show), args.speed,
                       args.duration, on_readings=log.on_readings)
    log.started(loop, config)
    step = challenge.stepper(loop, stop, HEADLESS_STEP_S) if challenge is not None \
        else lambda: loop.behind or time.sleep(HEADLESS_STEP_S)
    if taps is not None:
        pause = step

        def step() -> None:
            taps.step(loop.now_s)
            pause()
    devices = DeviceStatus(data_dir_for(args, config), source)
    uncounted = step

    def step() -> None:
        for device, more in devices.update():
            print_json(CountsGrew(loop.now_s, device, more))
        uncounted()
    with contextlib.closing(taps) if taps is not None else contextlib.nullcontext():
        done = drive(loop, stop, with_hub(commands, hub, loop, step))
    devices.update(final=True)   # for the doctor; the summary stays the last line
    return done


def network_from(args, config):
    """The class network to join (``--broker`` or ``[network] broker``), or None.
    A bad ``--broker`` is the user's to fix; a problem in the config's
    ``[network]`` must not stop an appliance: it runs without the network."""
    if not (getattr(args, "broker", None) or config.network.broker):
        return None
    from station.network.config import network_for
    try:
        return network_for(args, config)
    except UserError as error:
        if getattr(args, "broker", None):
            raise
        LOG.warning("%s The station runs without the class network.", error)
        return None


def network_link(network, args, config, log: RunLog, source, closing: contextlib.ExitStack):
    """The class network's link when there is one (closed last, after the
    log's final rows), else None; without one, nothing of it is imported."""
    if network is None:
        return None
    from station.network.run_network import open_network
    link = open_network(network, args, config, log, source.has_force)
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


def check_reader_spec(args) -> None:
    """A ``--reader`` that names no reader stops the run before anything opens."""
    from station.identity.config import reader_problem
    problem = None if getattr(args, "reader", None) is None else reader_problem(args.reader)
    if problem:
        raise UserError(f"--reader: the tag {problem}; see docs/identity.md.")


def run_kiosk(source, config, args, stop: threading.Event, config_problem: str | None = None,
              log: RunLog | None = None, chosen_challenge=None, link=None, started=None) -> int:
    """``log``: the run's session log (every event is logged before it is shown);
    ``chosen_challenge``: (definition, class) to open the kiosk in, or None;
    ``link``: the class network's ``NetworkLink``, or None;
    ``started``: ``source`` already started (``waiting.Started``), or None."""
    log = log or RunLog(None)
    from station.kiosk.app import open_app
    parts = kiosk_parts(config, log)
    try:
        app = open_app(source, config, args, config_problem, **parts)
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
    taps = open_run_taps(args, config, log, on_change=lambda athlete: app.tap.on_change(athlete))
    attach_taps(app, taps)
    loop = StationLoop(source, pipeline_for(config), log.showing(taps.listening(on_event)), args.speed,
                       args.duration, on_readings=app.readings_too(log.on_readings),
                       started=None if started is None else started.for_loop)
    log.started(loop, config)
    from station.kiosk.challenge.mode import attach
    attach(app, config, log, loop.latency_s, chosen_challenge)
    from station.kiosk.usb.mode import attach as attach_usb
    usb = attach_usb(app, config, data_dir_for(args, config))
    health = kiosk_health(app, config, args)
    commands = kiosk_hub(link, log, app)
    app.set_link = kiosk_set_link(config, log, link)
    if log.notice is not None:
        app.board.banners.append(("log", log.notice))

    devices = DeviceStatus(data_dir_for(args, config), source)

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


def kiosk_health(app, config, args):
    """The kiosk's banners for uncalibrated load cells and a nearly full disk."""
    from station.kiosk.state.health import Health, calibration_problem
    data_dir = data_dir_for(args, config)
    force_kind = "none" if args.replay is not None or args.simulate else \
        choose_sources(config, args.mat, args.force).force_kind
    return Health(app.board, data_dir, config.storage.min_free_mb,
                  calibration=calibration_problem(force_kind, data_dir))


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


def drive(loop: StationLoop, stop: threading.Event, between_steps, notifier: Notifier | None = None) -> int:
    """Step until the data or the duration ends or a stop is asked, then finish.

    Under systemd: ready once the loop runs (screen and sources are up), a
    watchdog ping from the loop's own turns, so a hung loop gets restarted,
    the device problem as the status line, and stopping at the end."""
    notifier = notifier or Notifier()
    notifier.ready("running")
    shown = None
    while loop.step() and not stop.is_set():
        notifier.keep_alive()
        if loop.problem != shown:
            shown = loop.problem
            notifier.status(shown or "running")
        between_steps()
    notifier.stopping()
    loop.finish()
    return 0
