"""The front-end's firmware (hardware/firmware), run under CPython.

The firmware is MicroPython; here it runs on fakes of the modules only
MicroPython has (tests/fake_machine: ``machine``, ``utime``, ``micropython``)
with a fake ADS131M04 on its SPI bus, a pipe for the host's commands and a
byte buffer for what it sends. What it sends is read with the host's own
decoder, and checked against hardware/PROTOCOL.md and its test vectors.
"""

import binascii
import io
import json
import os
import random
import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).parents[1]
sys.path[:0] = [str(ROOT / "hardware" / "firmware"), str(Path(__file__).parent / "fake_machine")]

import machine  # noqa: E402  (the fake, from tests/fake_machine)
import micropython  # noqa: E402
import utime  # noqa: E402
from frontend import ads131m04, app, pico  # noqa: E402
from frontend.commands import ESCAPE, CommandParser  # noqa: E402
from frontend.framing import FrameWriter, crc16_ccitt_false  # noqa: E402
from frontend.samples import RING_SLOTS, counter_step  # noqa: E402
from frontend.usb_ids import device_descriptor  # noqa: E402

from station.sources.loadcell.protocol import (  # noqa: E402
    Command, FrameDecoder, Identity, Kind, MatEdgeFrame, Samples, Status, encode)

VECTORS = json.loads((ROOT / "hardware" / "protocol-vectors.json").read_text())["frames"]
DEVICE_VECTORS = [v for v in VECTORS if Kind[v["frame"]["kind"]] < 0x80]
COMMAND_VECTORS = [v for v in VECTORS if Kind[v["frame"]["kind"]] >= 0x80]
TICKS_PERIOD = 1 << 30
U32 = 1 << 32
#: The Pico has been up for a few seconds when the tests start it.
POWER_UP_US = 3_000_000
SERIAL = "e66118604b1f2a27"


# --- A fake ADS131M04 on the SPI bus ------------------------------------------

def word(value):
    """A 16-bit register or command value as the chip's 24-bit word."""
    return bytes([value >> 8, value & 0xFF, 0])


def adc_frame(counts, response=0x0500):
    """An ADS131M04 output frame: response word, four channels (24-bit two's
    complement, most significant byte first), CRC word."""
    data = word(response) + b"".join((count & 0xFFFFFF).to_bytes(3, "big") for count in counts)
    return data + word(binascii.crc_hqx(data, 0xFFFF))


class FakeADS131M04:
    """Answers frames as the chip does: a register read is answered in the
    next frame, and every frame carries the latest conversion, ``counts``."""

    RESET_REGISTERS = {0x00: 0x2400, 0x01: 0x0500, 0x02: 0x0510, 0x03: 0x0F0E, 0x04: 0x0000}

    def __init__(self):
        self.registers = dict(self.RESET_REGISTERS)
        self.writes = []
        self.counts = (0, 0, 0, 0)
        self.frames = 0
        self._response = 0x0500

    def exchange(self, tx):
        assert machine.Pin(pico.CS_PIN).level == 0, "a frame outside chip select"
        assert len(tx) == 18
        self.frames += 1
        command = (tx[0] << 8) | tx[1]
        response, self._response = self._response, self.registers[0x01]
        address = (command >> 7) & 0x3F
        if command & 0xE000 == 0x6000:  # WREG, one register
            value = (tx[3] << 8) | tx[4]
            self.registers[address] = value
            self.writes.append((address, value))
            self._response = 0x4000 | (address << 7)
        elif command & 0xE000 == 0xA000:  # RREG, one register
            self._response = self.registers[address]
        return adc_frame(self.counts, response)


# --- The board under test -------------------------------------------------------

