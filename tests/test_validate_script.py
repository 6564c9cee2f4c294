"""benchmarks/validate.py, the validation report's script, on a short run:
one shared recording, one short simulated session, no peers."""

import importlib.util
import subprocess
import sys
from pathlib import Path

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"


def load_script():
    sys.path.insert(0, str(BENCHMARKS))
    try:
        spec = importlib.util.spec_from_file_location("validate_script", BENCHMARKS / "validate.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module   # its dataclasses look themselves up there
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(str(BENCHMARKS))
    return module


def test_a_short_run_writes_the_report_without_the_peers(tmp_path):
    out = tmp_path / "validation.md"
    result = subprocess.run([sys.executable, BENCHMARKS / "validate.py", "--out", out, "--recording",
                             "gidiel-dj.csv", "--seeds", "1", "--simulated-s", "15", "--repeat", "1",
                             "--no-peers"], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    report = out.read_text()
    assert "Peers: jumpmetrics: left out of this run (--no-peers); plateforce: left out" in report
    assert "### gidiel-dj.csv" in report and "### gidiel-cmj.csv" not in report
    assert "| ours | 1 of 1 |" in report
    assert "1 sessions of the simulated athlete (15 s each, seeds 1)" in report
    assert "| jumpmetrics |" not in report


def test_a_height_no_jump_can_have_is_flagged_and_left_out_of_the_means():
    script = load_script()
    reference = script.Jump(2.15, 2.633, None, 0.2853)
    peer = script.Jump(2.15, 2.633, None, 0.2861, impulse_height_m=3658864.1, peak_force_n=-5.0)
    row = script.jump_rows("a peer", peer, reference)
    assert "impulse impossible" in row and "3658864" not in row
    assert row.endswith("| impossible |")
    assert not script.impossible("height", 1.3) and script.impossible("height", 2.1)
    assert script.impossible("flight", 0.0) and script.impossible("flight", script.MAX_FLIGHT_S + 0.01)
