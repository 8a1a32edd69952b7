"""Waybills for readers (mine staff, regulators, drivers) and for enterprise systems (/open/v1).

Opening and closing live in `opening`; what the GPS worker does with a batch's events in `gps`.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from redis.asyncio import Redis
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.db.base import utcnow
from backend.domain.identity.schemas import Principal
from backend.domain.machines.schemas import MachineCaller
from backend.domain.orders import service as orders
from backend.domain.orders.schemas import OrderStatus
from backend.domain.parties.schemas import Standing
from backend.domain.tracking.service import world_changed
from backend.domain.waybills import errors, opening, receipts, views
from backend.domain.waybills.access import can_read, readable_filter
from backend.domain.waybills.billing import billable_by_ids, closed_by_plates
from backend.domain.waybills.gps import apply_batch, open_waybills
from backend.domain.waybills.live import mine_live, regulator_live
from backend.domain.waybills.models import Waybill
from backend.domain.waybills.phone import open_vehicle_of_driver, upload
from backend.domain.waybills.schemas import (
    OpenLoad,
    ReceivedLoad,
    WaybillCreate,
    WaybillDetail,
    WaybillOut,
    WaybillPage,
    WaybillReceipt,
    WaybillStatus,
)
from backend.domain.waybills.world import load_world
from backend.settings import Settings

__all__ = ["apply_batch", "billable_by_ids", "closed_by_plates", "create_by_machine", "current_for_driver", "departures_since", "get_waybill", "list_waybills",
    "load_world", "mine_live", "open_for_order", "open_loads", "open_vehicle_of_driver", "open_waybills", "receipt_by_machine", "received_loads", "regulator_live",
    "upload"]


async def list_waybills(session: AsyncSession, *, actor: Principal, reading_as: frozenset[Standing],
                        status: str | None = None, offset: int = 0, limit: int = 50) -> WaybillPage:
    """The waybills the actor sees in the standings `reading_as` (parties.schemas: AS_ORG_STAFF, …)."""
    where = [readable_filter(actor, reading_as=reading_as)]
    if status:
        where.append(Waybill.status == status)
    total = (await session.execute(select(func.count()).select_from(Waybill).where(*where))).scalar_one()
    rows = (await session.execute(select(Waybill).where(*where).order_by(Waybill.departed_at.desc(), Waybill.waybill_no)
                                  .offset(offset).limit(limit))).scalars()
    return WaybillPage(total=total, offset=offset, limit=limit, items=[views.waybill_out(w) for w in rows])


async def _by_no(session: AsyncSession, waybill_no: str) -> Waybill | None:
    return (await session.execute(select(Waybill).where(Waybill.waybill_no == waybill_no.strip().upper()))).scalars().first()


async def get_waybill(session: AsyncSession, *, actor: Principal, reading_as: frozenset[Standing],
                      waybill_no: str) -> WaybillDetail:
    w = await _by_no(session, waybill_no)
    if w is None or not can_read(actor, w, reading_as=reading_as):
        raise errors.waybill_not_found()
    return await views.detail(session, w)


async def current_for_driver(session: AsyncSession, *, actor: Principal) -> WaybillDetail:
    w = (await session.execute(select(Waybill).where(Waybill.driver_user_id == actor.user_id, Waybill.status == WaybillStatus.OPEN)
                               .order_by(Waybill.departed_at.desc()))).scalars().first()
    if w is None:
        raise errors.no_current_waybill()
    return await views.detail(session, w)


async def create_by_machine(session: AsyncSession, *, redis: Redis, machine: MachineCaller, data: WaybillCreate,
                            default_width_m: float) -> tuple[WaybillOut, bool]:
    """An enterprise system's waybill for its own ticketed order; (waybill, created). A waybill the
    gate or GPS opened already takes the planned route given here. `default_width_m` (settings) is
    the corridor half-width when the request sets none."""
    order_id = await orders.order_id_by_no(session, order_no=data.order_no)
    order = None if order_id is None else await orders.order_brief(session, order_id=order_id)
    if order is None or machine.org_id not in (order.seller_org_id, order.carrier_org_id):
        raise errors.order_not_found()
    if order.status != OrderStatus.COMPLETED:
        raise errors.order_not_ticketed()
    route = opening.check_route(data.route) if data.route is not None else None
    existing = await opening.by_order(session, order_id=order.id)
    if existing is not None:
        if existing.status == WaybillStatus.OPEN and (route is not None or data.width_m is not None):
            if route is not None:
                existing.route, existing.route_planned = route, True
            if data.width_m is not None:
                existing.corridor_width_m = float(data.width_m)
            world_changed(session, redis)
        return views.waybill_out(existing), False
    w = await opening.open_for_order(session, redis=redis, order_id=order.id, departed_at=utcnow(),
                                     opened_by="open_api", route=route, width_m=data.width_m or default_width_m)
    if w is None:
        raise errors.order_not_ticketed()
    return views.waybill_out(w), True


async def receipt_by_machine(session: AsyncSession, *, redis: Redis, settings: Settings, machine: MachineCaller,
                             waybill_no: str, data: WaybillReceipt) -> WaybillOut:
    """The consignee's weighing closes the waybill (received); only the buyer's keys may say so.
    What it shows against the mine's ticket, the truck's limit and the contract's price raises the
    trade alerts (receipts.check) in the same transaction."""
    w = await _by_no(session, waybill_no)
    if w is None or w.buyer_org_id != machine.org_id:
        raise errors.waybill_not_found()
    weighed_at = data.weighed_at
    if weighed_at.tzinfo is None:
        raise errors.bad_time()
    await opening.receive(session, redis=redis, waybill=w, net_kg=data.net_kg, weighed_at=weighed_at)
    await receipts.check(session, settings=settings, waybill=w, data=data, at=weighed_at)
    return views.waybill_out(w)


async def received_loads(session: AsyncSession, *, order_ids: set[uuid.UUID]) -> dict[uuid.UUID, ReceivedLoad]:
    """Each order's waybill and what the consignee's gate weighed (no access check: the caller has
    decided who asks)."""
    if not order_ids:
        return {}
    rows = (await session.execute(select(Waybill).where(Waybill.order_id.in_(order_ids)))).scalars()
    return {w.order_id: ReceivedLoad(order_id=w.order_id, waybill_no=w.waybill_no, status=w.status,
                                     received_net_kg=w.received_net_kg) for w in rows}


async def open_loads(session: AsyncSession) -> list[OpenLoad]:
    """Every open waybill's truck (for the device watchdog: one indexed query on status)."""
    rows = (await session.execute(select(Waybill).where(Waybill.status == WaybillStatus.OPEN))).scalars()
    return [OpenLoad(waybill_no=w.waybill_no, vehicle_id=w.vehicle_id, plate=w.plate, carrier_org_id=w.carrier_org_id,
                     seller_org_id=w.seller_org_id, origin_site_id=w.origin_site_id, region_code=w.region_code,
                     departed_at=w.departed_at) for w in rows]


async def departures_since(session: AsyncSession, *, site_id: uuid.UUID, since: datetime) -> list[str]:
    """The waybill numbers of loads that left `site_id` since `since` (its trucks seen on the road:
    a waybill opens at the gate, or from GPS when the truck crosses the fence)."""
    rows = await session.execute(select(Waybill.waybill_no).where(Waybill.origin_site_id == site_id,
                                                                  Waybill.departed_at >= since)
                                 .order_by(Waybill.departed_at).limit(20))
    return list(rows.scalars())


# For the gate (orders.gate): a ticketed truck passing the out-gate opens its waybill.
open_for_order = opening.open_for_order