class Board:
    """The firmware on a fake Pico, started a few seconds after power-up: the
    host's side of its USB port, its pins, and the converter on its bus
    (``chip``, or None for a board whose converter does not answer)."""

    def __init__(self, chip):
        machine.reset()
        if chip is not None:
            machine.attach(pico.SPI_BUS, chip)
        utime.set_us(POWER_UP_US)
        self.chip = chip
        read_fd, write_fd = os.pipe()
        self.usb_in = os.fdopen(read_fd, "rb", buffering=0)
        self._host_out = os.fdopen(write_fd, "wb", buffering=0)
        self.usb_out = io.BytesIO()
        self.front_end = pico.build(self.usb_in, self.usb_out)
        self.ready_us = utime.timer_us()
        self.decoder = FrameDecoder()
        self.drdy = machine.Pin(pico.DRDY_PIN)
        self.drdy.drive(1)  # the converter holds DRDY high until a sample is ready
        self.front_zone, self.back_zone = (machine.Pin(number) for number in pico.MAT_PINS)
        self._host_sequence = 0
        self._read_to = 0

    def close(self):
        self.usb_in.close()
        self._host_out.close()

    def send(self, kind, rate_hz=None, raw=None):
        """The host sends a command (or ``raw`` bytes); one turn of the loop."""
        if raw is None:
            raw = encode(Command(self._host_sequence, kind, rate_hz))
            self._host_sequence = (self._host_sequence + 1) % 65536
        self._host_out.write(raw)
        return self.step()

    def step(self):
        return self.front_end.step()

    def frames(self):
        """The frames sent since the last call, as the host decodes them."""
        data = self.usb_out.getvalue()
        frames = self.decoder.feed(data[self._read_to:])
        self._read_to = len(data)
        return frames

    def sample(self, counts, at_us):
        """The converter has a sample ready at ``at_us`` on the Pico's timer."""
        utime.set_us(at_us)
        self.chip.counts = counts
        self.drdy.drive(0)
        self.drdy.drive(1)

    def idle_until(self, timer_us):
        """Lets time pass to ``timer_us``, the loop turning every 2**28 µs."""
        while utime.timer_us() < timer_us:
            utime.set_us(min(utime.timer_us() + (1 << 28), timer_us))
            self.step()


@pytest.fixture
def chip():
    return FakeADS131M04()


@pytest.fixture
def board(chip):
    made = Board(chip)
    yield made
    made.close()


def of_type(frames, kind):
    return [frame for frame in frames if isinstance(frame, kind)]


def counts_of(frames):
    return np.concatenate([frame.counts for frame in of_type(frames, Samples)])


def streaming_at(board, rate_hz, start_us):
    """SET_RATE and START, as a host does, with the clock at ``start_us``."""
    board.idle_until(start_us)
    board.send(Kind.SET_RATE, rate_hz)
    board.send(Kind.START)
    board.frames()


# --- Frames: the device's vectors, bit for bit ----------------------------------

def build_vector(frame):
    writer = FrameWriter()
    writer.sequence = frame["sequence"]
    kind = Kind[frame["kind"]]
    if kind is Kind.SAMPLES:
        for index, counts in enumerate(frame["counts"]):
            writer.put_sample(index, adc_frame(counts))
        return bytes(writer.samples(frame["device_time_us"], frame["period_us"], len(frame["counts"])))
    if kind is Kind.MAT_EDGE:
        return bytes(writer.mat_edge(frame["device_time_us"], frame["zone"], frame["contact"]))
    if kind is Kind.STATUS:
        return bytes(writer.status(frame["device_time_us"], frame["rate_hz"], frame["overflows"],
                                   frame["streaming"], frame["adc_fault"]))
    text = ";".join([frame["name"]] + ["%s=%s" % item for item in frame["fields"].items()])
    return bytes(writer.identity(text))


def host_frame(frame):
    """The vector's fields as the host's frame object."""
    fields = {key: value for key, value in frame.items() if key != "kind"}
    kind = Kind[frame["kind"]]
    if kind is Kind.SAMPLES:
        return Samples(**{**fields, "counts": np.array(frame["counts"], np.int32)})
    return {Kind.MAT_EDGE: MatEdgeFrame, Kind.STATUS: Status, Kind.IDENTITY: Identity}[kind](**fields)


