"""Tag ids, the serial and keyboard decoders, and the tap debouncer: pure, no devices."""

import re
from pathlib import Path

import pytest

from station.identity.config import IdentityConfig
from station.identity.debounce import TapDebouncer
from station.identity.evdev_reader import AutoKeyboardReader
from station.identity.keys import EV_KEY, KeyDecoder
from station.identity.serial_decoder import (
    ETX, STX, SerialTagDecoder, chronojump_line, rdm6300_checksum, rdm6300_frame)
from station.identity.tags import normalise_tag


@pytest.mark.parametrize("text, tag", [
    ("A2B1", "A2B1"), (" 00a2b1 ", "A2B1"), ("04:a2:b1", "4A2B1"), ("04-A2-B1", "4A2B1"),
    ("0010662339", "10662339"), ("0000", "0"), ("0", "0"), ("\t7f\n", "7F")])
def test_tag_ids_are_written_one_way(text, tag):
    assert normalise_tag(text) == tag


@pytest.mark.parametrize("text", ["", "   ", "hello!", "12.5", "Ö1", "1" * 25, "::"])
def test_text_that_is_no_tag_id_is_none(text):
    assert normalise_tag(text) is None


# -- RDM6300 frames -------------------------------------------------------------

def test_the_checksum_is_the_xor_of_the_five_bytes():
    # 0x04 ^ 0x00 ^ 0xA2 ^ 0xB1 ^ 0xC3 = 0xD4
    assert rdm6300_checksum(b"0400A2B1C3") == 0xD4
    assert rdm6300_frame("0400a2b1c3") == b"\x020400A2B1C3D4\x03"


def test_a_good_frame_gives_its_ten_digits_as_the_tag():
    decoder = SerialTagDecoder()
    assert decoder.feed(b"\x020400A2B1C3D4\x03", 0.0) == ["400A2B1C3"]
    assert decoder.counts.tags == 1 and decoder.counts.bad == 0


def test_frames_decode_the_same_however_the_bytes_are_split():
    stream = rdm6300_frame("0400A2B1C3") + rdm6300_frame("1A00000001")
    for cut in range(len(stream)):
        decoder = SerialTagDecoder()
        assert decoder.feed(stream[:cut], 0.0) + decoder.feed(stream[cut:], 0.01) == ["400A2B1C3", "1A00000001"]


def test_a_frame_with_a_wrong_checksum_is_ignored_and_counted():
    decoder = SerialTagDecoder()
    assert decoder.feed(b"\x020400A2B1C3D5\x03" + rdm6300_frame("0400A2B1C3"), 0.0) == ["400A2B1C3"]
    assert decoder.counts.checksum == 1


def test_a_truncated_frame_is_a_partial_read():
    decoder = SerialTagDecoder()
    # cut by the next STX, cut by its ETX, and one that simply stops
    assert decoder.feed(b"\x020400A2" + rdm6300_frame("0400A2B1C3") + b"\x020400A2B1\x03", 0.0) == ["400A2B1C3"]
    assert decoder.counts.partial == 2
    decoder.feed(b"\x020400", 1.0)
    decoder.flush(1.49)
    assert decoder.counts.partial == 2
    decoder.flush(1.5)
    assert decoder.counts.partial == 3
    assert decoder.feed(rdm6300_frame("0400A2B1C3"), 2.0) == ["400A2B1C3"]


def test_an_over_long_frame_or_line_is_ignored_and_counted():
    decoder = SerialTagDecoder()
    assert decoder.feed(bytes([STX]) + b"0" * 20 + bytes([ETX]), 0.0) == []
    assert decoder.feed(b"1" * 30 + b"\r\n", 0.0) == []
    assert decoder.feed(b"9" * 200 + b"\n" + b"A2B1\n", 0.0) == ["A2B1"]
    assert decoder.counts.overlong == 3


def test_a_frame_with_characters_that_are_not_hex_is_garbled():
    decoder = SerialTagDecoder()
    assert decoder.feed(b"\x020400A2B1CXD4\x03", 0.0) == []
    assert decoder.counts.garbled == 1


def test_line_readers_send_hex_or_decimal_with_any_line_end():
    decoder = SerialTagDecoder()
    assert decoder.feed(b"0010662339\r\n04a2b1\nA2B1\r\r\nnot a tag\n", 0.0) == ["10662339", "4A2B1", "A2B1"]
    assert decoder.counts.garbled == 1 and decoder.counts.tags == 3


