"""Register and maintain sites; the small look-ups other features use (briefs, device heartbeats,
the fences and gates GPS tags against).

Gates, lanes and devices are in `equipment`; the app overviews and the regulator's views in `overview`.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import msgspec
from redis.asyncio import Redis
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.db.base import utcnow
from backend.domain.audit import service as audit
from backend.domain.identity.schemas import Principal
from backend.domain.organisations import service as organisations
from backend.domain.organisations.schemas import ORG_KIND_LABELS
from backend.domain.regions.service import require_region
from backend.domain.sites import errors, geometry, views
from backend.domain.sites.access import access_site, can_admin, readable_filter
from backend.domain.sites.equipment import add_device, add_gate, add_lane, retire_device
from backend.domain.sites.models import Device, Gate, Lane, Site
from backend.domain.sites.overview import (
    my_sites,
    org_audit,
    org_with_sites,
    regulator_sites,
    regulator_summary,
)
from backend.domain.sites.schemas import (
    DeviceLane,
    GateSpot,
    LaneLive,
    SilentDevice,
    SilentSite,
    SiteBrief,
    SiteCreate,
    SiteDetailOut,
    SiteOut,
    SiteShape,
    SiteUpdate,
)
from backend.domain.tracking.service import world_changed
from backend.errors import Invalid, forbidden
from geo.fences import Fence, parse_fence

__all__ = ["active_sites", "add_device", "add_gate", "add_lane", "create_site", "device_id_by_code", "device_lane",
    "device_org", "device_site", "gate_name", "get_site", "lanes_live", "list_org_sites", "my_sites", "org_audit",
    "org_with_sites", "regulator_sites", "regulator_summary", "retire_device", "site_brief", "site_names",
    "devices_last_seen", "silent_devices", "silent_sites", "site_capacities", "sites_last_seen", "touch_device",
    "update_site"]


# Organisations that operate no yard of their own: they reach sites as carriers or watch them.
_KINDS_WITHOUT_SITES = {"carrier", "regulator", "platform"}


def _name(value: str) -> str:
    name = " ".join(value.split())
    if len(name) < 2:
        raise Invalid("name_too_short", "名称至少 2 个字", "A name needs at least 2 characters", field="name")
    return name


async def _require_name_free(session: AsyncSession, *, org_id: uuid.UUID, name: str, site_id: uuid.UUID | None) -> None:
    query = select(Site.id).where(Site.org_id == org_id, Site.name == name)
    if site_id is not None:
        query = query.where(Site.id != site_id)
    if (await session.execute(query)).first() is not None:
        raise errors.site_name_taken()


def _set_fence(site: Site, fence: Fence) -> None:
    site.fence, site.fence_area_m2 = fence.geojson, fence.area_m2
    site.centroid_lon, site.centroid_lat = fence.centroid_lon, fence.centroid_lat


async def create_site(session: AsyncSession, *, actor: Principal, org_id: uuid.UUID, data: SiteCreate,
                      redis: Redis | None = None) -> SiteDetailOut:
    """`redis` tells the GPS workers at once; without it (seeding) they see the site within their
    periodic reload."""
    org = await organisations.require_org(session, actor=actor, org_id=org_id)
    if org.kind in _KINDS_WITHOUT_SITES:
        raise errors.org_kind_has_no_sites(*ORG_KIND_LABELS[org.kind])
    if not can_admin(actor, org.id):
        raise forbidden()
    name = _name(data.name)
    region = require_region(data.region_code) if data.region_code is not None else org.region_code
    fence = geometry.site_fence(data.fence)
    zone = geometry.checkin_zone(data.checkin_zone, site=fence) if data.checkin_zone is not None else None
    await _require_name_free(session, org_id=org.id, name=name, site_id=None)
    site = Site(org_id=org.id, name=name, kind=data.kind, region_code=region, status="active",
                checkin_zone=zone.geojson if zone else None)
    _set_fence(site, fence)
    session.add(site)
    await session.flush()
    await audit.record(session, actor=actor.actor, action="site.create", entity="site", entity_id=site.id,
                       after=audit.snapshot(site))
    if redis is not None:
        world_changed(session, redis)
    return (await views.details(session, [site]))[0]


async def update_site(session: AsyncSession, *, redis: Redis, actor: Principal, site_id: uuid.UUID,
                      data: SiteUpdate) -> SiteDetailOut:
    site = await access_site(session, actor, site_id, admin=True)
    before = audit.snapshot(site)
    if data.name is not None:
        name = _name(data.name)
        await _require_name_free(session, org_id=site.org_id, name=name, site_id=site.id)
        site.name = name
    if data.kind is not None:
        site.kind = data.kind
    if data.status is not None:
        site.status = data.status
    if data.region_code is not None:
        site.region_code = require_region(data.region_code)
    if data.approved_capacity_t_per_day is not msgspec.UNSET:
        site.approved_capacity_t_per_day = data.approved_capacity_t_per_day
    fence = geometry.site_fence(data.fence) if data.fence is not None else parse_fence(site.fence)
    if data.fence is not None:
        gates = await session.execute(select(Gate.name, Gate.lon, Gate.lat).where(Gate.site_id == site.id))
        geometry.gates_still_near(fence, [(name, lon, lat) for name, lon, lat in gates.all()])
        _set_fence(site, fence)
    if data.checkin_zone is not msgspec.UNSET:
        zone = data.checkin_zone
        site.checkin_zone = geometry.checkin_zone(zone, site=fence).geojson if zone is not None else None
    elif data.fence is not None and site.checkin_zone is not None:
        geometry.checkin_zone(site.checkin_zone, site=fence)  # the kept zone must suit the new centre too
    await session.flush()
    after = audit.snapshot(site)
    if after != before:  # a PATCH that changes nothing leaves no empty entry in the trail
        await audit.record(session, actor=actor.actor, action="site.update", entity="site", entity_id=site.id,
                           before=before, after=after)
    if after != before:
        world_changed(session, redis)
    return (await views.details(session, [site]))[0]


async def get_site(session: AsyncSession, *, actor: Principal, site_id: uuid.UUID) -> SiteDetailOut:
    site = await access_site(session, actor, site_id)
    return (await views.details(session, [site]))[0]


async def list_org_sites(session: AsyncSession, *, actor: Principal, org_id: uuid.UUID) -> list[SiteOut]:
    """The organisation's sites the caller may see (a regulator: those inside its regions)."""
    org = await organisations.require_org(session, actor=actor, org_id=org_id)
    query = select(Site).where(Site.org_id == org.id, readable_filter(actor)).order_by(Site.name)
    return [views.site_out(s) for s in (await session.execute(query)).scalars()]