@pytest.mark.parametrize("vector", DEVICE_VECTORS, ids=[v["name"] for v in DEVICE_VECTORS])
def test_every_device_frame_vector_is_built_bit_for_bit(vector):
    assert build_vector(vector["frame"]).hex() == vector["hex"]


@pytest.mark.parametrize("vector", DEVICE_VECTORS, ids=[v["name"] for v in DEVICE_VECTORS])
def test_the_host_decodes_firmware_frames_to_the_vector_fields(vector):
    decoder = FrameDecoder()
    assert decoder.feed(build_vector(vector["frame"])) == [host_frame(vector["frame"])]
    assert decoder.stats.crc_errors == decoder.stats.malformed == 0


def test_the_crc_has_the_check_value_and_agrees_with_the_hosts():
    assert crc16_ccitt_false(b"123456789", 0, 9) == 0x29B1
    generator = random.Random(7)
    for length in (0, 1, 2, 255, 1032):
        data = bytes(generator.randrange(256) for _ in range(length))
        assert crc16_ccitt_false(data, 0, length) == binascii.crc_hqx(data, 0xFFFF)


def test_the_crc_covers_only_the_range_asked_for():
    data = b"\xa5\x5a123456789\x00\x00"
    assert crc16_ccitt_false(data, 2, 11) == 0x29B1


def test_the_sequence_counts_every_frame_and_wraps():
    writer = FrameWriter()
    writer.sequence = 65534
    sequences = [FrameDecoder().feed(bytes(writer.mat_edge(0, 0, True)))[0].sequence for _ in range(3)]
    assert sequences == [65534, 65535, 0]


def test_the_identity_names_the_board_by_its_unique_id():
    assert app.identity_text(bytes.fromhex("E66118604B1F2A27")) == (
        "jumpmat-frontend;fw=1.0.0;serial=" + SERIAL + ";adc=ADS131M04")


# --- Commands: finding them in the bytes ----------------------------------------

@pytest.mark.parametrize("vector", COMMAND_VECTORS, ids=[v["name"] for v in COMMAND_VECTORS])
def test_the_parser_accepts_every_host_command_vector(vector):
    frame = vector["frame"]
    (command,) = CommandParser().feed(bytes.fromhex(vector["hex"]))
    assert (command.kind, command.sequence) == (Kind[frame["kind"]], frame["sequence"])
    rate = frame.get("rate_hz")
    assert command.payload == (b"" if rate is None else rate.to_bytes(2, "little"))


def test_the_parser_finds_commands_byte_by_byte_after_garbage():
    stream = b"\x00\xa5\xa5" + b"".join(bytes.fromhex(v["hex"]) for v in COMMAND_VECTORS)
    parser = CommandParser()
    found = [item for byte in stream for item in parser.feed(bytes([byte]))]
    assert [command.kind for command in found] == [Kind[v["frame"]["kind"]] for v in COMMAND_VECTORS]


def test_a_corrupted_length_does_not_swallow_the_command_behind_it():
    start = bytearray(encode(Command(4, Kind.START)))
    start[6] = 0x34
    stop = encode(Command(5, Kind.STOP))
    (command,) = CommandParser().feed(bytes(start) + stop + bytes(0x34))
    assert (command.kind, command.sequence) == (Kind.STOP, 5)


def test_a_frame_with_a_bad_crc_is_not_a_command():
    stop = bytearray(encode(Command(5, Kind.STOP)))
    stop[-1] ^= 0x01
    assert CommandParser().feed(bytes(stop)) == []


def test_return_then_ctrl_c_between_frames_is_the_escape():
    assert CommandParser().feed(b"\r\x03") == [ESCAPE]


def test_return_then_ctrl_c_inside_a_frame_is_data():
    # A SET_RATE whose sequence bytes are 0D 03.
    assert CommandParser().feed(encode(Command(0x030D, Kind.SET_RATE, 1000)))[0].kind == Kind.SET_RATE
    assert CommandParser().feed(b"\x03\r") == []


