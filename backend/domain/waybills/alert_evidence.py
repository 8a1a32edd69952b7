"""What the road holds that proves an alert (its evidence pack, backend/domain/alerts/packs.py).

The truck is the GPS event's vehicle (ref "gps_event:<id>"), else the order's, else the active truck
with the alert's plate. From it: its stored positions MEITONG_ALERT_PACK_POSITIONS_MIN minutes either
side of the alert (CSV and GeoJSON; a track shows where its driver was, so reading it is an audited
read of his personal data), the GPS event with the vehicle's other events in that window, the
waybill with its events, the corridor it was held to, and the site's fence with its gates.
Lives in waybills because only this top feature may read tracking, orders, vehicles and sites together.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.context import Context
from backend.domain.alerts import service as alerts
from backend.domain.alerts.schemas import AlertOut, PackFile
from backend.domain.audit.schemas import Subject
from backend.domain.contracts import service as contracts
from backend.domain.orders import service as orders
from backend.domain.sites import service as sites
from backend.domain.sites.schemas import SiteBrief
from backend.domain.tracking import service as tracking
from backend.domain.tracking.schemas import StoredEvent
from backend.domain.vehicles import service as vehicles
from backend.domain.waybills.models import Waybill


@dataclass(frozen=True, slots=True)
class _Truck:
    vehicle_id: uuid.UUID
    driver_user_id: uuid.UUID | None
    event: StoredEvent | None


async def _truck(session: AsyncSession, alert: AlertOut) -> _Truck | None:
    """The truck the alert is about, and who drove it (the event's waybill, else the order's driver)."""
    event_id = alerts.ref_id(alert, "gps_event")
    event = await tracking.event_by_id(session, event_id=event_id) if event_id else None
    order = None
    if alert.order_no:
        order_id = await orders.order_id_by_no(session, order_no=alert.order_no)
        order = await orders.order_brief(session, order_id=order_id) if order_id else None
    driver = order.driver_user_id if order else None
    if event is not None:
        trip = await session.get(Waybill, event.waybill_id) if event.waybill_id else None
        return _Truck(event.vehicle_id, trip.driver_user_id if trip and trip.driver_user_id else driver, event)
    if order is not None and order.vehicle_id is not None:
        return _Truck(order.vehicle_id, driver, None)
    if alert.plate:
        brief = await vehicles.brief_by_plate(session, plate=alert.plate)
        if brief is not None:
            return _Truck(brief.id, driver, None)
    return None


async def _waybill(session: AsyncSession, alert: AlertOut, truck: _Truck | None) -> Waybill | None:
    if truck is not None and truck.event is not None and truck.event.waybill_id is not None:
        return await session.get(Waybill, truck.event.waybill_id)
    number = alert.details.get("waybillNo")
    if isinstance(number, str) and number:
        return (await session.execute(select(Waybill).where(Waybill.waybill_no == number))).scalars().first()
    if alert.order_no:
        return (await session.execute(select(Waybill).where(Waybill.order_no == alert.order_no))).scalars().first()
    return None


def _window(ctx: Context, alert: AlertOut) -> tuple[Any, Any]:
    span = timedelta(minutes=ctx.settings.alert_pack_positions_min)
    return alert.raised_at - span, max(alert.raised_at, alert.last_seen_at) + span


def _event(e: StoredEvent) -> dict[str, Any]:
    return {"id": str(e.id), "kind": e.kind, "plate": e.plate, "at": e.at.isoformat(), "lon": e.lon, "lat": e.lat,
            "siteId": str(e.site_id) if e.site_id else None, "waybillId": str(e.waybill_id) if e.waybill_id else None,
            "details": e.details, "status": e.status}


@alerts.evidence_collector("positions")
async def positions(session: AsyncSession, ctx: Context, alert: AlertOut) -> list[PackFile]:
    truck = await _truck(session, alert)
    if truck is None:
        return []
    start, end = _window(ctx, alert)
    fixes = await tracking.track(session, vehicle_id=truck.vehicle_id, start=start, end=end, valid_only=False)
    personal = (Subject(user_id=truck.driver_user_id, region_code=alert.region_code, fields=("track",)),
                ) if truck.driver_user_id and fixes else ()
    rows = "".join(f"{tracking.at(p.fix_at_s).isoformat()},{p.lon:.6f},{p.lat:.6f},{p.speed_kmh:.1f},{p.course_deg},"
                   f"{int(p.valid)},{p.source},{int(p.archive)}\n" for p in fixes)
    csv = "fix_at,lon,lat,speed_kmh,course_deg,valid,source,archive\n" + rows
    line = {"type": "Feature", "geometry": {"type": "LineString", "coordinates": [[p.lon, p.lat] for p in fixes if p.valid]},
            "properties": {"plate": alert.plate, "vehicleId": str(truck.vehicle_id), "from": start.isoformat(),
                           "to": end.isoformat(), "fixes": len(fixes)}}
    return [PackFile(name="positions/positions.csv", data=csv.encode(), media_type="text/csv", personal=personal),
            alerts.json_file("positions/track.geojson", {"type": "FeatureCollection", "features": [line]},
                             personal=personal)]


@alerts.evidence_collector("gps_event")
async def gps_event(session: AsyncSession, ctx: Context, alert: AlertOut) -> list[PackFile]:
    truck = await _truck(session, alert)
    if truck is None or truck.event is None:
        return []
    start, end = _window(ctx, alert)
    around = await tracking.of_vehicle_between(session, vehicle_id=truck.vehicle_id, start=start, end=end)
    return [alerts.json_file("gps/event.json", {"event": _event(truck.event), "around": [_event(e) for e in around]})]


def _waybill_record(w: Waybill) -> dict[str, Any]:
    return {"waybillNo": w.waybill_no, "orderNo": w.order_no, "ticketNo": w.ticket_no, "plate": w.plate,
            "status": w.status, "openedBy": w.opened_by, "departedAt": w.departed_at.isoformat(),
            "arrivedAt": w.arrived_at.isoformat() if w.arrived_at else None,
            "receivedAt": w.received_at.isoformat() if w.received_at else None,
            "destination": {"name": w.destination_name, "lon": w.destination_lon, "lat": w.destination_lat},
            "distanceM": w.distance_m, "durationS": w.duration_s, "receivedNetKg": w.received_net_kg,
            "routePlanned": w.route_planned, "corridorWidthM": w.corridor_width_m}


@alerts.evidence_collector("waybill")
async def waybill(session: AsyncSession, ctx: Context, alert: AlertOut) -> list[PackFile]:
    w = await _waybill(session, alert, await _truck(session, alert))
    if w is None:
        return []
    events = await tracking.of_waybill(session, waybill_id=w.id)
    return [alerts.json_file(f"waybill/{w.waybill_no}.json", {"waybill": _waybill_record(w),
                                                              "events": [_event(e) for e in events]})]


@alerts.evidence_collector("corridor")
async def corridor(session: AsyncSession, ctx: Context, alert: AlertOut) -> list[PackFile]:
    w = await _waybill(session, alert, await _truck(session, alert))
    if w is None:
        return []
    feature = {"type": "Feature", "geometry": w.route,
               "properties": {"waybillNo": w.waybill_no, "halfWidthM": w.corridor_width_m, "planned": w.route_planned}}
    return [alerts.json_file("waybill/corridor.geojson", {"type": "FeatureCollection", "features": [feature]})]


async def _site(session: AsyncSession, alert: AlertOut) -> SiteBrief | None:
    return None if alert.site_id is None else await sites.site_brief(session, site_id=alert.site_id)


@alerts.evidence_collector("site_fence")
async def site_fence(session: AsyncSession, ctx: Context, alert: AlertOut) -> list[PackFile]:
    site = await _site(session, alert)
    if site is None:
        return []
    shapes = await sites.active_sites(session, site_ids={site.id})
    gates = shapes[0].gates if shapes else ()
    features: list[dict[str, Any]] = [{"type": "Feature", "geometry": site.fence,
                                       "properties": {"site": site.name, "siteId": str(site.id), "status": site.status}}]
    features += [{"type": "Feature", "geometry": {"type": "Point", "coordinates": [g.lon, g.lat]},
                  "properties": {"gate": g.name, "designated": g.designated, "direction": g.direction}} for g in gates]
    return [alerts.json_file("site/fence.geojson", {"type": "FeatureCollection", "features": features})]


@alerts.evidence_collector("receipt")
async def receipt(session: AsyncSession, ctx: Context, alert: AlertOut) -> list[PackFile]:
    """The consignee's receipt as the waybill holds it, beside the figures it was compared with."""
    w = await _waybill(session, alert, await _truck(session, alert))
    if w is None or w.received_at is None:
        return []
    compared = {k: v for k, v in alert.details.items() if isinstance(v, str | int | float | bool) or v is None}
    return [alerts.json_file(f"receipt/{w.waybill_no}.json", {
        "waybillNo": w.waybill_no, "orderNo": w.order_no, "ticketNo": w.ticket_no, "plate": w.plate,
        "receivedAt": w.received_at.isoformat(), "receivedNetKg": w.received_net_kg, "compared": compared})]