async def site_brief(session: AsyncSession, *, site_id: uuid.UUID) -> SiteBrief | None:
    """For other features (no access check: the caller has already decided who asks)."""
    site = await session.get(Site, site_id)
    return None if site is None else views.site_brief(site)


async def active_sites(session: AsyncSession, *, site_ids: set[uuid.UUID] | None = None) -> list[SiteShape]:
    """Active sites (of `site_ids`, or all) by name, with their fence and located gates. For other
    features (GPS tagging, live maps, waybills): no access check, the caller has decided who asks."""
    query = select(Site.id, Site.org_id, Site.name, Site.region_code, Site.fence, Site.centroid_lon,
                   Site.centroid_lat).where(Site.status == "active")
    if site_ids is not None:
        query = query.where(Site.id.in_(site_ids))
    sites = (await session.execute(query.order_by(Site.name))).all()
    gates: dict[uuid.UUID, list[GateSpot]] = {}
    if sites:
        rows = await session.execute(
            select(Gate.site_id, Gate.name, Gate.lon, Gate.lat, Gate.designated, Gate.direction)
            .where(Gate.site_id.in_([s.id for s in sites])).order_by(Gate.name))
        for site_id, name, lon, lat, designated, direction in rows.all():
            if lon is not None and lat is not None:  # a gate not placed on the map is no exit to tag
                gates.setdefault(site_id, []).append(GateSpot(name=name, lon=lon, lat=lat, designated=bool(designated),
                                                              direction=direction))
    return [SiteShape(id=s.id, org_id=s.org_id, name=s.name, region_code=s.region_code, fence=s.fence,
                      centroid_lon=s.centroid_lon, centroid_lat=s.centroid_lat, gates=tuple(gates.get(s.id, ())))
            for s in sites]