# --- The main loop answering commands -------------------------------------------

def test_identify_is_answered_with_identity_then_status(board):
    board.send(Kind.IDENTIFY)
    identity, status = board.frames()
    assert identity == Identity(0, "jumpmat-frontend", {"fw": "1.0.0", "serial": SERIAL, "adc": "ADS131M04"})
    assert status == Status(1, board.ready_us, 1000, 0, streaming=False, adc_fault=False)


def test_start_is_answered_with_a_streaming_status_and_twice_changes_nothing(board):
    board.send(Kind.START)
    board.send(Kind.START)
    first, second = board.frames()
    assert first.streaming and second.streaming
    assert machine.Pin(pico.DRDY_PIN).irq_enabled


def test_set_rate_2000_streams_frames_of_20_samples_500_us_apart(board):
    board.send(Kind.SET_RATE, 2000)
    (status,) = board.frames()
    assert status.rate_hz == 2000 and not status.streaming
    board.send(Kind.START)
    board.frames()
    start_us = 10_000_000
    for index in range(40):
        board.sample((index, -index, 2 * index, -2 * index), start_us + 500 * index)
    board.step()
    first, second = of_type(board.frames(), Samples)
    assert (first.period_us, len(first.counts), first.device_time_us) == (500, 20, start_us)
    assert (second.period_us, len(second.counts), second.device_time_us) == (500, 20, start_us + 10_000)


def test_a_command_of_an_unknown_kind_is_answered_with_the_unchanged_status(board):
    unknown = bytearray(encode(Command(0, Kind.STOP)))
    unknown[3] = 0x85
    crc = binascii.crc_hqx(unknown[2:8], 0xFFFF)
    unknown[8:10] = crc.to_bytes(2, "little")
    board.send(None, raw=bytes(unknown))
    (status,) = board.frames()
    assert status == Status(0, board.ready_us, 1000, 0, streaming=False, adc_fault=False)


@pytest.mark.parametrize("payload", [b"\xdc\x05", b"\xd0\x07\x00", b""], ids=["1500 Hz", "3 bytes", "none"])
def test_a_rate_it_cannot_use_is_answered_with_the_unchanged_status(board, payload):
    head = bytes([0xA5, 0x5A, 1, 0x84, 0, 0, len(payload), 0]) + payload
    board.send(None, raw=head + binascii.crc_hqx(head[2:], 0xFFFF).to_bytes(2, "little"))
    (status,) = board.frames()
    assert status.rate_hz == 1000
    assert ads131m04.CLOCK not in [address for address, _ in board.chip.writes[3:]]


def test_a_device_frame_coming_back_is_an_echo_and_gets_no_answer(board):
    board.send(None, raw=encode(Status(0, 0, 1000, 0, streaming=False, adc_fault=False)))
    assert board.frames() == []


def test_stop_sends_the_samples_taken_then_a_status_as_the_last_frame(board):
    streaming_at(board, 1000, 20_000_000)
    for index in range(13):
        board.sample((1, 2, 3, 4), 20_001_000 + 1000 * index)
    board.send(Kind.STOP)
    *samples, status = board.frames()
    assert [len(frame.counts) for frame in samples] == [10, 3]
    assert samples[1].device_time_us == 20_011_000
    assert not status.streaming
    assert not machine.Pin(pico.DRDY_PIN).irq_enabled
    board.sample((1, 2, 3, 4), 20_020_000)
    board.step()
    assert board.frames() == []


def test_a_new_rate_starts_a_new_frame(board):
    streaming_at(board, 1000, 20_000_000)
    for index in range(5):
        board.sample((1, 2, 3, 4), 20_001_000 + 1000 * index)
    board.send(Kind.SET_RATE, 2000)
    for index in range(20):
        board.sample((1, 2, 3, 4), 20_010_000 + 500 * index)
    board.step()
    old, status, new = board.frames()
    assert (old.period_us, len(old.counts)) == (1000, 5)
    assert status.rate_hz == 2000 and status.streaming
    assert (new.period_us, len(new.counts), new.device_time_us) == (500, 20, 20_010_000)


