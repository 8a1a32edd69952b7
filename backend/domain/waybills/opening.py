"""Opening and closing waybills.

A waybill opens when a ticketed truck leaves its mine: at the out-gate (orders.gate calls
`open_for_order` inside its own transaction), or when the GPS pipeline sees the truck leave the
site fence with a completed order and no waybill yet, or when an enterprise system asks through
/open/v1. The unique order_id makes the three one waybill whatever their order.

The callers commit; opening flushes inside a savepoint so that losing a race costs nothing.
"""

from __future__ import annotations

import secrets
import uuid
from datetime import datetime, timedelta, timezone
from typing import Any

from redis.asyncio import Redis
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from backend.domain.contracts import service as contracts
from backend.domain.orders import service as orders
from backend.domain.sites import service as sites
from backend.domain.tracking import gps_events, positions
from backend.domain.tracking.zones import bump_world
from backend.domain.vehicles import service as vehicles
from backend.domain.waybills import errors
from backend.domain.waybills.models import Waybill
from backend.settings import Settings
from geo.corridor import straight_route
from geo.fences import FenceError, parse_fence
from geo.fences import fence_contains as contains
from geo.track import track_length_m

# Without a destination site, a fix this close to the destination point is the arrival.
ARRIVAL_RADIUS_M = 500.0
_CHINA = timezone(timedelta(hours=8))


def new_waybill_no(at: datetime) -> str:
    """YD + the China date + 8 random digits (unguessable: the number is no enumeration handle)."""
    return f"YD{at.astimezone(_CHINA):%Y%m%d}{secrets.randbelow(10**8):08d}"


def check_route(route: dict[str, Any]) -> dict[str, Any]:
    coords = route.get("coordinates") if isinstance(route, dict) else None
    if not isinstance(route, dict) or route.get("type") != "LineString" or not isinstance(coords, list) or len(coords) < 2:
        raise errors.bad_route("必须是至少两个点的 GeoJSON LineString", "it must be a GeoJSON LineString of 2+ positions")
    if len(coords) > 10_000:
        raise errors.bad_route("点数过多（至多 10000）", "too many positions (10,000 at most)")
    clean: list[list[float]] = []
    for c in coords:
        if (not isinstance(c, list | tuple) or len(c) < 2 or not all(isinstance(v, int | float) and not isinstance(v, bool)
                                                                      for v in c[:2])):
            raise errors.bad_route("每个点应为 [经度, 纬度]", "each position must be [lon, lat]")
        lon, lat = float(c[0]), float(c[1])
        if not (73.0 <= lon <= 135.5 and 3.0 <= lat <= 54.0):
            raise errors.bad_route(f"坐标 [{lon}, {lat}] 不在中国范围内（应为 [经度, 纬度]）",
                                   f"[{lon}, {lat}] is outside China (positions are [lon, lat])")
        clean.append([round(lon, 7), round(lat, 7)])
    return {"type": "LineString", "coordinates": clean}


async def by_order(session: AsyncSession, *, order_id: uuid.UUID) -> Waybill | None:
    return (await session.execute(select(Waybill).where(Waybill.order_id == order_id))).scalars().first()


async def _destination_site(session: AsyncSession, *, lon: float, lat: float) -> uuid.UUID | None:
    for site in await sites.active_sites(session):
        try:
            if contains(parse_fence(site.fence, min_area_m2=0.0, max_area_m2=1e12), lon=lon, lat=lat):
                return site.id
        except FenceError:
            continue
    return None


