"""The stream splitter returns exactly the frames, whatever the TCP read boundaries and garbage."""

from __future__ import annotations

import random

from geo.protocols.jt808 import FrameSplitter, decode_message
from tests.geo.jt808.conftest import VECTORS, is_clean, wire_of

FRAMES = [wire_of(v) for v in VECTORS if is_clean(v)]
STREAM = b"".join(FRAMES)


def feed_all(splitter: FrameSplitter, chunks: list[bytes]) -> list[bytes]:
    return [frame for chunk in chunks for frame in splitter.feed(chunk)]


def test_one_read() -> None:
    assert FrameSplitter().feed(STREAM) == FRAMES


def test_split_at_every_byte_boundary() -> None:
    for cut in range(len(STREAM) + 1):
        assert feed_all(FrameSplitter(), [STREAM[:cut], STREAM[cut:]]) == FRAMES, cut


def test_byte_by_byte_and_random_chunks() -> None:
    assert feed_all(FrameSplitter(), [bytes([b]) for b in STREAM]) == FRAMES
    rng = random.Random(808)
    for _ in range(50):
        cuts = sorted(rng.sample(range(len(STREAM)), 20))
        chunks = [STREAM[a:b] for a, b in zip([0, *cuts], [*cuts, len(STREAM)], strict=True)]
        assert feed_all(FrameSplitter(), chunks) == FRAMES


def test_garbage_between_frames_is_skipped() -> None:
    rng = random.Random(7)
    noisy = b""
    for frame in FRAMES:
        # Garbage may hold flags and escapes: each stretch between flags fails its own check.
        garbage = bytes(
            rng.choice([0x7E, 0x7D, 0x00, 0x41, 0xFF, rng.randrange(256)]) for _ in range(rng.randrange(40))
        )
        noisy += garbage + frame
    splitter = FrameSplitter()
    got = feed_all(splitter, [noisy[i : i + 37] for i in range(0, len(noisy), 37)])
    assert got == FRAMES
    assert all(decode_message(frame) for frame in got)


def test_bad_checksum_frame_is_dropped_or_kept_by_flag() -> None:
    broken = [wire_of(v) for v in VECTORS if not is_clean(v)]
    splitter = FrameSplitter()
    assert splitter.feed(broken[0] + FRAMES[1]) == [FRAMES[1]]
    assert splitter.refused["checksum"] == 1
    assert FrameSplitter(verify_checksum=False).feed(broken[0] + FRAMES[1]) == [broken[0], FRAMES[1]]


def test_buffer_is_bounded() -> None:
    splitter = FrameSplitter(max_frame_bytes=200)
    assert splitter.feed(b"\x7e") == []
    for _ in range(100):
        assert splitter.feed(b"\x41" * 99) == []  # a flag, then no end in sight
        assert len(splitter._buffer) <= 200
    assert splitter.overflows > 0
    assert splitter.feed(FRAMES[0]) == [FRAMES[0]]