def test_every_frame_is_numbered_with_no_gaps(board):
    board.send(Kind.IDENTIFY)
    streaming_at(board, 2000, 5_000_000)
    for index in range(200):
        board.sample((0, 0, 0, 0), 5_000_500 + 500 * index)
        board.step()
    board.send(Kind.STOP)
    board.frames()
    assert board.decoder.stats.lost_frames == 0
    assert board.decoder.stats.frames == 2 + 1 + 1 + 10 + 1  # IDENTIFY, SET_RATE, START, samples, STOP


def test_a_status_is_sent_once_a_second_while_streaming(board):
    streaming_at(board, 1000, 4_000_000)
    for index in range(3500):
        board.sample((0, 0, 0, 0), 4_001_000 + 1000 * index)
        board.step()
    statuses = of_type(board.frames(), Status)
    assert [status.device_time_us for status in statuses] == [5_000_000, 6_000_000, 7_000_000]
    assert all(status.streaming for status in statuses)


def test_no_status_comes_unasked_while_stopped(board):
    board.idle_until(POWER_UP_US + 5_000_000)
    assert board.frames() == []


# --- Samples: counts and device times -------------------------------------------

def test_samples_carry_the_converters_counts_negatives_included(board):
    streaming_at(board, 1000, 6_000_000)
    rows = [(-8388608, 8388607, 0, -1), (1, -2, 65536, -256)] * 5
    for index, row in enumerate(rows):
        board.sample(row, 6_000_000 + 1000 * index)
    board.step()
    (frame,) = board.frames()
    np.testing.assert_array_equal(frame.counts, rows)


@pytest.mark.parametrize("boundary_us", [1 << 30, 1 << 31, 3 << 30, 1 << 32, 5 << 30],
                         ids=["2^30", "2^31", "3x2^30", "2^32", "5x2^30"])
def test_device_time_is_the_timers_low_32_bits_across_every_wrap_of_ticks_us(board, boundary_us):
    start_us = boundary_us - 4_500
    streaming_at(board, 1000, start_us - 100_000)
    for index in range(20):
        board.sample((index, 0, 0, 0), start_us + 1000 * index)
    board.step()
    frames = of_type(board.frames(), Samples)
    assert [frame.device_time_us for frame in frames] == [start_us % U32, (start_us + 10_000) % U32]
    assert counts_of(frames)[:, 0].tolist() == list(range(20))


def test_a_frame_whose_sample_clock_wraps_is_the_vectors_frame(board):
    vector = next(v["frame"] for v in VECTORS if v["name"].startswith("samples-4-at-2khz"))
    streaming_at(board, 2000, vector["device_time_us"] - 50_000)
    for index, row in enumerate(vector["counts"]):
        board.sample(row, vector["device_time_us"] + vector["period_us"] * index)
    board.send(Kind.STOP)
    frame = of_type(board.frames(), Samples)[0]
    assert (frame.device_time_us, frame.period_us) == (vector["device_time_us"], vector["period_us"])
    np.testing.assert_array_equal(frame.counts, vector["counts"])


def test_a_hole_in_time_ends_the_frame_and_the_next_starts_at_its_own_time(board):
    streaming_at(board, 1000, 7_000_000)
    times_us = [7_000_000 + 1000 * index for index in list(range(4)) + list(range(7, 20))]
    for at_us in times_us:
        board.sample((0, 0, 0, 0), at_us)
    board.step()
    frames = of_type(board.frames(), Samples)
    assert [(frame.device_time_us, len(frame.counts)) for frame in frames] == [
        (7_000_000, 4), (7_007_000, 10)]


def test_a_late_interrupt_within_half_a_period_stays_in_the_frame(board):
    streaming_at(board, 2000, 7_000_000)
    for index in range(20):
        board.sample((0, 0, 0, 0), 7_000_000 + 500 * index + (240 if index == 9 else 0))
    board.step()
    (frame,) = of_type(board.frames(), Samples)
    assert len(frame.counts) == 20


