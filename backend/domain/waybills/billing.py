"""Closed waybills for the freight invoices that bill them (no access check: the invoices feature
decides who asks). A load is billable once it arrived or was received; what arrived is the
consignee's receipt, else the weigh ticket's net (a waybill closed by the fence has no receipt)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.domain.sites import service as sites
from backend.domain.waybills.models import Waybill
from backend.domain.waybills.schemas import BillableWaybill, WaybillStatus
from backend.domain.weighing import service as weighing

_CLOSED = (WaybillStatus.ARRIVED.value, WaybillStatus.RECEIVED.value)


async def _briefs(session: AsyncSession, rows: Iterable[Waybill]) -> list[BillableWaybill]:
    rows = list(rows)
    out = []
    briefs = {i: await sites.site_brief(session, site_id=i) for i in {w.origin_site_id for w in rows}}
    for w in rows:
        delivered = w.received_net_kg
        if delivered is None:
            ticket = await weighing.valid_ticket(session, order_id=w.order_id)
            delivered = ticket.net_kg if ticket is not None else None
        site = briefs.get(w.origin_site_id)
        out.append(
            BillableWaybill(
                id=w.id,
                waybill_no=w.waybill_no,
                order_id=w.order_id,
                order_no=w.order_no,
                plate=w.plate,
                status=w.status,
                carrier_org_id=w.carrier_org_id,
                seller_org_id=w.seller_org_id,
                buyer_org_id=w.buyer_org_id,
                driver_user_id=w.driver_user_id,
                region_code=w.region_code,
                origin_name=site.name if site else "",
                origin_region_code=site.region_code if site else w.region_code,
                destination_name=w.destination_name,
                departed_at=w.departed_at,
                distance_m=w.distance_m,
                delivered_kg=delivered,
            )
        )
    return out


async def closed_by_plates(
    session: AsyncSession, *, plates: set[str] | frozenset[str], start: datetime, end: datetime
) -> list[BillableWaybill]:
    """Closed waybills of these plates that departed in [start, end), oldest first."""
    if not plates:
        return []
    rows = await session.execute(
        select(Waybill)
        .where(
            Waybill.plate.in_(plates),
            Waybill.status.in_(_CLOSED),
            Waybill.departed_at >= start,
            Waybill.departed_at < end,
        )
        .order_by(Waybill.departed_at, Waybill.waybill_no)
        .limit(500)
    )
    return await _briefs(session, rows.scalars())


async def billable_by_ids(
    session: AsyncSession, *, waybill_ids: set[uuid.UUID]
) -> dict[uuid.UUID, BillableWaybill]:
    if not waybill_ids:
        return {}
    rows = await session.execute(select(Waybill).where(Waybill.id.in_(waybill_ids)))
    return {b.id: b for b in await _briefs(session, rows.scalars())}
