"""encode → decode round trips for every message type, escaping, strict refusals, subpackages."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from geo.protocols.jt808 import (
    Alarm,
    Authentication,
    Empty,
    Extras,
    GeneralReply,
    Header,
    Location,
    LocationBatch,
    Payload,
    Reassembler,
    Registration,
    RegistrationReply,
    Status,
    TextMessage,
    decode_body,
    decode_frame,
    decode_message,
    encode_frame,
    encode_message,
)
from geo.protocols.jt808.errors import EscapeError, LengthError, SubpackageError
from geo.protocols.jt808.framing import escape, unescape

FIX = Location(
    alarm=Alarm.SOS | Alarm.AREA_IN_OUT,
    status=Status.ACC_ON | Status.FIX_VALID | Status.SOUTH | Status.WEST,
    lat_deg=-22.514880,
    lon_deg=-113.916508,
    altitude_m=-12,
    speed_kmh=61.3,
    direction_deg=359,
    time=datetime(2024, 10, 29, 13, 39, 3, tzinfo=UTC),
    extras=Extras(
        ((0x01, (1234).to_bytes(4, "big")), (0x12, bytes.fromhex("01000000070a")), (0xE3, b"\x7e\x7d"))
    ),
)

CASES: list[tuple[int, Payload]] = [
    (0x0001, GeneralReply(reply_seq=7, reply_msg_id=0x8300, result=0)),
    (0x8001, GeneralReply(reply_seq=0x7E7D, reply_msg_id=0x0200, result=4)),
    (0x0002, Empty()),
    (0x0003, Empty()),
    (0x0100, Registration(44, 303, "70111", "BSJ-M7B", "0000000", 1, "粤B88888", layout="2011")),
    (0x0100, Registration(32, 100, "70107", "HB-R03GBD", "2366104", 2, "苏BA6860", layout="2013")),
    (0x8100, RegistrationReply(reply_seq=5, result=0, auth_code="013511221122")),
    (0x8100, RegistrationReply(reply_seq=5, result=3)),
    (0x0102, Authentication("authentication")),
    (0x0200, FIX),
    (
        0x0704,
        LocationBatch(
            1,
            (FIX, replace(FIX, status=Status.ACC_ON, lat_deg=31.000562, lon_deg=121.451372, extras=Extras())),
        ),
    ),
    (0x8300, TextMessage(flags=0x08, text="请到3号磅")),
]


@pytest.mark.parametrize("version_2019", [False, True])
@pytest.mark.parametrize(("msg_id", "payload"), CASES)
def test_round_trip(msg_id: int, payload: Payload, version_2019: bool) -> None:
    if isinstance(payload, Registration) and version_2019:
        payload = replace(payload, layout="2019")
    if isinstance(payload, Authentication) and version_2019:
        payload = replace(payload, imei="866496077582164", software_version="V1.2.3")
    if isinstance(payload, TextMessage) and version_2019:
        payload = replace(payload, text_type=2)
    terminal_id = "00000000013912344329" if version_2019 else "013511221122"
    wire = encode_message(msg_id, payload, terminal_id=terminal_id, seq=0x7E, version_2019=version_2019)
    assert wire.count(0x7E) == 2  # the 0x7e in seq/extras went out escaped
    message = decode_message(wire)
    assert message.payload == payload
    assert (message.header.msg_id, message.header.terminal_id, message.header.seq) == (
        msg_id,
        terminal_id,
        0x7E,
    )
    assert message.header.version_2019 == version_2019


def test_2019_authentication_carries_imei_and_version() -> None:
    auth = Authentication("code", imei="866496077582164", software_version="V1.2.3")
    wire = encode_message(0x0102, auth, terminal_id="1", seq=1, version_2019=True)
    assert decode_message(wire).payload == auth
    assert TextMessage(0x08, "x").tts and not TextMessage(0x04, "x").tts


def test_escaping_matches_the_reference_example() -> None:
    # Traccar's FrameDecoder test: 7e307d02087d01557e → 7e307e087d557e.
    assert unescape(bytes.fromhex("307d02087d0155")) == bytes.fromhex("307e087d55")
    assert escape(bytes.fromhex("307e087d55")) == bytes.fromhex("307d02087d0155")
    for bad in (b"\x30\x7d", b"\x7d\x03", b"\x30\x7e"):
        with pytest.raises(EscapeError):
            unescape(bad)


def test_length_disagreement_alone_is_refused_in_strict_mode() -> None:
    good = encode_message(0x0002, Empty(), terminal_id="1", seq=1)
    content = bytearray(unescape(good[1:-1]))
    content[3] = 5  # claim a 5-byte body; fix the check byte so only the length is wrong
    content[-1] ^= 5
    wire = b"\x7e" + escape(bytes(content)) + b"\x7e"
    with pytest.raises(LengthError):
        decode_frame(wire)
    assert not decode_frame(wire, strict=False).body_len_valid


def test_subpackages_reassemble_in_any_order_and_expire() -> None:
    body = encode_message(0x0200, FIX, terminal_id="1", seq=1)  # any bytes will do as a long body
    parts = [body[i : i + 10] for i in range(0, len(body), 10)]
    total = len(parts)
    frames = [
        decode_frame(
            encode_frame(Header(0x0801, "1", 100 + i, 0, package_total=total, package_index=i + 1), p)
        )
        for i, p in enumerate(parts)
    ]
    joiner = Reassembler(timeout_s=30)
    results = [joiner.add(f, now_s=0.0) for f in reversed(frames)]
    assert results[:-1] == [None] * (total - 1)
    joined = results[-1]
    assert joined is not None and joined.body == body and not joined.header.subpackaged
    assert joined.header.seq == 100 and len(joiner) == 0
    assert joiner.add(frames[0], now_s=0.0) is None
    assert joiner.expire(now_s=10.0) == [] and len(joiner.expire(now_s=31.0)) == 1
    small = Reassembler(max_pending=1)
    small.add(frames[0], now_s=0.0)
    with pytest.raises(SubpackageError):
        small.add(replace(frames[0], header=replace(frames[0].header, terminal_id="2")), now_s=0.0)
    # A heartbeat is whole: it passes straight through and decodes.
    beat = decode_frame(encode_message(0x0002, Empty(), terminal_id="1", seq=1))
    assert joiner.add(beat, now_s=0.0) is beat and decode_body(beat) == Empty()
