"""The driver's phone as the truck's fallback tracker: batches of fixes into the GPS stream.

A driver uploads for a truck they drive: the truck of their open waybill (the default), of their
open pickup order, or one they own. Items are checked one by one and a bad one is named by its
index (`positions[3].lat`); accepted items enter the same stream as the terminals' fixes, marked
source="phone".
"""

from __future__ import annotations

import math
import uuid

from redis.asyncio import Redis
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.domain.identity.schemas import Principal
from backend.domain.orders import service as orders
from backend.domain.tracking import service as tracking
from backend.domain.tracking.schemas import PhoneAccepted, PhonePosition, PhoneUpload
from backend.domain.vehicles import service as vehicles
from backend.domain.waybills.models import Waybill
from backend.domain.waybills.schemas import WaybillStatus
from backend.settings import Settings
from geo.fences import LAT_MAX, LAT_MIN, LON_MAX, LON_MIN
from geo.position import SOURCE_PHONE, Position, encode_positions

# A phone's fix older than this is history, not tracking (the pipeline drops it anyway).
MAX_AGE_S = 7 * 86_400.0
MAX_AHEAD_S = 300.0


async def open_vehicle_of_driver(session: AsyncSession, *, user_id: uuid.UUID) -> uuid.UUID | None:
    """The truck of the driver's open waybill, if any (the phone uploads for it by default)."""
    return (await session.execute(select(Waybill.vehicle_id).where(
        Waybill.driver_user_id == user_id, Waybill.status == WaybillStatus.OPEN).order_by(Waybill.departed_at.desc()))).scalars().first()


async def _driven(session: AsyncSession, actor: Principal) -> list[uuid.UUID]:
    """The trucks this driver may upload for, the default first."""
    found: list[uuid.UUID] = []
    on_waybill = await open_vehicle_of_driver(session, user_id=actor.user_id)
    if on_waybill is not None:
        found.append(on_waybill)
    page = await orders.list_orders(session, actor=actor, mine_only=True, open_only=True, limit=20)
    for order in page.items:
        if order.plate:
            brief = await vehicles.brief_by_plate(session, plate=order.plate)
            if brief is not None and brief.id not in found:
                found.append(brief.id)
    if actor.driver_id is not None:
        for v in await vehicles.list_for_owner(session, owner_driver_id=actor.driver_id):
            if v.id not in found:
                found.append(v.id)
    return found


def _finite(value: float | None) -> bool:
    return value is None or math.isfinite(value)


def _check(i: int, item: PhonePosition, now_s: float) -> None:
    if item.fix_at.tzinfo is None:
        raise tracking.bad_position(i, "fixAt", "时间必须带时区（如 +08:00）", "the time must carry its UTC offset")
    fix_s = item.fix_at.timestamp()
    if fix_s > now_s + MAX_AHEAD_S or fix_s < now_s - MAX_AGE_S:
        raise tracking.bad_position(i, "fixAt", "时间不合理（在未来或超过 7 天前）", "the time is in the future or over 7 days old")
    for name, value in (("speedKmh", item.speed_kmh), ("courseDeg", item.course_deg),
                        ("accuracyM", item.accuracy_m), ("altitudeM", item.altitude_m)):
        if not _finite(value):
            raise tracking.bad_position(i, name, "必须是有限数值", "must be a finite number")
    if not (math.isfinite(item.lon) and LON_MIN <= item.lon <= LON_MAX):
        raise tracking.bad_position(i, "lon", "经度不在中国范围内（坐标顺序应为经度、纬度）", "longitude outside China (lon, lat order?)")
    if not (math.isfinite(item.lat) and LAT_MIN <= item.lat <= LAT_MAX):
        raise tracking.bad_position(i, "lat", "纬度不在中国范围内（坐标顺序应为经度、纬度）", "latitude outside China (lon, lat order?)")
    if item.speed_kmh is not None and not 0 <= item.speed_kmh <= 300:
        raise tracking.bad_position(i, "speedKmh", "速度应在 0–300 km/h", "speed must be 0-300 km/h")
    if item.course_deg is not None and not 0 <= item.course_deg <= 360:
        raise tracking.bad_position(i, "courseDeg", "方向应在 0–360°", "course must be 0-360°")
    if item.accuracy_m is not None and not 0 <= item.accuracy_m <= 100_000:
        raise tracking.bad_position(i, "accuracyM", "精度应在 0–100000 m", "accuracy must be 0-100,000 m")
    if item.altitude_m is not None and not -500 <= item.altitude_m <= 9_000:
        raise tracking.bad_position(i, "altitudeM", "海拔应在 -500–9000 m", "altitude must be -500-9,000 m")


async def upload(session: AsyncSession, *, redis: Redis, settings: Settings, actor: Principal, data: PhoneUpload,
                 now_s: float) -> PhoneAccepted:
    for i, item in enumerate(data.positions):
        _check(i, item, now_s)
    driven = await _driven(session, actor)
    if data.vehicle_id is not None:
        if data.vehicle_id not in driven:
            raise tracking.vehicle_not_driven()
        vehicle_id = data.vehicle_id
    elif driven:
        vehicle_id = driven[0]
    else:
        raise tracking.no_vehicle()
    batch = [
        Position(vehicle_id=str(vehicle_id), fix_at_s=item.fix_at.timestamp(), lon=item.lon, lat=item.lat,
                 speed_kmh=float(item.speed_kmh or 0.0), course_deg=int(item.course_deg or 0) % 360,
                 altitude_m=int(item.altitude_m or 0), valid=True, source=SOURCE_PHONE, received_at_s=now_s,
                 accuracy_m=item.accuracy_m)
        for item in data.positions
    ]
    await redis.xadd(settings.gps_stream, {"p": encode_positions(batch)})
    return PhoneAccepted(accepted=len(batch), vehicle_id=vehicle_id)
