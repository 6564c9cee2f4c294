"""Tag readers on real devices: a serial reader on a pseudo-terminal, a
keyboard reader through python-evdev's UInput where /dev/uinput exists."""

import os
import time
from pathlib import Path

import pytest

from station.errors import UserError
from station.identity.config import IdentityConfig
from station.identity.reader import TagReader, open_reader
from station.identity.serial_decoder import chronojump_line, rdm6300_frame
from station.identity.serial_reader import SerialTagPort


def wait_for(condition, timeout_s=30.0):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.01)
    raise AssertionError("timed out")


class Pty:
    """A pseudo-terminal whose far end a station opens by ``path``, a symlink
    as udev makes one, so it can be unplugged and plugged back in."""

    def __init__(self, folder: Path):
        self.path = folder / "tag-reader"
        self.master = None
        self.plug()

    def plug(self):
        self.master, slave = os.openpty()
        name = os.ttyname(slave)
        os.close(slave)
        if self.path.is_symlink():
            self.path.unlink()
        self.path.symlink_to(name)

    def unplug(self):
        os.close(self.master)
        self.master = None

    def send(self, data: bytes):
        os.write(self.master, data)

    def close(self):
        if self.master is not None:
            self.unplug()


@pytest.fixture
def pty(tmp_path, closing):
    return closing(Pty(tmp_path))


@pytest.fixture
def serial_reader(pty, closing):
    reader = closing(TagReader(SerialTagPort(str(pty.path)), same_tap_s=1.5).start())
    assert reader.wait_connected(30)
    return reader


def taps_until(reader, count):
    taps = []
    wait_for(lambda: taps.extend(reader.take()) or len(taps) >= count)
    return taps


def test_rdm6300_frames_on_a_serial_port_are_taps(pty, serial_reader):
    pty.send(rdm6300_frame("0400A2B1C3"))
    assert taps_until(serial_reader, 1) == ["400A2B1C3"]


def test_bad_frames_are_ignored_and_counted_on_the_wire(pty, serial_reader):
    pty.send(b"\x020400A2B1C3D5\x03")          # a wrong checksum
    pty.send(b"\x020400A2")                     # truncated: cut by the next frame
    pty.send(rdm6300_frame("1A00000001"))
    assert taps_until(serial_reader, 1) == ["1A00000001"]
    counts = serial_reader.counts
    assert (counts.checksum, counts.partial, counts.tags) == (1, 1, 1)


def test_a_card_held_on_the_reader_repeats_its_frame_and_is_one_tap(pty, serial_reader):
    for _ in range(8):
        pty.send(rdm6300_frame("0400A2B1C3"))
    pty.send(b"0010662339\r\n")                  # then another card: the marker that all was read
    assert taps_until(serial_reader, 2) == ["400A2B1C3", "10662339"]
    assert serial_reader.counts.tags == 9


def test_line_readers_send_hex_and_decimal_lines(pty, serial_reader):
    pty.send(b"0010662339\r\n04a2b1\n")
    assert taps_until(serial_reader, 2) == ["10662339", "4A2B1"]


def test_chronojumps_rfid_reader_on_a_serial_port_is_taps(pty, serial_reader):
    pty.send(b"s4,162,177,195,0e\r\n")           # a wrong check byte
    pty.send(chronojump_line(bytes([4, 162, 177, 195])))
    assert taps_until(serial_reader, 1) == ["4A2B1C3"]
    assert (serial_reader.counts.checksum, serial_reader.counts.tags) == (1, 1)


def test_a_reader_unplugged_and_plugged_back_works_again(pty, serial_reader):
    pty.send(rdm6300_frame("0400A2B1C3"))
    assert taps_until(serial_reader, 1) == ["400A2B1C3"]
    pty.unplug()
    wait_for(lambda: not serial_reader.connected)
    pty.plug()
    wait_for(lambda: serial_reader.connected)
    pty.send(rdm6300_frame("1A00000001"))
    assert taps_until(serial_reader, 1) == ["1A00000001"]
    assert serial_reader.reconnects == 1


def test_a_named_reader_that_is_not_there_is_a_problem_not_an_error(tmp_path, closing):
    reader = closing(open_reader(f"serial:{tmp_path / 'nothing'}", IdentityConfig()))
    wait_for(lambda: reader.problem)
    assert "plug it in" in reader.problem and reader.take() == []


