"""What a processed GPS batch means for waybills, alerts and stored events.

The GPS worker calls `apply_batch` inside the batch's one transaction (positions and states are
written beside it), so events, alerts, opened and closed waybills commit together or not at all.
Events are stored idempotently (tracking.gps_events): a replayed batch raises no second alert.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

from redis.asyncio import Redis
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.domain.alerts import service as alerts
from backend.domain.alerts.schemas import AlertRaise
from backend.domain.orders import service as orders
from backend.domain.sites.schemas import SiteShape
from backend.domain.tracking import service as tracking
from backend.domain.tracking.schemas import StoredEvent
from backend.domain.tracking.service import at
from backend.domain.vehicles import service as vehicles
from backend.domain.waybills import opening
from backend.domain.waybills.models import Waybill
from backend.domain.waybills.schemas import WaybillStatus
from geo.pipeline import model as m
from geo.pipeline.geodesy import distance_m
from geo.position import Position

# A site exit opens a waybill for an order completed at most this long before (a stale order of
# last week, never carried out through a gate, is not this trip).
TICKET_FRESH = timedelta(hours=12)
ALERTING = alerts.codes(alerts.Source.GPS)


async def open_waybills(session: AsyncSession, *, vehicle_ids: set[uuid.UUID]) -> dict[uuid.UUID, Waybill]:
    if not vehicle_ids:
        return {}
    rows = (await session.execute(select(Waybill).where(Waybill.vehicle_id.in_(vehicle_ids), Waybill.status == WaybillStatus.OPEN)
                                  .order_by(Waybill.departed_at))).scalars()
    return {w.vehicle_id: w for w in rows}  # the newest wins


async def _alert(session: AsyncSession, e: StoredEvent, *, site: SiteShape | None, waybill: Waybill | None,
                 carrier_org_id: uuid.UUID | None) -> None:
    code = f"gps_{e.kind}"
    if code not in ALERTING:  # the other events (enter, exit, returns) are only stored
        return
    if e.kind == m.EXIT_NOT_DESIGNATED and site is not None:
        org_id, region, site_id = site.org_id, site.region_code, site.id
    elif waybill is not None:
        org_id = carrier_org_id or waybill.carrier_org_id or waybill.seller_org_id
        region, site_id = waybill.region_code, None
    else:
        return  # a truck on no load and outside every site: nobody's business yet (stored only)
    zh, en = tracking.text(e.kind, plate=e.plate, site=site.name if site else None, details=e.details)
    alert = await alerts.raise_alert(session, data=AlertRaise(
        kind=code, org_id=org_id, site_id=site_id, region_code=region,
        ref=f"gps_event:{e.id}", message_zh=zh, message_en=en, plate=e.plate,
        order_no=waybill.order_no if waybill else None, driver_user_id=waybill.driver_user_id if waybill else None,
        details={"eventId": str(e.id), "lon": e.lon, "lat": e.lat, "waybillNo": waybill.waybill_no if waybill else None,
                 **{k: v for k, v in e.details.items() if isinstance(v, str | int | float | bool) or v is None}},
    ), at=e.at)
    await tracking.set_alert(session, event_id=e.id, alert_id=alert.id)


async def _arrivals_by_point(session: AsyncSession, *, redis: Redis, kept: list[Position],
                             waybills: dict[uuid.UUID, Waybill]) -> None:
    """Waybills whose destination has no site fence arrive at the first fix within 500 m of it."""
    for p in sorted(kept, key=lambda q: q.fix_at_s):
        w = waybills.get(uuid.UUID(p.vehicle_id))
        if (w is None or w.status != WaybillStatus.OPEN or w.destination_site_id is not None or not p.valid
                or at(p.fix_at_s) < w.departed_at):
            continue
        if distance_m(p.lon, p.lat, w.destination_lon, w.destination_lat) <= opening.ARRIVAL_RADIUS_M:
            await opening.arrive(session, redis=redis, waybill=w, at=at(p.fix_at_s))


async def apply_batch(session: AsyncSession, *, redis: Redis, kept: list[Position], events: list[m.Event],
                      sites: dict[str, SiteShape], width_m: float) -> list[StoredEvent]:
    """Store the batch's events and act on them; returns the events stored now. Flushes only.
    `width_m`: the corridor half-width of the waybills a site exit opens (settings)."""
    vehicle_ids = {uuid.UUID(p.vehicle_id) for p in kept} | {uuid.UUID(e.vehicle_id) for e in events}
    infos = await vehicles.briefs_by_id(session, vehicle_ids=vehicle_ids)
    waybills = await open_waybills(session, vehicle_ids=vehicle_ids)
    plates = {str(v): i.plate for v, i in infos.items()}
    stored = await tracking.store(session, events=events, plates=plates,
                                    waybill_of={str(v): w.id for v, w in waybills.items()})
    for e in stored:
        site = sites.get(str(e.site_id)) if e.site_id else None
        waybill = waybills.get(e.vehicle_id)
        if e.kind == m.SITE_EXIT and site is not None and waybill is None:
            order_id = await orders.completed_order_at(session, vehicle_id=e.vehicle_id, site_id=site.id,
                                                       since=e.at - TICKET_FRESH)
            if order_id is not None:
                opened = await opening.open_for_order(session, redis=redis, order_id=order_id, departed_at=e.at,
                                                      opened_by="gps", width_m=width_m)
                if opened is not None and opened.status == WaybillStatus.OPEN:
                    waybills[e.vehicle_id] = opened
        elif e.kind == m.SITE_ENTER and waybill is not None and waybill.destination_site_id == e.site_id:
            await opening.arrive(session, redis=redis, waybill=waybill, at=e.at)
        elif e.kind == m.SIGNAL_GAP_WITHDRAWN:
            for gap in await tracking.withdraw_gap(session, vehicle_id=e.vehicle_id, before=e.at):
                if gap.alert_id is not None:
                    await alerts.mark_handled(session, alert_id=gap.alert_id)
        info = infos.get(e.vehicle_id)
        await _alert(session, e, site=site, waybill=waybill, carrier_org_id=info.carrier_org_id if info else None)
    await _arrivals_by_point(session, redis=redis, kept=kept, waybills=waybills)
    return stored
