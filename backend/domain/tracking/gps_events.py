"""Stored GPS events: written with their batch, idempotently.

An event's id is a UUIDv5 of (vehicle, kind, fix time, site, zone): the same event computed twice
(a batch replayed after a crash between commit and acknowledgement) is the same row, so it is
stored and alerted once.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import case, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from backend.domain.tracking import messages
from backend.domain.tracking.models import GpsEvent
from backend.domain.tracking.positions import at
from backend.domain.tracking.schemas import EventOut, StoredEvent
from geo.pipeline import model as m
from geo.pipeline.model import Event

_NAMESPACE = uuid.UUID("6f1c2a0e-8d3b-4f5e-9a41-3c7d2b9e6a10")
# Events of one fix share its time: list them in the order the pipeline raised them (a gap ends,
# the truck leaves one site, maybe by no exit, enters another, ...), the same on every database.
_SAME_FIX_ORDER = case({kind: i for i, kind in enumerate((
    m.SIGNAL_GAP, m.SIGNAL_GAP_WITHDRAWN, m.SITE_EXIT, m.EXIT_NOT_DESIGNATED, m.SITE_ENTER, m.CORRIDOR_LEAVE,
    m.CORRIDOR_RETURN, m.LONG_STOP, m.OVERSPEED))}, value=GpsEvent.kind, else_=99)


def event_id(e: Event) -> uuid.UUID:
    return uuid.uuid5(_NAMESPACE, f"{e.vehicle_id}|{e.kind}|{e.at_s:.3f}|{e.site_id or ''}|{e.zone_id or ''}")


def _uuid(value: str | None) -> uuid.UUID | None:
    if not value:
        return None
    try:
        return uuid.UUID(value)
    except ValueError:
        return None


def stored(row: GpsEvent) -> StoredEvent:
    return StoredEvent(id=row.id, kind=row.kind, vehicle_id=row.vehicle_id, plate=row.plate, at=row.at, lon=row.lon,
                       lat=row.lat, site_id=row.site_id, zone_id=row.zone_id, waybill_id=row.waybill_id,
                       details=dict(row.details or {}), status=row.status, alert_id=row.alert_id)


async def store(session: AsyncSession, *, events: list[Event], plates: dict[str, str],
                waybill_of: dict[str, uuid.UUID]) -> list[StoredEvent]:
    """Store the events not stored before; returns those newly stored (in order). `waybill_of`
    names the open waybill of a vehicle, for events the pipeline did not attach to one."""
    ids = [event_id(e) for e in events]
    if not ids:
        return []
    seen = set((await session.execute(select(GpsEvent.id).where(GpsEvent.id.in_(ids)))).scalars())
    rows: list[GpsEvent] = []
    for eid, e in zip(ids, events, strict=True):
        if eid in seen:
            continue
        seen.add(eid)
        details: dict[str, Any] = dict(e.details)
        row = GpsEvent(id=eid, kind=e.kind, vehicle_id=uuid.UUID(e.vehicle_id), plate=plates.get(e.vehicle_id),
                       at=at(e.at_s), lon=e.lon, lat=e.lat, site_id=_uuid(e.site_id), zone_id=_uuid(e.zone_id),
                       waybill_id=_uuid(e.waybill_id) or waybill_of.get(e.vehicle_id), details=details,
                       status="open")
        session.add(row)
        rows.append(row)
    await session.flush()
    return [stored(r) for r in rows]


async def event_by_id(session: AsyncSession, *, event_id: uuid.UUID) -> StoredEvent | None:
    row = await session.get(GpsEvent, event_id)
    return None if row is None else stored(row)


async def of_vehicle_between(session: AsyncSession, *, vehicle_id: uuid.UUID, start: datetime,
                             end: datetime) -> list[StoredEvent]:
    """A vehicle's stored events in [start, end], in order (an alert's evidence pack)."""
    rows = (await session.execute(select(GpsEvent).where(GpsEvent.vehicle_id == vehicle_id, GpsEvent.at >= start,
                                                         GpsEvent.at <= end)
                                  .order_by(GpsEvent.at, _SAME_FIX_ORDER))).scalars()
    return [stored(r) for r in rows]


async def set_alert(session: AsyncSession, *, event_id: uuid.UUID, alert_id: uuid.UUID) -> None:
    await session.execute(update(GpsEvent).where(GpsEvent.id == event_id).values(alert_id=alert_id))


async def withdraw_gap(session: AsyncSession, *, vehicle_id: uuid.UUID, before: datetime) -> list[StoredEvent]:
    """Mark the vehicle's open signal_gap events up to `before` withdrawn; returns them."""
    rows = list((await session.execute(select(GpsEvent).where(
        GpsEvent.vehicle_id == vehicle_id, GpsEvent.kind == "signal_gap", GpsEvent.status == "open",
        GpsEvent.at <= before))).scalars())
    for row in rows:
        row.status = "withdrawn"
    await session.flush()
    return [stored(r) for r in rows]


async def attach(session: AsyncSession, *, vehicle_id: uuid.UUID, waybill_id: uuid.UUID, since: datetime) -> None:
    """Give a new waybill the vehicle's unattached events since its departure (e.g. the site_exit)."""
    await session.execute(update(GpsEvent).where(
        GpsEvent.vehicle_id == vehicle_id, GpsEvent.waybill_id.is_(None), GpsEvent.at >= since,
    ).values(waybill_id=waybill_id))


def event_out(e: StoredEvent, *, site_name: str | None = None) -> EventOut:
    zh, en = messages.text(e.kind, plate=e.plate, site=site_name, details=e.details)
    return EventOut(kind=e.kind, at=e.at, lon=e.lon, lat=e.lat, details=e.details, status=e.status,
                    message_zh=zh, message_en=en)


async def of_waybill(session: AsyncSession, *, waybill_id: uuid.UUID) -> list[StoredEvent]:
    rows = (await session.execute(select(GpsEvent).where(GpsEvent.waybill_id == waybill_id)
                                  .order_by(GpsEvent.at, _SAME_FIX_ORDER))).scalars()
    return [stored(r) for r in rows]


async def of_vehicle(session: AsyncSession, *, vehicle_id: uuid.UUID, kind: str | None = None) -> list[StoredEvent]:
    where = [GpsEvent.vehicle_id == vehicle_id]
    if kind:
        where.append(GpsEvent.kind == kind)
    rows = (await session.execute(select(GpsEvent).where(*where).order_by(GpsEvent.at, _SAME_FIX_ORDER))).scalars()
    return [stored(r) for r in rows]


async def all_events(session: AsyncSession) -> list[StoredEvent]:
    rows = (await session.execute(select(GpsEvent).order_by(GpsEvent.at, _SAME_FIX_ORDER))).scalars()
    return [stored(r) for r in rows]