def test_a_line_that_stops_is_a_partial_read():
    decoder = SerialTagDecoder()
    decoder.feed(b"00106", 0.0)                  # a card pulled away mid-read
    assert decoder.feed(b"0010662339\n", 0.6) == ["10662339"]
    assert decoder.counts.partial == 1


# -- Chronojump's RFID reader ------------------------------------------------------------

def test_chronojumps_line_gives_the_four_id_bytes_in_hex():
    assert chronojump_line(bytes([4, 162, 177, 195])) == b"s4,162,177,195,212e\r\n"
    decoder = SerialTagDecoder()
    assert decoder.feed(b"s4,162,177,195,212e\r\n", 0.0) == ["4A2B1C3"]
    assert decoder.feed(b"s0,0,0,1,1e\r\n", 0.0) == ["1"]
    assert decoder.counts.tags == 2 and decoder.counts.bad == 0


def test_a_chronojump_line_with_a_wrong_check_byte_is_ignored_and_counted():
    decoder = SerialTagDecoder()
    assert decoder.feed(b"s4,162,177,195,213e\r\n" + chronojump_line(b"\x01\x02\x03\x04"), 0.0) == ["1020304"]
    assert decoder.counts.checksum == 1


@pytest.mark.parametrize("line", [b"s4,162,177,195e", b"s4,162,177,195,212,0e", b"s4,162,177,300,212e",
                                  b"s4;162;177;195;212e", b"s,,,,e", b"s4,162,177,195,212"])
def test_a_chronojump_line_that_is_not_five_bytes_is_garbled(line):
    decoder = SerialTagDecoder()
    assert decoder.feed(line + b"\r\n", 0.0) == []
    assert decoder.counts.garbled == 1


def test_a_chronojump_line_cut_short_is_a_partial_read():
    decoder = SerialTagDecoder()
    decoder.feed(b"s4,162,1", 0.0)
    assert decoder.feed(chronojump_line(bytes([4, 162, 177, 195])), 0.6) == ["4A2B1C3"]
    assert decoder.counts.partial == 1


# -- keyboard readers ------------------------------------------------------------------

KEY = {"0": 11, "1": 2, "2": 3, "3": 4, "4": 5, "5": 6, "6": 7, "7": 8, "8": 9, "9": 10,
       "A": 30, "B": 48, "C": 46, "D": 32, "E": 18, "F": 33, "ENTER": 28}
EV_SYN, EV_MSC, MSC_SCAN = 0, 4, 4


def typed(text, start_s=0.0, key_s=0.004, shift=False):
    """The events a keyboard reader sends typing ``text`` then Enter, as
    evtest shows them: a scan code, the key down, a sync, the key up, a sync
    (with Shift held around letters when ``shift``)."""
    events, time_s = [], start_s
    for char in [*text, "ENTER"]:
        keys = [42, KEY[char]] if shift and char.isalpha() else [KEY[char]]
        for code in keys:
            events += [(EV_MSC, MSC_SCAN, 0x70000 + code, time_s), (EV_KEY, code, 1, time_s),
                       (EV_SYN, 0, 0, time_s)]
        for code in reversed(keys):
            events += [(EV_KEY, code, 0, time_s + key_s / 2), (EV_SYN, 0, 0, time_s + key_s / 2)]
        time_s += key_s
    return events


def decode(events):
    decoder = KeyDecoder()
    tags = [decoder.feed(*event) for event in events]
    return [tag for tag in tags if tag is not None], decoder.counts


def test_a_typed_decimal_id_and_enter_is_one_tag():
    tags, counts = decode(typed("0010662339"))
    assert tags == ["10662339"] and counts.tags == 1 and counts.bad == 0


def test_hex_typed_with_shift_and_the_keypad_enter():
    events = typed("04A2B1", shift=True)
    events = [(t, 96 if c == 28 else c, v, s) for t, c, v, s in events]
    assert decode(events)[0] == ["4A2B1"]


def test_auto_repeat_and_releases_are_not_keys():
    events = typed("12")
    events.insert(2, (EV_KEY, KEY["1"], 2, 0.001))   # the "1" held: an auto-repeat
    assert decode(events)[0] == ["12"]


