import os
import sys
from pathlib import Path

# Test helpers (like mat_script) import as plain modules.
sys.path.insert(0, str(Path(__file__).parent))

import pytest
from hypothesis import settings

# Property tests draw the same examples on every run, so the suite never
# fails by chance: a CRC-16 matches random bytes 1 time in 65 536, which a
# fresh random search finds now and then. HYPOTHESIS_PROFILE=explore draws
# new examples (run it when changing a property or what it tests).
settings.register_profile("repeatable", derandomize=True)
settings.register_profile("explore", derandomize=False)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repeatable"))


@pytest.fixture(autouse=True, scope="session")
def data_dir_outside_home(tmp_path_factory):
    """No test, nor any station it starts, writes into the real data folder:
    the default one ($JUMPMAT_DATA_DIR) is a temporary folder."""
    previous = os.environ.get("JUMPMAT_DATA_DIR")
    os.environ["JUMPMAT_DATA_DIR"] = str(tmp_path_factory.mktemp("default-data"))
    yield
    if previous is None:
        del os.environ["JUMPMAT_DATA_DIR"]
    else:
        os.environ["JUMPMAT_DATA_DIR"] = previous


@pytest.fixture
def closing():
    """``closing(thing, "stop")`` hands ``thing`` back and calls its ``stop``
    (``close`` by default) after the test, whatever the test did."""
    things = []

    def register(thing, method="close"):
        things.append((thing, method))
        return thing

    yield register
    for thing, method in reversed(things):
        getattr(thing, method)()


@pytest.fixture
def no_default_factory():
    """gpiozero chooses its pin factory afresh, as on a computer it has never seen."""
    from gpiozero import Device
    saved = Device.pin_factory
    Device.pin_factory = None
    yield
    Device.pin_factory = saved


@pytest.fixture
def video(monkeypatch):
    """pygame on SDL's dummy drivers: no window, no sound card."""
    import pygame
    monkeypatch.setenv("SDL_VIDEODRIVER", "dummy")
    monkeypatch.setenv("SDL_AUDIODRIVER", "dummy")
    pygame.font.init()
    yield
    pygame.display.quit()


@pytest.fixture
def broker(tmp_path):
    """A real mosquitto on a free loopback port with its own config
    (tests/broker.py); skipped where mosquitto is not installed."""
    from broker import Broker, mosquitto_path
    if mosquitto_path() is None:
        pytest.skip("mosquitto is not installed (Debian package mosquitto); .ci/run installs it")
    running = Broker(tmp_path / "broker")
    yield running
    running.stop()