def test_no_reader_is_none():
    assert open_reader("none", IdentityConfig()) is None
    assert open_reader(None, IdentityConfig(reader="none")) is None


def test_a_reader_spec_that_names_nothing_is_one_sentence():
    with pytest.raises(UserError, match='"auto", "none", "serial:PORT" or "evdev:PATH"'):
        open_reader("usb", IdentityConfig())


# -- keyboard readers through python-evdev -------------------------------------------

try:
    import evdev
except ImportError:   # python-evdev is a dependency on Linux only
    evdev = None
needs_uinput = pytest.mark.skipif(
    evdev is None or not os.access("/dev/uinput", os.W_OK),
    reason="python-evdev or a writable /dev/uinput is missing here (a container?), so no "
           "virtual keyboard can be made; the key decoding is tested everywhere")


@pytest.fixture
def keyboard(closing):
    from evdev import UInput, ecodes
    keys = [getattr(ecodes, f"KEY_{c}") for c in "0123456789ABCDEFQ"] + [ecodes.KEY_ENTER, ecodes.KEY_LEFTSHIFT]
    device = closing(UInput({ecodes.EV_KEY: keys}, name="Test RFID Reader", vendor=0xFFFF, product=0x0035))
    wait_for(lambda: device.device is not None and os.path.exists(device.device.path))
    return device


def type_on(keyboard, text):
    from evdev import ecodes
    for char in [*text, "ENTER"]:
        code = getattr(ecodes, f"KEY_{char}")
        keyboard.write(ecodes.EV_KEY, code, 1)
        keyboard.write(ecodes.EV_KEY, code, 0)
        keyboard.syn()


@needs_uinput
def test_a_keyboard_reader_types_a_tag_and_it_is_a_tap(keyboard, closing):
    from station.identity.evdev_reader import KeyboardTagReader
    reader = closing(TagReader(KeyboardTagReader(keyboard.device.path)).start())
    assert reader.wait_connected(30)
    type_on(keyboard, "0010662339")
    assert taps_until(reader, 1) == ["10662339"]


@needs_uinput
def test_a_grabbed_reader_keeps_its_keys_from_everyone_else(keyboard, closing):
    from station.identity.evdev_reader import KeyboardTagReader
    reader = closing(TagReader(KeyboardTagReader(keyboard.device.path)).start())
    assert reader.wait_connected(30)
    other = closing(evdev.InputDevice(keyboard.device.path))
    type_on(keyboard, "12")
    assert taps_until(reader, 1) == ["12"]
    assert other.read_one() is None   # nothing reached the other reader


@needs_uinput
def test_auto_finds_a_keyboard_reader_by_its_usb_id(keyboard, closing, tmp_path):
    from station.identity.evdev_reader import AutoKeyboardReader
    link = tmp_path / "usb-Test_RFID_Reader-event-kbd"
    link.symlink_to(keyboard.device.path)
    device = AutoKeyboardReader([], ["ffff:0035"], pattern=str(tmp_path / "*-event-kbd"))
    reader = closing(TagReader(device, quiet_when_missing=True).start())
    assert reader.wait_connected(30)
    type_on(keyboard, "A2B1")
    assert taps_until(reader, 1) == ["A2B1"]


@needs_uinput
def test_auto_finds_a_keyboard_reader_by_its_name(keyboard, closing, tmp_path):
    from station.identity.evdev_reader import AutoKeyboardReader
    link = tmp_path / "usb-Test_RFID_Reader-event-kbd"
    link.symlink_to(keyboard.device.path)
    device = AutoKeyboardReader(["rfid"], [], pattern=str(tmp_path / "*-event-kbd"))
    reader = closing(TagReader(device, quiet_when_missing=True).start())
    assert reader.wait_connected(30)
    type_on(keyboard, "0010662339")
    assert taps_until(reader, 1) == ["10662339"]


def test_auto_without_any_keyboard_reader_is_quietly_no_reader(tmp_path, closing):
    from station.identity.evdev_reader import AutoKeyboardReader
    device = AutoKeyboardReader(["rfid"], [], pattern=str(tmp_path / "*-event-kbd"))
    reader = closing(TagReader(device, quiet_when_missing=True).start())
    assert not reader.wait_connected(0.3)
    assert reader.problem is None and reader.take() == []
