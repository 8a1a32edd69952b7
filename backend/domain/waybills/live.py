"""The live map (mine and regulator): sites with their exits, zones, and the trucks around them.

Trucks come from the latest positions in Redis: those within ~30 km of one of the map's sites, and
those on an open waybill from one of them wherever they are.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from redis.asyncio import Redis
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.checks.regions import is_within
from backend.domain.identity.schemas import Principal
from backend.domain.regions import service as regions
from backend.domain.sites import service as sites_service
from backend.domain.sites.schemas import SiteShape
from backend.domain.tracking import service as tracking
from backend.domain.vehicles import service as vehicles_service
from backend.domain.waybills import errors
from backend.domain.waybills.models import Waybill
from backend.domain.waybills.schemas import ExitOut, LiveMap, LiveSite, LiveVehicle, LiveZone, WaybillStatus
from geo.pipeline.geodesy import distance_m

NEAR_M = 30_000.0
STALE_S = 600.0


def _bbox(coords: list[tuple[float, float]]) -> list[float]:
    if not coords:
        return [73.0, 3.0, 135.5, 54.0]
    lons = [c[0] for c in coords]
    lats = [c[1] for c in coords]
    return [min(lons), min(lats), max(lons), max(lats)]


def _fence_points(fence: dict[str, Any]) -> list[tuple[float, float]]:
    coords: Any = fence.get("coordinates") or []
    polygons = [coords] if fence.get("type") == "Polygon" else coords
    return [(float(p[0]), float(p[1])) for poly in polygons for ring in poly[:1] for p in ring]


async def _build(session: AsyncSession, redis: Redis, sites: list[SiteShape], zone_regions: tuple[str, ...] | None,
                 waybill_region_scopes: tuple[str, ...] | None, now: datetime) -> LiveMap:
    site_ids = {s.id for s in sites}
    stmt = select(Waybill).where(Waybill.status == WaybillStatus.OPEN)
    if waybill_region_scopes is not None:
        stmt = stmt.where(regions.within_scopes(Waybill.region_code, waybill_region_scopes))
    else:
        stmt = stmt.where(Waybill.origin_site_id.in_(site_ids)) if site_ids else stmt.where(Waybill.id.is_(None))
    on_load = {w.vehicle_id: w.waybill_no for w in (await session.execute(stmt)).scalars()}
    all_open = {w.vehicle_id: w.waybill_no for w in (await session.execute(
        select(Waybill).where(Waybill.status == WaybillStatus.OPEN))).scalars()}
    fixes = await tracking.get_many(redis)
    chosen = []
    for vid_text, p in fixes.items():
        vid = uuid.UUID(vid_text)
        near = any(distance_m(p.lon, p.lat, s.centroid_lon, s.centroid_lat) <= NEAR_M for s in sites)
        if near or vid in on_load:
            chosen.append((vid, p))
    infos = await vehicles_service.briefs_by_id(session, vehicle_ids={v for v, _ in chosen})
    now_s = now.timestamp()
    vehicles = [LiveVehicle(vehicle_id=v, plate=infos[v].plate if v in infos else "", lon=p.lon, lat=p.lat,
                            speed_kmh=p.speed_kmh, course_deg=p.course_deg, fix_at=datetime.fromtimestamp(p.fix_at_s, UTC),
                            source=p.source, waybill_no=all_open.get(v), stale=now_s - p.fix_at_s > STALE_S)
                for v, p in sorted(chosen, key=lambda c: str(c[0]))]
    zone_list = await tracking.world_zones(session, region_codes=zone_regions)
    live_sites = [LiveSite(id=s.id, name=s.name, fence=s.fence, exits=[
        ExitOut(name=g.name, lon=g.lon, lat=g.lat, designated=g.designated and g.direction != "in", direction=g.direction)
        for g in s.gates]) for s in sites]
    points = [pt for s in sites for pt in _fence_points(s.fence)] + [(v.lon, v.lat) for v in vehicles]
    return LiveMap(sites=live_sites, zones=[LiveZone(id=uuid.UUID(z.id), kind=z.kind, name=z.name, geometry=z.geometry)
                                            for z in zone_list], vehicles=vehicles, bbox=_bbox(points))


async def mine_live(session: AsyncSession, *, redis: Redis, actor: Principal, site_id: uuid.UUID | None,
                    now: datetime) -> LiveMap:
    orgs = actor.org_ids()
    sites = [s for s in await sites_service.active_sites(session) if s.org_id in orgs or actor.is_platform_admin]
    if site_id is not None:
        sites = [s for s in sites if s.id == site_id]
        if not sites:
            raise errors.site_not_found()
    region_codes = tuple(sorted({s.region_code for s in sites}))
    return await _build(session, redis, sites, region_codes, None, now)


async def regulator_live(session: AsyncSession, *, redis: Redis, actor: Principal, region_code: str | None,
                         now: datetime) -> LiveMap:
    if actor.is_platform_admin and region_code is None:
        return await _build(session, redis, await sites_service.active_sites(session), None, None, now)
    scopes = actor.regulator_scopes
    if region_code is not None:
        code = regions.require_region(region_code)
        if not actor.is_platform_admin and not any(is_within(code, s) for s in scopes):
            raise errors.region_not_found()
        scopes = (code,)
    sites = [s for s in await sites_service.active_sites(session) if any(is_within(s.region_code, c) for c in scopes)]
    return await _build(session, redis, sites, scopes, scopes, now)