@alerts.evidence_collector("contract")
async def contract(session: AsyncSession, ctx: Context, alert: AlertOut) -> list[PackFile]:
    """The contract the load was sold under: its price per tonne and destination (no parties' details)."""
    if not alert.order_no:
        return []
    order_id = await orders.order_id_by_no(session, order_no=alert.order_no)
    order = await orders.order_brief(session, order_id=order_id) if order_id else None
    if order is None:
        return []
    price = (await contracts.contract_prices(session, contract_ids={order.contract_id})).get(order.contract_id)
    destination = await contracts.contract_destination(session, contract_id=order.contract_id)
    return [alerts.json_file("contract/terms.json", {
        "contractId": str(order.contract_id), "orderNo": order.order_no, "priceFenPerT": price,
        "destination": None if destination is None else {"name": destination.name, "lon": destination.lon,
                                                         "lat": destination.lat}})]


@alerts.evidence_collector("site_status")
async def site_status(session: AsyncSession, ctx: Context, alert: AlertOut) -> list[PackFile]:
    """The site's status now (a closed site's activity: it was not open for sales)."""
    site = await _site(session, alert)
    if site is None:
        return []
    return [alerts.json_file("site/status.json", {"siteId": str(site.id), "name": site.name, "kind": site.kind,
                                                   "status": site.status, "regionCode": site.region_code})]
