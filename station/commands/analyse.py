"""`station analyse FILE`: the pipeline over a whole recording."""

from __future__ import annotations

from pathlib import Path


def add_parser(subparsers) -> None:
    analyse = subparsers.add_parser("analyse", aliases=["analyze"], help="analyse a recording")
    analyse.add_argument("file", type=Path, metavar="FILE", help="a recording (format 1 CSV)")
    analyse.add_argument("--json", action="store_true", help="one JSON object per line")
    analyse.add_argument("--phases", action="store_true",
                         help="also list every contact and flight (text output)")
    analyse.add_argument("--config", type=Path, metavar="FILE", help="config file (TOML)")


def analyse(args) -> int:
    from station.analysis.pipeline import DEFAULT_PLATE_DEPTH_M, analyse as analyse_source
    from station.commands.arguments import print_json
    from station.config import load_config
    from station.report import render_text
    from station.sources.recording import RecordingSource, read_recording
    config = load_config(args.config)
    recording = read_recording(args.file)
    events = analyse_source(RecordingSource(recording), config.timing, config.force,
                            plate_depth_m=recording.plate_depth_m or DEFAULT_PLATE_DEPTH_M,
                            body_mass_kg=recording.body_mass_kg)
    if args.json:
        for event in events:
            print_json(event)
    else:
        print(render_text(events, phases=args.phases))
    return 0
