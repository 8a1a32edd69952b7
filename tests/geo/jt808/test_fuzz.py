"""Random and mutated frames never raise anything but the codec's own FrameError (seeded, bounded)."""

from __future__ import annotations

import random

from geo.protocols.jt808 import FrameSplitter, decode_message
from geo.protocols.jt808.errors import FrameError
from geo.protocols.jt808.framing import checksum, escape, unescape
from tests.geo.jt808.conftest import VECTORS, wire_of

SEEDS = [wire_of(v) for v in VECTORS]


def decode_or_refuse(wire: bytes, strict: bool) -> None:
    try:
        decode_message(wire, strict=strict)
    except FrameError as refused:
        assert refused.code in {"format", "checksum", "length", "escape", "unsupported"}


def mutate(rng: random.Random, wire: bytes) -> bytes:
    content = bytearray(unescape(wire[1:-1]) if 0x7E not in wire[1:-1] else wire[1:-1])
    for _ in range(rng.randint(1, 4)):
        op = rng.randrange(4)
        if op == 0 and content:
            content[rng.randrange(len(content))] = rng.randrange(256)
        elif op == 1 and content:
            del content[rng.randrange(len(content)) :]
        elif op == 2:
            content.insert(rng.randrange(len(content) + 1), rng.randrange(256))
        elif content:
            del content[rng.randrange(len(content))]
    if content and rng.random() < 0.7:
        content[-1] = checksum(bytes(content[:-1]))  # fix the check so the body parsers get exercised
    return b"\x7e" + escape(bytes(content)) + b"\x7e"


def test_mutated_and_random_frames_only_raise_frame_error() -> None:
    rng = random.Random(20240808)
    splitter = FrameSplitter()
    for i in range(3000):
        if i % 3:
            wire = mutate(rng, rng.choice(SEEDS))
        else:
            wire = bytes(rng.randrange(256) for _ in range(rng.randrange(60)))
        decode_or_refuse(wire, strict=True)
        decode_or_refuse(wire, strict=False)
        for frame in splitter.feed(wire):
            decode_or_refuse(frame, strict=False)
