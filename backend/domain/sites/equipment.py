"""Gates, lanes and devices of a site. Their changes are audited under the site (entity "site"),
so a site's trail — and its organisation's — reads in one place."""

from __future__ import annotations

import uuid

from redis.asyncio import Redis
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from backend.domain.audit import service as audit
from backend.domain.identity.schemas import Principal
from backend.domain.sites import errors, geometry, views
from backend.domain.sites.access import access_device, access_site
from backend.domain.sites.models import Device, Gate, Lane, Site
from backend.domain.sites.schemas import DeviceCreate, DeviceOut, GateCreate, GateOut, LaneCreate, LaneOut
from backend.domain.tracking.service import world_changed
from backend.errors import Conflict, Invalid
from geo.fences import parse_fence


def _text(value: str, field: str) -> str:
    text = " ".join(value.split())
    if not text:
        raise Invalid("blank", "不能为空", "Must not be blank", field=field)
    return text


async def _flush_unique(session: AsyncSession, conflict: Conflict) -> None:
    """The unique constraints decide under races that the pre-checks could not see."""
    try:
        await session.flush()
    except IntegrityError as exc:  # the owner rolls the unit back
        raise conflict from exc


async def _record(session: AsyncSession, actor: Principal, site: Site, action: str, row: object) -> None:
    await audit.record(session, actor=actor.actor, action=action, entity="site", entity_id=site.id,
                       after=audit.snapshot(row))


async def add_gate(session: AsyncSession, *, actor: Principal, site_id: uuid.UUID, data: GateCreate,
                   redis: Redis | None = None) -> GateOut:
    """`redis` tells the GPS workers of the new exit at once; without it (seeding) they see it within
    their periodic reload."""
    site = await access_site(session, actor, site_id, admin=True)
    name = _text(data.name, "name")
    position = geometry.gate_position(data.lon, data.lat, site=parse_fence(site.fence))
    if (await session.execute(select(Gate.id).where(Gate.site_id == site.id, Gate.name == name))).first():
        raise errors.gate_name_taken()
    gate = Gate(site_id=site.id, name=name, direction=data.direction, designated=data.designated,
                lon=position[0] if position else None, lat=position[1] if position else None)
    session.add(gate)
    await _flush_unique(session, errors.gate_name_taken())
    await _record(session, actor, site, "site.gate.create", gate)
    if redis is not None:
        world_changed(session, redis)
    return views.gate_out(gate)


async def add_lane(session: AsyncSession, *, actor: Principal, site_id: uuid.UUID, data: LaneCreate) -> LaneOut:
    site = await access_site(session, actor, site_id, admin=True)
    name = _text(data.name, "name")
    if data.gate_id is not None:
        gate = await session.get(Gate, data.gate_id)
        if gate is None or gate.site_id != site.id:
            raise errors.gate_not_in_site()
        if gate.direction != "both" and data.direction != gate.direction:
            raise errors.lane_direction_mismatch(gate.direction)
    if (await session.execute(select(Lane.id).where(Lane.site_id == site.id, Lane.name == name))).first():
        raise errors.lane_name_taken()
    lane = Lane(site_id=site.id, gate_id=data.gate_id, name=name, direction=data.direction,
                has_weighbridge=data.has_weighbridge)
    session.add(lane)
    await _flush_unique(session, errors.lane_name_taken())
    await _record(session, actor, site, "site.lane.create", lane)
    return views.lane_out(lane)


async def add_device(session: AsyncSession, *, actor: Principal, site_id: uuid.UUID, data: DeviceCreate) -> DeviceOut:
    site = await access_site(session, actor, site_id, admin=True)
    if data.lane_id is not None:
        lane = await session.get(Lane, data.lane_id)
        if lane is None or lane.site_id != site.id:
            raise errors.lane_not_in_site()
    # Codes are unique platform-wide (retired devices keep theirs): a heartbeat names exactly one device.
    if (await session.execute(select(Device.id).where(Device.code == data.code))).first():
        raise errors.device_code_taken()
    device = Device(site_id=site.id, lane_id=data.lane_id, kind=data.kind, code=data.code,
                    name=" ".join(data.name.split()), vendor=" ".join(data.vendor.split()), status="active")
    session.add(device)
    await _flush_unique(session, errors.device_code_taken())
    await _record(session, actor, site, "site.device.create", device)
    return views.device_out(device)


async def retire_device(session: AsyncSession, *, actor: Principal, site_id: uuid.UUID, device_id: uuid.UUID) -> None:
    """Take a device out of service; its row and code stay for the records that name it. Idempotent."""
    site, device = await access_device(session, actor, site_id, device_id, admin=True)
    if device.status == "retired":
        return
    device.status = "retired"
    await session.flush()
    # After only: the trail keeps only changed keys of a before/after pair, which would drop the
    # device's id and code — and the entry is filed under the site, so they must stay.
    await _record(session, actor, site, "site.device.retire", device)