async def device_org(session: AsyncSession, *, device_id: uuid.UUID) -> uuid.UUID | None:
    """The organisation owning an active device; None for unknown or retired devices."""
    row = (
        await session.execute(
            select(Site.org_id).join(Device, Device.site_id == Site.id)
            .where(Device.id == device_id, Device.status == "active")
        )
    ).first()
    return None if row is None else row[0]


async def device_id_by_code(session: AsyncSession, *, code: str) -> uuid.UUID | None:
    """The id of the active device with this code (codes are unique platform-wide)."""
    if "\x00" in code:
        return None
    row = (await session.execute(select(Device.id).where(Device.code == code, Device.status == "active"))).first()
    return None if row is None else row[0]


def _without_nul(value: Any) -> Any:
    """PostgreSQL's JSONB refuses NUL in strings; a device's stray byte must not fail its heartbeat."""
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, dict):
        return {_without_nul(k): _without_nul(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_without_nul(v) for v in value]
    return value


async def touch_device(
    session: AsyncSession, *, device_code: str, org_id: uuid.UUID, status: dict[str, Any] | None
) -> bool:
    """Record a heartbeat. True if an active device with this code belongs to `org_id`; a retired
    device, or another organisation's, is not touched. Flushes; the caller commits."""
    if "\x00" in device_code:  # no code holds one, and PostgreSQL would refuse the query
        return False
    device = (
        await session.execute(
            select(Device).join(Site, Site.id == Device.site_id)
            .where(Device.code == device_code, Site.org_id == org_id, Device.status == "active")
        )
    ).scalar_one_or_none()
    if device is None:
        return False
    device.last_seen_at = utcnow()
    if status is not None:
        device.last_status = _without_nul(status)
    await session.flush()
    return True


async def site_names(session: AsyncSession, *, site_ids: set[uuid.UUID]) -> dict[uuid.UUID, str]:
    if not site_ids:
        return {}
    rows = await session.execute(select(Site.id, Site.name).where(Site.id.in_(site_ids)))
    return {i: n for i, n in rows.all()}


async def device_site(session: AsyncSession, *, device_id: uuid.UUID) -> uuid.UUID | None:
    """The site of an active device; None for unknown or retired devices."""
    row = (await session.execute(
        select(Device.site_id).where(Device.id == device_id, Device.status == "active")
    )).first()
    return None if row is None else row[0]


async def gate_name(session: AsyncSession, *, site_id: uuid.UUID, gate_id: uuid.UUID) -> str | None:
    """The name of gate `gate_id` of site `site_id`; None when that site has no such gate."""
    row = (await session.execute(select(Gate.name).where(Gate.id == gate_id, Gate.site_id == site_id))).first()
    return None if row is None else row[0]


async def device_lane(session: AsyncSession, *, device_id: uuid.UUID) -> DeviceLane | None:
    row = (await session.execute(
        select(Device, Site.org_id, Lane).join(Site, Site.id == Device.site_id)
        .outerjoin(Lane, Lane.id == Device.lane_id).where(Device.id == device_id, Device.status == "active")
    )).first()
    if row is None:
        return None
    device, org_id, lane = row
    return DeviceLane(device_id=device.id, device_code=device.code, device_kind=device.kind, site_id=device.site_id,
                      org_id=org_id, lane_id=lane.id if lane else None, lane_name=lane.name if lane else None,
                      has_weighbridge=bool(lane and lane.has_weighbridge))


async def lanes_live(session: AsyncSession, *, site_id: uuid.UUID, device_kind: str) -> list[LaneLive]:
    """Every lane of the site with its `device_kind` device's newest heartbeat status."""
    lanes = (await session.execute(select(Lane).where(Lane.site_id == site_id).order_by(Lane.name))).scalars().all()
    devices = (await session.execute(select(Device).where(Device.site_id == site_id, Device.kind == device_kind,
                                                          Device.status == "active"))).scalars().all()
    by_lane = {d.lane_id: d for d in devices}
    out = []
    for lane in lanes:
        d = by_lane.get(lane.id)
        out.append(LaneLive(lane_id=lane.id, name=lane.name, direction=lane.direction,
                            has_weighbridge=lane.has_weighbridge, device_code=d.code if d else None,
                            last_seen_at=d.last_seen_at if d else None, status=d.last_status if d else None))
    return out


# --- For the device watchdog: one query per question, each a range on ix_devices_last_seen ---

async def silent_devices(session: AsyncSession, *, before: datetime) -> list[SilentDevice]:
    """Active devices of active sites that have reported, but not since `before` (a device never
    seen is not commissioned yet: nobody expects it)."""
    rows = await session.execute(
        select(Device.id, Device.kind, Device.code, Device.name, Device.lane_id, Device.site_id, Site.name,
               Site.org_id, Site.region_code, Device.last_seen_at)
        .join(Site, Site.id == Device.site_id)
        .where(Device.last_seen_at < before, Device.status == "active", Site.status == "active"))
    return [SilentDevice(device_id=r[0], kind=r[1], code=r[2], name=r[3], lane_id=r[4], site_id=r[5], site_name=r[6],
                         org_id=r[7], region_code=r[8], last_seen_at=r[9]) for r in rows.all() if r[9]]


async def silent_sites(session: AsyncSession, *, before: datetime, min_devices: int) -> list[SilentSite]:
    """Active sites with at least `min_devices` reporting devices, none of which reported since `before`."""
    newest = func.max(Device.last_seen_at)
    rows = await session.execute(
        select(Site.id, Site.name, Site.org_id, Site.region_code, func.count(), newest)
        .join(Device, Device.site_id == Site.id)
        .where(Device.last_seen_at.is_not(None), Device.status == "active", Site.status == "active")
        .group_by(Site.id, Site.name, Site.org_id, Site.region_code)
        .having(func.count() >= min_devices, newest < before))
    return [SilentSite(site_id=r[0], site_name=r[1], org_id=r[2], region_code=r[3], devices=r[4], last_seen_at=r[5])
            for r in rows.all() if r[5]]


async def devices_last_seen(session: AsyncSession, *, device_ids: set[uuid.UUID]) -> dict[uuid.UUID, datetime | None]:
    """The last report of each device (a retired one, or one of a closed site, is no longer expected:
    it reads as reporting now, so its outage ends)."""
    if not device_ids:
        return {}
    rows = await session.execute(select(Device.id, Device.last_seen_at, Device.status, Site.status)
                                 .join(Site, Site.id == Device.site_id).where(Device.id.in_(device_ids)))
    now = utcnow()
    return {i: seen if status == "active" and site_status == "active" else now for i, seen, status, site_status in rows.all()}


async def sites_last_seen(session: AsyncSession, *, site_ids: set[uuid.UUID]) -> dict[uuid.UUID, datetime | None]:
    """The newest report of any active device of each site."""
    if not site_ids:
        return {}
    rows = await session.execute(select(Device.site_id, func.max(Device.last_seen_at))
                                 .where(Device.site_id.in_(site_ids), Device.status == "active")
                                 .group_by(Device.site_id))
    return {i: seen for i, seen in rows.all()}


async def site_capacities(session: AsyncSession) -> dict[uuid.UUID, int | None]:
    """Every active site's approved daily capacity in tonnes (None: none approved)."""
    rows = await session.execute(select(Site.id, Site.approved_capacity_t_per_day).where(Site.status == "active"))
    return {i: c for i, c in rows.all()}