def test_a_read_with_another_key_is_garbled():
    events = typed("12") [:3] + [(EV_KEY, 16, 1, 0.001)] + typed("34", start_s=0.002)   # a "q"
    tags, counts = decode(events)
    assert tags == [] and counts.garbled == 1


def test_keys_that_stop_before_enter_are_a_partial_read():
    events = [e for e in typed("1234") if e[1] != KEY["ENTER"]] + typed("5678", start_s=0.6)
    tags, counts = decode(events)
    assert tags == ["5678"] and counts.partial == 1


def test_an_over_long_read_is_counted():
    tags, counts = decode(typed("1" * 30))
    assert tags == [] and counts.overlong == 1


def test_two_reads_in_a_row_are_two_tags():
    assert decode(typed("0010662339") + typed("0004412345", start_s=0.1))[0] == ["10662339", "4412345"]


# -- key events as readers send them (tests/data/keyboard-readers) -------------------

READERS = Path(__file__).parent / "data" / "keyboard-readers"
EVENT = re.compile(r"Event: time (\d+\.\d+), (?:type (\d+) \(\w+\), code (\d+) \(\w+\), value (\w+)|-+ SYN_REPORT -+)$")


def evtest(name):
    """A reader's evtest output: its name, USB vendor and product, and its
    events as (type, code, value, time_s)."""
    text = (READERS / name).read_text(encoding="utf-8")
    ids = re.search(r"vendor 0x([0-9a-f]+) product 0x([0-9a-f]+)", text)
    device = re.search(r'Input device name: "(.*)"', text).group(1)
    events = []
    for line in text.splitlines():
        match = EVENT.match(line)
        if match is None:
            continue
        time_s, kind, code, value = match.groups()
        if kind is None:
            events.append((EV_SYN, 0, 0, float(time_s)))
        else:   # evtest prints a scan code's value in hex
            events.append((int(kind), int(code), int(value, 16 if int(kind) == EV_MSC else 10), float(time_s)))
    return device, int(ids.group(1), 16), int(ids.group(2), 16), events


def taps_of(events):
    decoder, debouncer, taps = KeyDecoder(), TapDebouncer(1.5), []
    for event in events:
        tag = decoder.feed(*event)
        if tag is not None and debouncer.is_new(tag, event[3]):
            taps.append(tag)
    return taps, decoder.counts


def test_a_decimal_reader_with_a_card_held_gives_two_reads_and_one_tap():
    _, _, _, events = evtest("em4100-decimal.evtest")
    assert decode(events)[0] == ["10662339", "10662339"]
    taps, counts = taps_of(events)
    assert taps == ["10662339"] and counts.tags == 2 and counts.bad == 0


def test_a_hex_reader_holding_shift_for_letters_gives_its_uid():
    _, _, _, events = evtest("mifare-hex-shift.evtest")
    taps, counts = taps_of(events)
    assert taps == ["4A2B1C3"] and counts.bad == 0


def test_auto_knows_a_reader_by_its_name_or_by_its_usb_id():
    defaults = IdentityConfig()
    auto = AutoKeyboardReader(defaults.auto_names, defaults.auto_usb_ids)
    sycreader, hid = evtest("em4100-decimal.evtest")[:3], evtest("mifare-hex-shift.evtest")[:3]
    assert auto.matches_device(*sycreader)
    assert AutoKeyboardReader(["id&ic"], []).matches_device(*sycreader)      # by its name alone
    assert not auto.matches_device(*hid) and not auto.matches_device("AT Translated Set 2 keyboard", 1, 1)
    assert AutoKeyboardReader(defaults.auto_names, ["0c27:3bfa"]).matches_device(*hid)


# -- one tap per card held ----------------------------------------------------------

def test_a_card_held_on_the_reader_is_one_tap():
    taps = TapDebouncer(1.5)
    assert [taps.is_new("A2B1", t / 10) for t in range(0, 60, 3)] == [True] + [False] * 19


def test_the_same_tag_after_the_window_is_a_new_tap_at_its_edge():
    taps = TapDebouncer(1.5)
    assert taps.is_new("A2B1", 10.0)
    assert not taps.is_new("A2B1", 11.4999)
    assert taps.is_new("A2B1", 12.9999 + 0.0001)   # 1.5 s after the previous read


def test_another_tag_is_a_new_tap_at_once():
    taps = TapDebouncer(1.5)
    assert taps.is_new("A", 0.0) and taps.is_new("B", 0.1) and taps.is_new("A", 0.2)
