"""`station analyse FILE`: the pipeline over a whole recording."""

from __future__ import annotations

from station.analysis.pipeline import DEFAULT_PLATE_DEPTH_M, analyse as analyse_source
from station.cli import print_json
from station.config import load_config
from station.report import render_text
from station.sources.recording import RecordingSource, read_recording


def analyse(args) -> int:
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
