"""`station doctor`: one line per check, problems with what to do."""

from station_process import station
from station.sources.loadcell.calibration import calibration_path, save_calibration
from station.sources.loadcell.emulator import EMULATED_CALIBRATION, DeviceEmulator


def test_a_bad_config_is_a_problem_naming_its_key(tmp_path):
    config = tmp_path / "station.toml"
    config.write_text("[frontend]\nrate_hz = 3000\n")
    result = station("doctor", "--config", config, "--data-dir", tmp_path)
    assert result.returncode == 1
    assert any(line.strip().startswith("PROBLEM") and "rate_hz" in line
               for line in result.stdout.splitlines())


def test_the_front_end_reports_its_firmware_and_rate(tmp_path):
    emulator = DeviceEmulator(seed=1, rate_hz=2000)
    emulator.start()
    try:
        config = tmp_path / "station.toml"
        config.write_text(f'[sources]\nmat = "none"\nforce = "frontend"\n'
                          f'[frontend]\nport = "{emulator.path}"\nrate_hz = 2000\n')
        save_calibration(calibration_path(tmp_path), EMULATED_CALIBRATION)
        result = station("doctor", "--config", config, "--data-dir", tmp_path)
    finally:
        emulator.stop()
    line = next(l for l in result.stdout.splitlines() if "load-cell front-end" in l)
    assert line.strip().startswith("ok")
    assert "firmware 1.0.0-emulated" in line and "2000 samples/s" in line


def test_a_missing_front_end_says_what_to_do(tmp_path):
    config = tmp_path / "station.toml"
    config.write_text(f'[sources]\nmat = "none"\nforce = "frontend:{tmp_path / "ttyACM9"}"\n'
                      f'[frontend]\nport = "{tmp_path / "ttyACM9"}"\n')
    result = station("doctor", "--config", config, "--data-dir", tmp_path)
    assert result.returncode == 1
    line = next(l for l in result.stdout.splitlines() if "load-cell front-end" in l)
    assert line.strip().startswith("PROBLEM") and "Traceback" not in result.stderr
