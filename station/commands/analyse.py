"""`station analyse FILE`: the pipeline over a whole recording."""

from __future__ import annotations

from station.analysis.pipeline import analyse as analyse_source
from station.cli import print_json
from station.config import load_config
from station.errors import UserError
from station.report import render_text
from station.sources.recording import RecordingSource, read_recording


def analyse(args) -> int:
    config = load_config(args.config)
    recording = read_recording(args.file)
    if not recording.has_mat:
        raise UserError(
            f"{args.file} holds force data but no mat column; finding jumps from force "
            "alone is not in this version yet. Record with the mat connected, or add a "
            "'mat' column.")
    events = analyse_source(RecordingSource(recording), config.timing)
    if args.json:
        for event in events:
            print_json(event)
    else:
        print(render_text(events, phases=args.phases))
    return 0
