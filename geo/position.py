"""`Position`: one GNSS fix of one vehicle, whatever sent it (a JT/T 808 terminal or a driver's phone).

This is the one record that travels from the gateway and the phone endpoint through the Redis
stream into the pipeline and the store. It is a msgspec array-like Struct so that a stream entry
is a compact MessagePack array: a city's 5,000 fixes a second must cost little to carry.

Times are UTC epoch seconds (floats): cheap to compare in the hot loop; the store turns them into
aware datetimes. Coordinates are WGS-84 degrees, lon first as in shapely and GeoJSON.
"""

from __future__ import annotations

import msgspec

SOURCE_JT808 = "jt808"
SOURCE_PHONE = "phone"


class Position(msgspec.Struct, array_like=True, gc=False):
    vehicle_id: str  # the platform's vehicle UUID, as text
    fix_at_s: float  # when the fix was taken (UTC epoch s); a JT808 BCD time is GMT+8 on the wire
    lon: float
    lat: float
    speed_kmh: float = 0.0
    course_deg: int = 0  # 0 = north, clockwise
    altitude_m: int = 0
    valid: bool = True  # the receiver's own fix-valid flag (JT808 status bit 1)
    source: str = SOURCE_JT808  # jt808 | phone
    archive: bool = False  # a blind-area re-upload (0x0704 type 1): late by design, fills a gap
    received_at_s: float = 0.0  # when the platform got it (UTC epoch s)
    alarm: int = 0  # JT808 alarm bits as sent
    status: int = 0  # JT808 status bits as sent
    mileage_m: int | None = None  # extra 0x01 (0.1 km on the wire)
    satellites: int | None = None  # extra 0x31
    accuracy_m: float | None = None  # phones report one; terminals do not
    terminal: str = ""  # the JT808 terminal phone (BCD id), or "" for a phone


_ENCODER = msgspec.msgpack.Encoder()
_DECODER = msgspec.msgpack.Decoder(list[Position])


def encode_positions(positions: list[Position]) -> bytes:
    """One Redis stream entry's payload (field `p`): a MessagePack array of positions."""
    return _ENCODER.encode(positions)


def decode_positions(raw: bytes) -> list[Position]:
    return _DECODER.decode(raw)
