"""The front-end's wire protocol (hardware/PROTOCOL.md): frames, their bytes,
the test vectors, and a decoder that finds frames in whatever arrives.

hardware/protocol-vectors.json is made by ``build_vectors`` below and kept in
the repository; run this file as a script to write it again:

    .venv/bin/python tests/test_protocol.py
"""

from __future__ import annotations

import json
from dataclasses import fields, replace
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from station.sources.loadcell.protocol import (
    CHANNELS, COUNT_MAX, COUNT_MIN, MAX_FRAME_BYTES, MAX_PAYLOAD, MAX_SAMPLES_PER_FRAME, SYNC,
    Command, DecoderStats, FrameDecoder, Identity, Kind, MatEdgeFrame, Samples, Status,
    crc16_ccitt_false, encode)

VECTORS_PATH = Path(__file__).parents[1] / "hardware" / "protocol-vectors.json"
IDENTITY_TEXT = "jumpmat-frontend;fw=1.0.0;serial=E66118604B1F2A27;adc=ADS131M04"


def crc_bit_by_bit(data: bytes) -> int:
    """CRC-16/CCITT-FALSE the long way, one bit at a time: an implementation
    independent of the one under test."""
    crc = 0xFFFF
    for byte in data:
        crc ^= byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else crc << 1
            crc &= 0xFFFF
    return crc


def decode_all(stream: bytes) -> tuple[list, DecoderStats]:
    decoder = FrameDecoder()
    return decoder.feed(stream), decoder.stats


# --- Frames as JSON, and the vectors ----------------------------------------

def frame_to_json(frame) -> dict:
    kind = frame.kind if isinstance(frame, Command) else KIND_OF_TYPE[type(frame)]
    result = {"kind": Kind(kind).name}
    for field in fields(frame):
        value = getattr(frame, field.name)
        if field.name == "kind" or value is None:
            continue
        result[field.name] = value.tolist() if isinstance(value, np.ndarray) else value
    return result


def frame_from_json(data: dict):
    values = {key: value for key, value in data.items() if key != "kind"}
    kind = Kind[data["kind"]]
    if kind == Kind.SAMPLES:
        return Samples(**{**values, "counts": np.array(values["counts"], np.int32)})
    if kind >= Kind.IDENTIFY:
        return Command(kind=kind, **values)
    return TYPE_OF_KIND[kind](**values)


TYPE_OF_KIND = {Kind.SAMPLES: Samples, Kind.MAT_EDGE: MatEdgeFrame, Kind.STATUS: Status,
                Kind.IDENTITY: Identity}
KIND_OF_TYPE = {cls: kind for kind, cls in TYPE_OF_KIND.items()}


def samples(sequence: int, time_us: int, period_us: int, counts) -> Samples:
    return Samples(sequence, time_us, period_us, np.array(counts, np.int32))


def edge(sequence: int, time_us: int = 10_000, zone: int = 0, contact: bool = True) -> MatEdgeFrame:
    return MatEdgeFrame(sequence, time_us, zone, contact)


def status(sequence: int, time_us: int = 2_000_000) -> Status:
    return Status(sequence, time_us, 1000, 0, streaming=True, adc_fault=False)


def with_length(frame: bytes, length: int) -> bytes:
    """The frame with its length field changed and its CRC left as it was."""
    return frame[:6] + length.to_bytes(2, "little") + frame[8:]


def with_version(frame: bytes, version: int) -> bytes:
    """The frame as a device of another protocol version would send it,
    with a CRC that matches."""
    body = bytes([version]) + frame[3:-2]
    return SYNC + body + crc16_ccitt_false(body).to_bytes(2, "little")