def test_a_full_ring_drops_samples_and_counts_them_as_overflows(board):
    streaming_at(board, 1000, 8_000_000)
    held = RING_SLOTS - 1
    for index in range(held + 7):
        board.sample((index, 0, 0, 0), 8_000_000 + 1000 * index)
    board.step()
    board.sample((held + 7, 0, 0, 0), 8_000_000 + 1000 * (held + 7))
    board.send(Kind.STOP)
    frames = board.frames()
    samples = of_type(frames, Samples)
    assert counts_of(samples)[:, 0].tolist() == list(range(held)) + [held + 7]
    assert samples[-1].device_time_us == 8_000_000 + 1000 * (held + 7)
    assert frames[-1].overflows == 7


def test_the_interrupts_counters_are_read_across_their_wrap_at_2_30():
    assert counter_step(3, TICKS_PERIOD - 2) == 5


# --- The converter --------------------------------------------------------------

def test_the_converter_is_reset_then_given_the_documented_registers(board, chip):
    low_us, high_us = [at_us for at_us, level in machine.Pin(pico.SYNC_RESET_PIN).outputs[1:3]]
    assert high_us - low_us >= 250
    assert chip.writes == [(0x02, 0x0110), (0x04, 0x7777), (0x03, 0x0F16)]
    assert (chip.registers[0x02], chip.registers[0x03], chip.registers[0x04]) == (0x0110, 0x0F16, 0x7777)


def test_the_spi_bus_runs_in_mode_1_at_8_mhz(board):
    spi = board.front_end._adc._spi
    assert (spi.polarity, spi.phase, spi.baudrate, spi.bits) == (0, 1, 8_000_000, 8)


def test_set_rate_2000_writes_osr_2048_to_the_clock_register(board, chip):
    board.send(Kind.SET_RATE, 2000)
    assert chip.writes[-1] == (0x03, 0x0F12)


def test_drdy_is_a_hard_interrupt_on_the_falling_edge(board):
    board.send(Kind.START)
    irq = board.drdy._irq
    assert (irq.trigger, irq.hard) == (machine.Pin.IRQ_FALLING, True)


def test_each_drdy_reads_one_whole_frame(board, chip):
    streaming_at(board, 1000, 9_000_000)
    before = chip.frames
    board.sample((5, 6, 7, 8), 9_000_000)
    assert chip.frames == before + 1


def test_a_sample_left_waiting_while_stopped_is_read_and_dropped_at_start(board, chip):
    board.drdy.level = 0  # DRDY fell while stopped: no interrupt was listening
    before = chip.frames
    board.send(Kind.START)
    assert chip.frames == before + 1
    board.drdy.level = 1  # read, the converter raises DRDY
    board.sample((7, 7, 7, 7), 12_000_000)
    board.send(Kind.STOP)
    (frame,) = of_type(board.frames(), Samples)
    assert (frame.device_time_us, frame.counts.tolist()) == (12_000_000, [[7, 7, 7, 7]])


def test_a_converter_that_is_not_there_is_a_fault_from_the_start():
    board = Board(chip=None)
    try:
        board.send(Kind.IDENTIFY)
        assert board.frames()[-1].adc_fault
    finally:
        board.close()


def test_a_converter_that_stops_signalling_is_a_fault_until_it_signals_again(board):
    streaming_at(board, 1000, 9_000_000)
    board.sample((0, 0, 0, 0), 9_000_000)
    board.step()
    utime.set_us(9_050_000)
    board.send(Kind.IDENTIFY)
    assert not board.frames()[-1].adc_fault
    utime.set_us(9_101_000)
    board.step()
    board.send(Kind.IDENTIFY)
    assert board.frames()[-1].adc_fault
    board.sample((0, 0, 0, 0), 9_200_000)
    board.step()
    board.send(Kind.IDENTIFY)
    assert not board.frames()[-1].adc_fault


# --- The mat on the Pico's pins -------------------------------------------------

