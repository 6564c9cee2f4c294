"""`station run`'s command line: its options, and the one typed object the run
reads them from.

The command line is read once, here, into ``RunOptions``; the run hands each
lower layer the values it needs (a data folder, a reader spec, a window size),
never argparse's namespace, so those layers read like the rest of the code
and can be called from tests and benchmarks without faking a command line.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from station.commands.arguments import positive_float, window_size


def add_parser(subparsers) -> None:
    run = subparsers.add_parser("run", help="run the station (kiosk screen, or --headless)")
    what = run.add_mutually_exclusive_group()
    what.add_argument("--simulate", action="store_true",
                      help="a simulated athlete on a simulated mat and plate "
                           "(the default while no hardware is configured)")
    what.add_argument("--replay", type=Path, metavar="FILE",
                      help="play a recording back as if it were live")
    run.add_argument("--mat", metavar="SOURCE",
                     help="the mat: gpio, chronopic:PORT, frontend[:PORT], simulated or none "
                          "(default: [sources] mat in the config)")
    run.add_argument("--force", metavar="SOURCE",
                     help="the load cells: frontend[:PORT], simulated or none "
                          "(default: [sources] force in the config)")
    run.add_argument("--data-dir", type=Path, metavar="DIR",
                     help="where the calibration and logs are kept")
    run.add_argument("--headless", action="store_true",
                     help="no screen: print one JSON line per event as it happens")
    run.add_argument("--fullscreen", action="store_true", help="fill the whole screen")
    run.add_argument("--size", type=window_size, default=(1280, 720), metavar="WxH",
                     help="window size (default 1280x720)")
    run.add_argument("--screenshots", type=Path, metavar="DIR",
                     help="save the first frame of every screen state in DIR, as numbered PNGs")
    run.add_argument("--speed", type=positive_float, default=1.0, metavar="N",
                     help="run simulated or replayed time N times faster")
    run.add_argument("--duration", type=positive_float, metavar="S",
                     help="stop after S seconds of session time")
    run.add_argument("--seed", type=int, default=0, metavar="N",
                     help="which simulated athlete and session (default 0)")
    run.add_argument("--zones", type=int, choices=(1, 2), default=2,
                     help="simulate a one- or two-zone mat (default 2)")
    run.add_argument("--challenge", metavar="NAME|FILE",
                     help="run a class challenge (tabata, amrap-60, emom-10, ladder, relay, "
                          "or a .toml file; docs/challenges.md): on the kiosk, or with --headless")
    run.add_argument("--class", dest="class_names", metavar="NAMES",
                     help="the challenge's athletes in roster order, like \"Ann,Bob,Cy\"")
    run.add_argument("--config", type=Path, metavar="FILE", help="config file (TOML)")
    run.add_argument("--reader", metavar="SPEC",
                     help="the RFID tag reader: auto, none, serial:PORT or evdev:PATH "
                          "(default: [identity] reader in the config; docs/identity.md)")
    run.add_argument("--broker", metavar="URL",
                     help="publish the log to the class network's broker, like mqtt://hub:1883 "
                          "(default: [network] broker in the config; docs/network.md)")
    run.add_argument("--station-id", metavar="ID",
                     help="this station's id on the class network (default: [network] "
                          "station_id, else the host name)")
    run.add_argument("--frame-stats", type=Path, metavar="FILE",
                     help="write a CSV row per frame put on the screen (t_s,draw_ms,present_ms) to FILE")


@dataclass(frozen=True)
class RunOptions:
    """What one ``station run`` was asked to do.

    ``data_dir`` is already the folder the run uses (``--data-dir``, else the
    config's ``[storage] data_dir``, else the default); ``mat`` and ``force``
    are the command line's source specs (None: the config's ``[sources]``).

        options = RunOptions.from_args(args, config)
        open_run_log(options.data_dir, config, source, options.logged_sources(config))
    """

    data_dir: Path
    config_path: Path | None = None
    simulate: bool = False
    replay: Path | None = None
    mat: str | None = None
    force: str | None = None
    seed: int = 0
    zones: int = 2
    headless: bool = False
    fullscreen: bool = False
    size: tuple[int, int] = (1280, 720)
    screenshots: Path | None = None
    frame_stats: Path | None = None
    speed: float = 1.0
    duration_s: float | None = None
    challenge: str | None = None
    class_names: str | None = None
    reader: str | None = None
    broker: str | None = None
    station_id: str | None = None

    @classmethod
    def from_args(cls, args, config) -> "RunOptions":
        from station.log.storage import data_dir_for
        return cls(data_dir=data_dir_for(args.data_dir, config), config_path=args.config,
                   simulate=args.simulate, replay=args.replay, mat=args.mat, force=args.force,
                   seed=args.seed, zones=args.zones, headless=args.headless,
                   fullscreen=args.fullscreen, size=args.size, screenshots=args.screenshots,
                   frame_stats=args.frame_stats, speed=args.speed, duration_s=args.duration,
                   challenge=args.challenge, class_names=args.class_names, reader=args.reader,
                   broker=args.broker, station_id=args.station_id)

    def source_choice(self, config):
        """The mat and force sources chosen (``station.sources.choose.SourceChoice``);
        ``--simulate`` chooses the simulated ones. Not for a replay."""
        from station.sources.choose import choose_sources
        simulated = "simulated" if self.simulate else None
        return choose_sources(config, self.mat or simulated, self.force or simulated)

    def uses_hardware(self, config) -> bool:
        """Whether the run reads real sensors (no replay, nothing simulated)."""
        if self.replay is not None or self.simulate:
            return False
        choice = self.source_choice(config)
        return "simulated" not in (choice.mat_kind, choice.force_kind)

    def force_kind(self, config) -> str:
        """The load cells' kind for this run's health banners: "none" for a replay or a simulation."""
        if self.replay is not None or self.simulate:
            return "none"
        return self.source_choice(config).force_kind

    def logged_sources(self, config) -> tuple[str, str]:
        """What the session log records as the run's mat and force sources."""
        if self.replay is not None:
            return "replay", "replay"
        if self.simulate:
            return "simulated", "simulated"
        return _kind(self.mat, config.sources.mat), _kind(self.force, config.sources.force)


def _kind(spec: str | None, configured: str) -> str:
    return (spec or configured).split(":", 1)[0]
