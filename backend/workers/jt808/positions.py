"""JT/T 808 locations → `Position`s on the GPS stream (one entry per 0x0200 or 0x0704 message)."""

from __future__ import annotations

from redis.asyncio import Redis

from backend import clock
from geo.position import SOURCE_JT808, Position, encode_positions
from geo.protocols.jt808 import Location

STREAM_FIELD = b"p"


def to_position(location: Location, *, vehicle_id: str, phone: str, archive: bool, received_at_s: float) -> Position:
    mileage_km = location.extras.mileage_km
    return Position(
        vehicle_id=vehicle_id,
        fix_at_s=location.time.timestamp(),  # the codec already turned the GMT+8 BCD time into UTC
        lon=location.lon_deg,
        lat=location.lat_deg,
        speed_kmh=location.speed_kmh,
        course_deg=location.direction_deg,
        altitude_m=location.altitude_m,
        valid=location.fix_valid,
        source=SOURCE_JT808,
        archive=archive,
        received_at_s=received_at_s,
        alarm=int(location.alarm),
        status=int(location.status),
        mileage_m=None if mileage_km is None else round(mileage_km * 1000),
        satellites=location.extras.satellites,
        terminal=phone,
    )


def to_positions(
    locations: tuple[Location, ...] | list[Location], *, vehicle_id: str, phone: str, archive: bool = False,
) -> list[Position]:
    now_s = clock.now_s()
    return [to_position(loc, vehicle_id=vehicle_id, phone=phone, archive=archive, received_at_s=now_s)
            for loc in locations]


async def publish(redis: Redis, *, stream: str, positions: list[Position], maxlen: int) -> None:
    """One XADD; raises when Redis does not take it (the caller then withholds its 0x8001)."""
    await redis.xadd(stream, {STREAM_FIELD: encode_positions(positions)}, maxlen=maxlen, approximate=True)