def flip_bit(data: bytes, bit: int) -> bytes:
    corrupted = bytearray(data)
    corrupted[bit // 8] ^= 1 << (bit % 8)
    return bytes(corrupted)


def raw_frame(kind: int, sequence: int, payload: bytes) -> bytes:
    body = bytes([1, kind]) + sequence.to_bytes(2, "little") + len(payload).to_bytes(2, "little") + payload
    return SYNC + body + crc16_ccitt_false(body).to_bytes(2, "little")


def build_vectors() -> dict:
    typical_counts = [[412_000 + 9 * i, 398_500 - 4 * i, -12_750 + i, 405_250 + 2 * i] for i in range(10)]
    frame_vectors = [
        ("samples-2-at-1khz-extreme-counts",
         samples(0, 1_000_000, 1000, [[COUNT_MIN, COUNT_MAX, 0, -1], [1, -2, 65_536, -256]])),
        ("samples-10-at-1khz-typical", samples(1, 1_010_000, 1000, typical_counts)),
        ("samples-4-at-2khz-last-sequence-before-wrap-clock-wraps-in-frame",
         samples(65_535, 2**32 - 1000, 500, [[100, 200, 300, 400]] * 4)),
        ("samples-1-sync-bytes-inside-payload", samples(7, 0, 1000, [[0x015AA5, 0, 0, 0]])),
        ("mat-edge-front-contact", MatEdgeFrame(3, 123_456, 0, True)),
        ("mat-edge-back-open", MatEdgeFrame(4, 4_000_000_000, 1, False)),
        ("status-streaming-1khz", Status(5, 2_000_000, 1000, 0, streaming=True, adc_fault=False)),
        ("status-stopped-adc-fault-overflows",
         Status(6, 3_500_000, 2000, 70_000, streaming=False, adc_fault=True)),
        ("identity",
         Identity(7, "jumpmat-frontend", {"fw": "1.0.0", "serial": "E66118604B1F2A27", "adc": "ADS131M04"})),
        ("command-identify", Command(0, Kind.IDENTIFY)),
        ("command-set-rate-2000", Command(1, Kind.SET_RATE, 2000)),
        ("command-start", Command(2, Kind.START)),
        ("command-stop", Command(3, Kind.STOP)),
        ("command-set-rate-1000-wrapped-host-sequence", Command(0, Kind.SET_RATE, 1000)),
    ]
    one_sample = encode(samples(20, 20_000, 1000, [[1, 2, 3, 4]]))
    assert one_sample[6:8] == b"\x14\x00"  # length 20, which the corruptions below flip
    streams = [
        ("garbage-before-a-frame", [bytes.fromhex("00ff5aa513a5"), encode(edge(1))],
         [edge(1)], {"frames": 1, "discarded_bytes": 6}),
        ("crc-error-then-good-frame",
         [encode(edge(5)), flip_bit(encode(edge(6)), 8 * 8), encode(edge(7))],
         [edge(5), edge(7)], {"frames": 2, "crc_errors": 1, "discarded_bytes": 16, "lost_frames": 1}),
        ("wrong-version-then-good-frame", [with_version(encode(edge(8)), 2), encode(edge(9))],
         [edge(9)], {"frames": 1, "bad_versions": 1, "discarded_bytes": 16}),
        ("corrupted-length-does-not-swallow-the-frames-behind-it",
         [encode(status(19)), with_length(one_sample, 0x34), encode(edge(21)), encode(edge(22))],
         [status(19), edge(21), edge(22)],
         {"frames": 3, "crc_errors": 1, "discarded_bytes": 30, "lost_frames": 1}),
        ("length-over-the-limit", [with_length(one_sample, 0x414), encode(edge(21))],
         [edge(21)], {"frames": 1, "oversize": 1, "discarded_bytes": 30}),
        ("sequence-gap-of-3",
         [encode(samples(10, 50_000, 1000, [[5, 6, 7, 8]] * 2)),
          encode(samples(14, 58_000, 1000, [[9, 10, 11, 12]] * 2))],
         [samples(10, 50_000, 1000, [[5, 6, 7, 8]] * 2), samples(14, 58_000, 1000, [[9, 10, 11, 12]] * 2)],
         {"frames": 2, "lost_frames": 3}),
        ("sequence-wraps-from-65535-to-0-without-a-gap",
         [encode(status(65_534)), encode(edge(65_535)), encode(edge(0))],
         [status(65_534), edge(65_535), edge(0)], {"frames": 3}),
        ("duplicate-frame-is-counted-and-dropped",
         [encode(edge(50)), encode(edge(51)), encode(edge(51)), encode(edge(52))],
         [edge(50), edge(51), edge(52)], {"frames": 3, "duplicates": 1}),
        ("late-frame-is-counted-reordered-and-dropped-not-lost",
         [encode(edge(60)), encode(edge(62)), encode(edge(61)), encode(edge(63))],
         [edge(60), edge(62), edge(63)], {"frames": 3, "reordered": 1}),
        ("unknown-kind-is-counted-and-skipped",
         [encode(edge(40)), raw_frame(0x05, 41, b"\x01\x02"), encode(edge(42))],
         [edge(40), edge(42)], {"frames": 2, "unknown_kinds": 1}),
    ]
    zero_stats = {field.name: 0 for field in fields(DecoderStats)}
    return {
        "about": ("Test vectors for hardware/PROTOCOL.md. 'frames': one frame each, its fields "
                  "and its bytes. 'streams': bytes as they might reach the host, the frames a "
                  "host decodes from them and its counters afterwards."),
        "frames": [{"name": name, "frame": frame_to_json(frame), "hex": encode(frame).hex()}
                   for name, frame in frame_vectors],
        "streams": [{"name": name, "stream_hex": b"".join(pieces).hex(),
                     "expect": [frame_to_json(frame) for frame in expect],
                     "stats": {**zero_stats, **stats}}
                    for name, pieces, expect, stats in streams],
    }


def vectors_text(vectors: dict) -> str:
    """One vector per line: long, but each can be read and diffed alone."""
    def block(items: list) -> str:
        return "[\n" + ",\n".join("    " + json.dumps(item) for item in items) + "\n  ]"
    return (f'{{\n  "about": {json.dumps(vectors["about"])},\n'
            f'  "frames": {block(vectors["frames"])},\n'
            f'  "streams": {block(vectors["streams"])}\n}}\n')


VECTORS = json.loads(VECTORS_PATH.read_text(encoding="utf-8")) if VECTORS_PATH.exists() else None
FRAME_VECTORS = VECTORS["frames"] if VECTORS else []
STREAM_VECTORS = VECTORS["streams"] if VECTORS else []


# --- The CRC ------------------------------------------------------------------

def test_crc_of_the_standard_check_string_is_29b1():
    assert crc16_ccitt_false(b"123456789") == 0x29B1 == crc_bit_by_bit(b"123456789")


@given(st.binary(max_size=300))
def test_crc_agrees_with_a_bit_by_bit_loop(data):
    assert crc16_ccitt_false(data) == crc_bit_by_bit(data)


def test_every_vector_s_crc_checks_by_a_bit_by_bit_loop():
    for vector in FRAME_VECTORS:
        frame = bytes.fromhex(vector["hex"])
        assert crc_bit_by_bit(frame[2:-2]) == int.from_bytes(frame[-2:], "little"), vector["name"]


# --- Bytes spelled out by hand ------------------------------------------------

def test_a_start_command_is_sync_version_kind_sequence_length_crc():
    body = bytes([0x01, 0x82, 0x02, 0x00, 0x00, 0x00])
    by_hand = b"\xa5\x5a" + body + crc_bit_by_bit(body).to_bytes(2, "little")
    assert encode(Command(2, Kind.START)) == by_hand


def test_counts_are_little_endian_24_bit_twos_complement():
    counts = [[COUNT_MIN, COUNT_MAX, 0, -1], [1, -2, 65_536, -256]]
    words = b"".join((count & 0xFFFFFF).to_bytes(3, "little") for row in counts for count in row)
    head = (1_000_000).to_bytes(4, "little") + (1000).to_bytes(2, "little") + bytes([4, 2])
    assert encode(samples(0, 1_000_000, 1000, counts))[8:-2] == head + words
    assert words[:12] == bytes.fromhex("000080 ffff7f 000000 ffffff")


# --- The vectors --------------------------------------------------------------

def test_the_committed_vectors_are_the_ones_build_vectors_makes():
    assert VECTORS_PATH.read_text(encoding="utf-8") == vectors_text(build_vectors())


def test_the_vectors_cover_every_kind_both_extreme_counts_and_a_wrapped_sequence():
    kinds = {vector["frame"]["kind"] for vector in FRAME_VECTORS}
    counts = [count for vector in FRAME_VECTORS for row in vector["frame"].get("counts", []) for count in row]
    assert kinds == {kind.name for kind in Kind}
    assert {COUNT_MIN, COUNT_MAX} <= set(counts)
    assert any(vector["frame"]["sequence"] == 65_535 for vector in FRAME_VECTORS)


@pytest.mark.parametrize("vector", FRAME_VECTORS, ids=lambda vector: vector["name"])
def test_a_frame_vector_encodes_to_its_bytes(vector):
    assert encode(frame_from_json(vector["frame"])).hex() == vector["hex"]


@pytest.mark.parametrize("vector", FRAME_VECTORS, ids=lambda vector: vector["name"])
def test_a_frame_vector_s_bytes_decode_to_its_frame(vector):
    frames, stats = decode_all(bytes.fromhex(vector["hex"]))
    assert [frame_to_json(frame) for frame in frames] == [vector["frame"]]
    assert stats == DecoderStats(frames=1)


@pytest.mark.parametrize("vector", STREAM_VECTORS, ids=lambda vector: vector["name"])
def test_a_stream_vector_decodes_to_its_frames_and_counters(vector):
    frames, stats = decode_all(bytes.fromhex(vector["stream_hex"]))
    assert [frame_to_json(frame) for frame in frames] == vector["expect"]
    assert stats == DecoderStats(**vector["stats"])


@given(st.data())
def test_a_stream_vector_decodes_the_same_however_it_is_chunked(data):
    vector = data.draw(st.sampled_from(STREAM_VECTORS))
    stream = bytes.fromhex(vector["stream_hex"])
    cuts = sorted(data.draw(st.lists(st.integers(0, len(stream)), max_size=12)))
    decoder = FrameDecoder()
    frames = [frame for a, b in zip([0, *cuts], [*cuts, len(stream)]) for frame in decoder.feed(stream[a:b])]
    assert [frame_to_json(frame) for frame in frames] == vector["expect"]
    assert decoder.stats == DecoderStats(**vector["stats"])


# --- Any frame, any garbage ---------------------------------------------------

SEQUENCES = st.integers(0, 65_535)
TIMES_US = st.integers(0, 2**32 - 1)
NAME_TEXT = st.text("abcdefghijklmnopqrstuvwxyz0123456789-_.", min_size=1, max_size=12)
VALUE_TEXT = st.text("".join(chr(code) for code in range(32, 127) if chr(code) != ";"), max_size=20)
COUNTS = arrays(np.int32, st.tuples(st.integers(1, MAX_SAMPLES_PER_FRAME), st.just(CHANNELS)),
                elements=st.integers(COUNT_MIN, COUNT_MAX))
FRAMES = st.one_of(
    st.builds(Samples, SEQUENCES, TIMES_US, st.integers(1, 65_535), COUNTS),
    st.builds(MatEdgeFrame, SEQUENCES, TIMES_US, st.integers(0, 1), st.booleans()),
    st.builds(Status, SEQUENCES, TIMES_US, st.integers(0, 65_535), TIMES_US, st.booleans(), st.booleans()),
    st.builds(Identity, SEQUENCES, NAME_TEXT, st.dictionaries(NAME_TEXT, VALUE_TEXT, max_size=5)),
    st.builds(Command, SEQUENCES, st.sampled_from([Kind.IDENTIFY, Kind.START, Kind.STOP])),
    st.builds(Command, SEQUENCES, st.just(Kind.SET_RATE), st.integers(0, 65_535)),
)


def pieces_of(frame: bytes) -> st.SearchStrategy[bytes]:
    """A frame cut short, or with one bit flipped: what a line really garbles.

    Not a frame short of only its last byte: that one passes one time in 256,
    and is then the frame itself (see the test of that limit below).
    """
    return st.one_of(st.integers(1, len(frame) - 2).map(lambda k: frame[:k]),
                     st.integers(0, 8 * len(frame) - 1).map(lambda bit: flip_bit(frame, bit)))


GARBAGE = st.lists(st.one_of(
    st.binary(max_size=40),
    st.sampled_from([SYNC, SYNC[:1], SYNC + b"\x01", SYNC + b"\x01\x01\x00\x00\xff\x03"]),
    FRAMES.map(encode).flatmap(pieces_of),
), max_size=4).map(b"".join)


@given(FRAMES)
def test_any_frame_decodes_back_to_itself(frame):
    frames, stats = decode_all(encode(frame))
    assert frames == [frame]
    assert stats == DecoderStats(frames=1)


@settings(max_examples=300)
@given(st.lists(st.one_of(st.binary(max_size=600), GARBAGE), max_size=8))
def test_random_bytes_never_raise_and_never_grow_the_buffer(chunks):
    decoder = FrameDecoder()
    for chunk in chunks:
        decoder.feed(chunk)
        assert decoder.buffered_bytes < MAX_FRAME_BYTES


@settings(max_examples=200)
@given(st.lists(st.tuples(GARBAGE, FRAMES), min_size=1, max_size=6), st.data())
def test_frames_with_garbage_between_them_are_all_recovered(garbage_and_frames, data):
    # One after the other, as a device numbers them (a frame just behind the
    # newest would be a duplicate or a late frame, and dropped).
    base = data.draw(SEQUENCES)
    garbage_and_frames = [(garbage, replace(frame, sequence=(base + i) % 65_536))
                          for i, (garbage, frame) in enumerate(garbage_and_frames)]
    wanted = [frame for _, frame in garbage_and_frames]
    # Zeros at the end let a false header in the last garbage reach its
    # claimed end and fail its CRC, as the live stream always would.
    stream = b"".join(garbage + encode(frame) for garbage, frame in garbage_and_frames)
    stream += bytes(MAX_FRAME_BYTES)
    cuts = sorted(data.draw(st.lists(st.integers(0, len(stream)), max_size=6)))
    decoder = FrameDecoder()
    frames = [frame for a, b in zip([0, *cuts], [*cuts, len(stream)]) for frame in decoder.feed(stream[a:b])]
    assert frames == wanted


EVERY_KIND_ONCE = [samples(100, 0, 1000, [[0x015AA5, -1, COUNT_MIN, COUNT_MAX]] * 10),
                   MatEdgeFrame(100, 5, 1, True), status(100),
                   Identity(100, "jumpmat-frontend", {"fw": "1.0.0"}), Command(100, Kind.SET_RATE, 2000)]


@pytest.mark.parametrize("frame", EVERY_KIND_ONCE, ids=lambda frame: type(frame).__name__)
def test_every_flipped_bit_is_caught_and_the_next_frame_still_decodes(frame):
    before, after = edge(99), edge(101)
    good = encode(frame)
    for bit in range(8 * len(good)):
        stream = encode(before) + flip_bit(good, bit) + encode(after) + bytes(MAX_FRAME_BYTES)
        frames, stats = decode_all(stream)
        assert frames == [before, after], f"bit {bit}"
        assert stats.lost_frames == 1, f"bit {bit}"


def test_a_frame_short_of_its_last_byte_passes_when_that_byte_was_a5_and_costs_the_next_frame():
    # The next frame's first byte, always A5, stands in for the missing CRC
    # byte: one frame in 256 has A5 there. The frame accepted is then the
    # true one (only its CRC was cut), and the next loses its sync.
    short = encode(edge(5, time_us=812))
    assert short[-1] == 0xA5
    frames, stats = decode_all(short[:-1] + encode(edge(6)) + encode(edge(7)))
    assert frames == [edge(5, time_us=812), edge(7)]
    assert stats.lost_frames == 1


def test_a_frame_fed_one_byte_at_a_time_comes_out_once_when_its_last_byte_arrives():
    frame = encode(status(3))
    decoder = FrameDecoder()
    outputs = [decoder.feed(frame[i:i + 1]) for i in range(len(frame))]
    assert outputs == [[]] * (len(frame) - 1) + [[status(3)]]
    assert decoder.buffered_bytes == 0


# --- Sequence numbers ---------------------------------------------------------

def test_the_sequence_wrapping_from_65535_to_0_is_not_a_gap():
    _, stats = decode_all(encode(edge(65_535)) + encode(edge(0)))
    assert stats.lost_frames == 0


def test_a_gap_across_the_wrap_counts_the_frames_missing():
    _, stats = decode_all(encode(edge(65_534)) + encode(edge(1)))
    assert stats.lost_frames == 2


def test_frames_after_a_gap_keep_their_own_device_time():
    frames, _ = decode_all(encode(samples(10, 50_000, 1000, [[1, 1, 1, 1]] * 10))
                           + encode(samples(12, 70_000, 1000, [[2, 2, 2, 2]] * 10)))
    assert [frame.device_time_us for frame in frames] == [50_000, 70_000]


# --- Payloads that pass the CRC but cannot be ---------------------------------

MALFORMED = [
    pytest.param(raw_frame(0x01, 1, b"\0\0\0\0\xe8\x03\x04\x00"), id="samples counting 0 samples"),
    pytest.param(raw_frame(0x01, 1, b"\0\0\0\0\xe8\x03\x03\x01" + bytes(9)), id="samples of 3 channels"),
    pytest.param(raw_frame(0x01, 1, b"\0\0\0\0\xe8\x03\x04\x02" + bytes(12)),
                 id="samples shorter than their count"),
    pytest.param(raw_frame(0x01, 1, b"\0\0\0\0\0\0\x04\x01" + bytes(12)), id="samples with no period"),
    pytest.param(raw_frame(0x02, 1, b"\0\0\0\0\x02\x01"), id="mat edge of zone 2"),
    pytest.param(raw_frame(0x02, 1, b"\0\0\0\0\x00\x07"), id="mat edge in state 7"),
    pytest.param(raw_frame(0x03, 1, bytes(10)), id="status a byte short"),
    pytest.param(raw_frame(0x04, 1, b"jumpmat-frontend;fw"), id="identity item without ="),
    pytest.param(raw_frame(0x04, 1, b"jumpmat-frontend;fw=\xff"), id="identity not ASCII"),
    pytest.param(raw_frame(0x04, 1, b""), id="identity without a name"),
    pytest.param(raw_frame(0x82, 1, b"\x00"), id="start with an argument"),
    pytest.param(raw_frame(0x84, 1, b"\xd0"), id="set rate a byte short"),
]


@pytest.mark.parametrize("frame", MALFORMED)
def test_a_malformed_payload_is_counted_and_rejected_like_a_crc_mismatch(frame):
    # Its sequence number is not believed: frame 1 counts as lost.
    frames, stats = decode_all(encode(edge(0)) + frame + encode(edge(2)))
    assert frames == [edge(0), edge(2)]
    assert stats == DecoderStats(frames=2, malformed=1, lost_frames=1, discarded_bytes=len(frame))


def test_a_false_sync_whose_crc_matches_by_chance_does_not_swallow_the_frames_it_covers():
    # A SYNC in the data, read as a SAMPLES header whose length reaches over
    # a good frame, and whose last two bytes happen to be its CRC (1 in 65 536).
    false_frame = raw_frame(0x01, 40_000, encode(edge(1)) + bytes(5))
    frames, stats = decode_all(encode(edge(0)) + false_frame + encode(edge(2)))
    assert frames == [edge(0), edge(1), edge(2)]
    assert stats.malformed == 1 and stats.lost_frames == 0


def test_status_flag_bits_a_later_firmware_may_use_are_ignored():
    frames, _ = decode_all(raw_frame(0x03, 1, bytes(10) + b"\xfd"))
    assert frames == [Status(1, 0, 0, 0, streaming=True, adc_fault=False)]


# --- Encoding refuses what the wire cannot carry ------------------------------

@pytest.mark.parametrize("count", [COUNT_MIN - 1, COUNT_MAX + 1, 2**31, -(2**40)])
def test_a_count_outside_24_bits_is_refused(count):
    with pytest.raises(ValueError, match="24-bit"):
        encode(Samples(0, 0, 1000, np.array([[0, 0, count, 0]], np.int64)))


@pytest.mark.parametrize("counts", [np.zeros((0, 4), np.int32), np.zeros((65, 4), np.int32),
                                    np.zeros((10, 3), np.int32), np.zeros(4, np.int32),
                                    np.zeros((10, 4), np.float64)],
                         ids=["no samples", "65 samples", "3 channels", "one dimension", "floats"])
def test_counts_must_be_1_to_64_rows_of_4_integers(counts):
    with pytest.raises(ValueError):
        encode(Samples(0, 0, 1000, counts))


@pytest.mark.parametrize("frame", [edge(65_536), edge(0, time_us=2**32), edge(0, zone=2),
                                   Status(0, 0, 70_000, 0, True, False), Status(0, 0, 1000, -1, True, False),
                                   Command(0, Kind.SET_RATE), Command(0, Kind.START, 1000),
                                   Command(0, Kind.SAMPLES), Identity(0, "a;b", {}),
                                   Identity(0, "name", {"k": "é"}),
                                   Identity(0, "name", {"long": "x" * MAX_PAYLOAD})],
                         ids=["sequence 65536", "time 2**32", "zone 2", "rate 70000", "overflows -1",
                              "set rate without a rate", "start with a rate", "a device kind as command",
                              "';' in a name", "a value not ASCII", "payload over 1024 bytes"])
def test_a_field_the_wire_cannot_carry_is_refused(frame):
    with pytest.raises(ValueError):
        encode(frame)


def test_the_largest_frames_fit():
    biggest = samples(0, 0, 500, np.full((MAX_SAMPLES_PER_FRAME, CHANNELS), COUNT_MIN))
    longest = Identity(1, "x", {"k": "v" * (MAX_PAYLOAD - len("x;k="))})
    frames, stats = decode_all(encode(biggest) + encode(longest))
    assert frames == [biggest, longest] and stats == DecoderStats(frames=2)
    assert len(encode(longest)) == MAX_FRAME_BYTES


# --- What the frames give their reader ----------------------------------------

def test_decoded_counts_are_read_only_int32_rows_of_four():
    (frame,), _ = decode_all(encode(samples(0, 0, 1000, [[1, -2, 3, -4]] * 10)))
    assert frame.counts.dtype == np.int32 and frame.counts.shape == (10, CHANNELS)
    assert not frame.counts.flags.writeable


def test_identity_gives_the_firmware_and_serial():
    (frame,), _ = decode_all(raw_frame(0x04, 0, IDENTITY_TEXT.encode("ascii")))
    assert (frame.name, frame.firmware, frame.serial) == ("jumpmat-frontend", "1.0.0", "E66118604B1F2A27")
    assert frame.fields["adc"] == "ADS131M04"


if __name__ == "__main__":
    VECTORS_PATH.write_text(vectors_text(build_vectors()), encoding="utf-8")
    print(f"wrote {VECTORS_PATH}")


DAMAGES = st.sampled_from(["intact", "duplicated", "flipped", "truncated", "huge-length", "late"])


@settings(max_examples=300)
@given(st.lists(st.tuples(FRAMES, DAMAGES, st.integers(0, 10_000)), min_size=1, max_size=12),
       st.data())
def test_a_damaged_stream_never_raises_and_gives_every_intact_frame_once_in_order(plan, data):
    """Bits flipped, frames cut short, huge lengths, frames repeated and
    frames arriving after a later one: no exception, every intact frame that
    arrives in order is recovered, the duplicates and late ones are counted
    as such (never as lost), and the buffer stays under one frame."""
    numbered = [(replace(frame, sequence=i), damage, where) for i, (frame, damage, where) in enumerate(plan)]
    arriving: list[tuple[bytes, object]] = []  # (bytes, the frame if intact)
    held = None  # a frame held back to arrive after the next one
    for frame, damage, where in numbered:
        raw = encode(frame)
        if damage == "flipped":
            arriving.append((flip_bit(raw, 16 + where % (8 * len(raw) - 16)), None))
        elif damage == "truncated":
            arriving.append((raw[:2 + where % (len(raw) - 3)], None))
        elif damage == "huge-length":
            arriving.append((with_length(raw, MAX_PAYLOAD + 1 + where), None))
        elif damage == "late" and held is None:
            held = (raw, frame)
            continue
        else:
            arriving.append((raw, frame))
            if damage == "duplicated":
                arriving.append((raw, frame))
        if held is not None:
            arriving.append(held)
            held = None
    if held is not None:
        arriving.append(held)
    expected, newest, seen, duplicates, late = [], -1, set(), 0, 0
    for _, frame in arriving:
        if frame is None:
            continue
        if frame.sequence > newest:
            expected.append(frame)
            newest = frame.sequence
        elif frame.sequence in seen:
            duplicates += 1
        else:
            late += 1
        seen.add(frame.sequence)
    stream = b"".join(raw for raw, _ in arriving) + bytes(MAX_FRAME_BYTES)
    cuts = sorted(data.draw(st.lists(st.integers(0, len(stream)), max_size=6)))
    decoder = FrameDecoder()
    frames = []
    for a, b in zip([0, *cuts], [*cuts, len(stream)]):
        frames += decoder.feed(stream[a:b])
        assert decoder.buffered_bytes < MAX_FRAME_BYTES
    assert frames == expected
    assert decoder.stats.duplicates == duplicates and decoder.stats.reordered == late
    assert 0 <= decoder.stats.lost_frames <= len(numbered)