async def open_for_order(session: AsyncSession, *, redis: Redis, order_id: uuid.UUID, departed_at: datetime,
                         opened_by: str, route: dict[str, Any] | None = None,
                         width_m: float | None = None) -> Waybill | None:
    """The order's waybill, opened now if it has none; None when the order is not ticketed
    (completed) or has no truck. Flushes; the caller commits.

    `width_m`: the corridor's half-width each side of the route; callers with settings pass
    `gps_corridor_width_m` (or a planned width), those without (tests, tools) get its default."""
    # Imported here: weighing.service → weighing.tickets → orders.lane → orders.gate → waybills is
    # a cycle at import time (the gate opens waybills; waybills read the weighing's ticket).
    from backend.domain.weighing import service as weighing

    existing = await by_order(session, order_id=order_id)
    if existing is not None:
        return existing
    order = await orders.order_brief(session, order_id=order_id)
    if order is None or order.status != "completed" or order.vehicle_id is None or order.plate is None:
        return None
    destination = await contracts.contract_destination(session, contract_id=order.contract_id)
    origins = await sites.active_sites(session, site_ids={order.site_id})
    if destination is None:
        return None
    origin = origins[0] if origins else None
    start = (origin.centroid_lon, origin.centroid_lat) if origin else (destination.lon, destination.lat)
    vehicle = (await vehicles.briefs_by_id(session, vehicle_ids={order.vehicle_id})).get(order.vehicle_id)
    waybill = Waybill(
        waybill_no=new_waybill_no(departed_at), order_id=order.id, order_no=order.order_no,
        ticket_no=await weighing.valid_ticket_no(session, order_id=order.id), vehicle_id=order.vehicle_id,
        plate=order.plate, driver_id=order.driver_id, driver_user_id=order.driver_user_id,
        carrier_org_id=(vehicle.carrier_org_id if vehicle and vehicle.carrier_org_id else order.carrier_org_id),
        seller_org_id=order.seller_org_id, buyer_org_id=order.buyer_org_id, origin_site_id=order.site_id,
        region_code=origin.region_code if origin else order.region_code, destination_name=destination.name,
        destination_lon=destination.lon, destination_lat=destination.lat,
        destination_site_id=await _destination_site(session, lon=destination.lon, lat=destination.lat),
        route=route or straight_route(start, (destination.lon, destination.lat)), route_planned=route is not None,
        corridor_width_m=float(width_m or Settings.gps_corridor_width_m), status="open", opened_by=opened_by,
        departed_at=departed_at,
    )
    try:
        async with session.begin_nested():
            session.add(waybill)
            await session.flush()
    except IntegrityError:  # the gate and the GPS worker opened it at the same time: one waybill
        return await by_order(session, order_id=order_id)
    # Events of the vehicle since it left (its site_exit, maybe already stored) belong to the load.
    await gps_events.attach(session, vehicle_id=waybill.vehicle_id, waybill_id=waybill.id,
                            since=departed_at - timedelta(minutes=5))
    await bump_world(redis)
    return waybill


async def _measure(session: AsyncSession, w: Waybill, end: datetime) -> None:
    track = await positions.track(session, vehicle_id=w.vehicle_id, start=w.departed_at, end=end)
    w.distance_m = round(track_length_m([(p.lon, p.lat) for p in track]), 1)
    w.duration_s = max(0, int((end - w.departed_at).total_seconds()))


async def arrive(session: AsyncSession, *, redis: Redis, waybill: Waybill, at: datetime) -> None:
    """open → arrived at `at` (the fix that reached the destination); distance and duration kept."""
    if waybill.status != "open":
        return
    waybill.status = "arrived"
    waybill.arrived_at = max(at, waybill.departed_at)
    await _measure(session, waybill, waybill.arrived_at)
    await session.flush()
    await bump_world(redis)


async def receive(session: AsyncSession, *, redis: Redis, waybill: Waybill, net_kg: int, weighed_at: datetime) -> None:
    """The consignee weighed the load: received (an arrival not seen by GPS is set to the weighing)."""
    if waybill.status == "received":
        raise errors.already_received()
    if waybill.status == "cancelled":
        raise errors.cancelled()
    if waybill.status == "open":
        waybill.arrived_at = max(weighed_at, waybill.departed_at)
        await _measure(session, waybill, waybill.arrived_at)
    waybill.status = "received"
    waybill.received_net_kg = net_kg
    waybill.received_at = weighed_at
    await session.flush()
    await bump_world(redis)
