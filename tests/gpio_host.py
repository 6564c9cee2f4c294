"""What GPIO the computer running the tests has."""

from pathlib import Path


def on_a_pi() -> bool:
    model = Path("/proc/device-tree/model")
    return model.exists() and "Raspberry Pi" in model.read_text(errors="replace")
