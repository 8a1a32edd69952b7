"""0x0200 location body ↔ `Location`; also the items of a 0x0704 batch.

Body: alarm DWORD · status DWORD · lat DWORD · lon DWORD (1e-6°, unsigned; the hemisphere is in the
status bits) · altitude WORD m · speed WORD 0.1 km/h · direction WORD ° · time BCD[6] GMT+8 · then
extras `id BYTE, len BYTE, value` to the end.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from datetime import datetime

from geo.protocols.jt808.bcd import bcd_to_time, time_to_bcd
from geo.protocols.jt808.errors import FrameFormatError
from geo.protocols.jt808.extras import Extras, parse_extras
from geo.protocols.jt808.flags import Alarm, Status

BASIC = struct.Struct(">IIIIhHH6s")  # altitude read signed, as Traccar does: below sea level exists
MICRODEGREES_PER_DEG = 1_000_000


@dataclass(frozen=True, slots=True)
class Location:
    alarm: Alarm
    status: Status
    lat_deg: float  # negative in the south (status bit 2)
    lon_deg: float  # negative in the west (status bit 3)
    altitude_m: int
    speed_kmh: float  # wire unit 0.1 km/h
    direction_deg: int  # 0 = north, clockwise
    time: datetime  # UTC
    extras: Extras = field(default_factory=Extras)

    @property
    def acc_on(self) -> bool:
        return Status.ACC_ON in self.status

    @property
    def fix_valid(self) -> bool:
        return Status.FIX_VALID in self.status


def decode_location(body: bytes) -> Location:
    if len(body) < BASIC.size:
        raise FrameFormatError(f"location needs {BASIC.size} bytes, got {len(body)}", body)
    alarm, status, lat_u, lon_u, altitude_m, speed_dkmh, direction, time_raw = BASIC.unpack_from(body)
    lat_deg = lat_u / MICRODEGREES_PER_DEG * (-1 if status & Status.SOUTH else 1)
    lon_deg = lon_u / MICRODEGREES_PER_DEG * (-1 if status & Status.WEST else 1)
    return Location(
        alarm=Alarm(alarm),
        status=Status(status),
        lat_deg=lat_deg,
        lon_deg=lon_deg,
        altitude_m=altitude_m,
        speed_kmh=speed_dkmh / 10,
        direction_deg=direction,
        time=bcd_to_time(time_raw),
        extras=parse_extras(body[BASIC.size :]),
    )


def encode_location(location: Location) -> bytes:
    """The hemisphere bits are set from the signs of lat/lon, overriding `status`."""
    status = int(location.status) & ~(Status.SOUTH | Status.WEST)
    status |= Status.SOUTH if location.lat_deg < 0 else 0
    status |= Status.WEST if location.lon_deg < 0 else 0
    basic = BASIC.pack(
        int(location.alarm),
        status,
        round(abs(location.lat_deg) * MICRODEGREES_PER_DEG),
        round(abs(location.lon_deg) * MICRODEGREES_PER_DEG),
        location.altitude_m,
        round(location.speed_kmh * 10),
        location.direction_deg,
        time_to_bcd(location.time),
    )
    return basic + location.extras.encode()
