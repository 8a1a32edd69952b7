"""Rows to wire structs; loading a set of sites with their equipment in three queries, not 3·n."""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.db.base import utcnow
from backend.domain.regions.service import region_name
from backend.domain.sites.models import Device, Gate, Lane, Site
from backend.domain.sites.schemas import (
    ONLINE_WINDOW_S,
    DeviceOut,
    GateOut,
    LaneOut,
    SiteBrief,
    SiteDetailOut,
    SiteMapOut,
    SiteOut,
)


def _site_fields(site: Site) -> dict[str, Any]:
    return dict(
        id=site.id, org_id=site.org_id, name=site.name, kind=site.kind, region_code=site.region_code,
        region_name=region_name(site.region_code)[0], status=site.status, fence=site.fence,
        fence_area_m2=round(site.fence_area_m2, 1), centroid_lon=site.centroid_lon, centroid_lat=site.centroid_lat,
        checkin_zone=site.checkin_zone, approved_capacity_t_per_day=site.approved_capacity_t_per_day,
        created_at=site.created_at, updated_at=site.updated_at,
    )


def site_out(site: Site) -> SiteOut:
    return SiteOut(**_site_fields(site))


def site_map_out(site: Site, org_name: str) -> SiteMapOut:
    return SiteMapOut(**_site_fields(site), org_name=org_name)


def site_brief(site: Site) -> SiteBrief:
    return SiteBrief(
        id=site.id, org_id=site.org_id, name=site.name, kind=site.kind, region_code=site.region_code,
        status=site.status, centroid_lon=site.centroid_lon, centroid_lat=site.centroid_lat, fence=site.fence,
        checkin_zone=site.checkin_zone,
    )


def gate_out(gate: Gate) -> GateOut:
    return GateOut(id=gate.id, site_id=gate.site_id, name=gate.name, direction=gate.direction,
                   designated=gate.designated, lon=gate.lon, lat=gate.lat)


def lane_out(lane: Lane) -> LaneOut:
    return LaneOut(id=lane.id, site_id=lane.site_id, gate_id=lane.gate_id, name=lane.name,
                   direction=lane.direction, has_weighbridge=lane.has_weighbridge)


def is_online(last_seen_at: datetime | None, now: datetime) -> bool:
    return last_seen_at is not None and now - last_seen_at <= timedelta(seconds=ONLINE_WINDOW_S)


def device_out(device: Device, now: datetime | None = None) -> DeviceOut:
    return DeviceOut(
        id=device.id, site_id=device.site_id, lane_id=device.lane_id, kind=device.kind, code=device.code,
        name=device.name, vendor=device.vendor, status=device.status, last_seen_at=device.last_seen_at,
        online=is_online(device.last_seen_at, now or utcnow()), last_status=device.last_status,
    )


async def details(session: AsyncSession, sites: list[Site]) -> list[SiteDetailOut]:
    """Each site with its gates, lanes and active devices, ordered by name."""
    ids = [s.id for s in sites]
    gates: dict[uuid.UUID, list[GateOut]] = defaultdict(list)
    lanes: dict[uuid.UUID, list[LaneOut]] = defaultdict(list)
    devices: dict[uuid.UUID, list[DeviceOut]] = defaultdict(list)
    if ids:
        for gate in (await session.execute(select(Gate).where(Gate.site_id.in_(ids)).order_by(Gate.name))).scalars():
            gates[gate.site_id].append(gate_out(gate))
        for lane in (await session.execute(select(Lane).where(Lane.site_id.in_(ids)).order_by(Lane.name))).scalars():
            lanes[lane.site_id].append(lane_out(lane))
        now = utcnow()
        query = select(Device).where(Device.site_id.in_(ids), Device.status == "active").order_by(Device.code)
        for device in (await session.execute(query)).scalars():
            devices[device.site_id].append(device_out(device, now))
    return [
        SiteDetailOut(**_site_fields(s), gates=gates[s.id], lanes=lanes[s.id], devices=devices[s.id])
        for s in sites
    ]