def test_mat_zones_are_pulled_up_inputs(board):
    assert [(zone.mode, zone.pull) for zone in (board.front_zone, board.back_zone)] == [
        (machine.Pin.IN, machine.Pin.PULL_UP)] * 2


def test_each_mat_edge_is_sent_with_its_own_time_and_zone(board):
    streaming_at(board, 1000, 11_000_000)
    utime.set_us(11_000_123)
    board.front_zone.drive(0)
    utime.set_us(11_000_456)
    board.back_zone.drive(0)
    utime.set_us(11_250_000)
    board.front_zone.drive(1)
    board.step()
    assert of_type(board.frames(), MatEdgeFrame) == [
        MatEdgeFrame(2, 11_000_123, 0, True), MatEdgeFrame(3, 11_000_456, 1, True),
        MatEdgeFrame(4, 11_250_000, 0, False)]


def test_a_pin_that_bounced_both_ways_before_the_interrupt_is_read_as_it_is(board):
    streaming_at(board, 1000, 11_000_000)
    board.front_zone.level = 0
    board.front_zone.interrupt(machine.Pin.IRQ_FALLING | machine.Pin.IRQ_RISING)
    board.step()
    (edge,) = of_type(board.frames(), MatEdgeFrame)
    assert edge.contact


def test_mat_edges_are_not_sent_while_stopped(board):
    board.front_zone.drive(0)
    board.step()
    assert board.frames() == []


def test_mat_edge_times_cross_the_2_32_wrap(board):
    streaming_at(board, 1000, U32 - 1_000)
    utime.set_us(U32 + 2_000)
    board.front_zone.drive(0)
    board.step()
    (edge,) = of_type(board.frames(), MatEdgeFrame)
    assert edge.device_time_us == 2_000


# --- Handing the port back, and the USB ids -------------------------------------

def test_the_escape_ends_the_loop_and_leaves_the_rest_for_the_repl(board):
    board.send(Kind.START)
    assert board.send(None, raw=b"\r\x03\r\x01") is False
    assert board.usb_in.read(2) == b"\r\x01"


def test_run_turns_ctrl_c_off_while_it_runs_and_back_on_after(board, monkeypatch):
    class Console:
        def __init__(self, stream):
            self.buffer = stream

    interrupt_chars = []
    step = app.FrontEnd.step

    def noting_ctrl_c(front_end):
        interrupt_chars.append(micropython.interrupt_char)
        return step(front_end)

    monkeypatch.setattr(app.FrontEnd, "step", noting_ctrl_c)
    read_fd, write_fd = os.pipe()
    with os.fdopen(read_fd, "rb", buffering=0) as usb_in, os.fdopen(write_fd, "wb", buffering=0) as host:
        monkeypatch.setattr(sys, "stdin", Console(usb_in))
        monkeypatch.setattr(sys, "stdout", Console(io.BytesIO()))
        host.write(encode(Command(3, Kind.START)) + b"\r\x03")
        pico.run()
    assert set(interrupt_chars) == {-1}
    assert micropython.interrupt_char == 3
    assert not machine.Pin(pico.DRDY_PIN).irq_enabled


def test_boot_shows_the_front_end_as_2e8a_000a_and_changes_nothing_else():
    machine.reset()
    exec(compile((ROOT / "hardware" / "firmware" / "boot.py").read_text(), "boot.py", "exec"), {})
    usb = machine.USBDevice()
    desc_dev, desc_cfg, strings = usb.configured
    builtin = machine.USBDevice.BUILTIN_DEFAULT
    assert desc_dev[8:12] == bytes.fromhex("8a2e0a00")
    assert desc_dev[:10] + desc_dev[12:] == builtin.desc_dev[:10] + builtin.desc_dev[12:]
    assert (desc_cfg, strings, usb.active()) == (builtin.desc_cfg, None, True)
    assert usb.builtin_driver is builtin


def test_the_descriptor_keeps_its_length():
    assert len(device_descriptor(bytes(18))) == 18
