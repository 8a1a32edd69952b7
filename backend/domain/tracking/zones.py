"""Zones (checkpoints, coverage holes, truck parks) drawn by regulators in their regions.

The pipeline treats them as known places: a stop there is no violation, a signal gap inside a
coverage hole is forgiven. Every change is audited and bumps the world version, so the GPS worker
reloads its fences at once.
"""

from __future__ import annotations

import uuid
from functools import partial

from redis.asyncio import Redis
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.checks.regions import is_within
from backend.db.unit import after_commit
from backend.domain.audit import service as audit
from backend.domain.identity.schemas import Principal
from backend.domain.regions import service as regions
from backend.domain.tracking import errors
from backend.domain.tracking.models import Zone
from backend.domain.tracking.schemas import ZoneCreate, ZoneOut
from geo.fences import FenceError, parse_fence
from geo.pipeline import model as m

WORLD_VERSION_KEY = "gps:world:version"


async def bump_world(redis: Redis) -> None:
    """Tell every GPS worker that sites, zones or waybills changed (it reloads its world)."""
    await redis.incr(WORLD_VERSION_KEY)


def world_changed(session: AsyncSession, redis: Redis) -> None:
    """Sites, zones or waybills changed in this unit: bump the world version once it has committed,
    so a worker reloading at once reads the new rows (bumped before the commit, it could reload the
    old ones and keep them until the next change)."""
    after_commit(session, partial(bump_world, redis), key=WORLD_VERSION_KEY)


def _out(z: Zone) -> ZoneOut:
    return ZoneOut(id=z.id, kind=z.kind, name=z.name, region_code=z.region_code, geometry=z.geometry,
                   area_m2=z.area_m2, created_at=z.created_at)


def _in_scope(actor: Principal, region_code: str) -> bool:
    return actor.is_platform_admin or any(is_within(region_code, s) for s in actor.regulator_scopes)


async def create_zone(session: AsyncSession, *, redis: Redis, actor: Principal, data: ZoneCreate) -> ZoneOut:
    code = regions.require_region(data.region_code)
    if not _in_scope(actor, code):
        raise errors.region_out_of_scope()
    try:
        # Coverage holes may be long road stretches: up to 2,000 km² (sites stop at 100 km²).
        fence = parse_fence(data.geometry, min_area_m2=100.0, max_area_m2=2_000_000_000.0)
    except FenceError as exc:
        raise errors.bad_geometry(exc.code, exc.message_zh, exc.message_en) from exc
    zone = Zone(kind=data.kind, name=data.name.strip(), region_code=code, geometry=fence.geojson,
                area_m2=fence.area_m2, created_by=actor.user_id)
    session.add(zone)
    await session.flush()
    await audit.record(session, actor=actor.actor, action="create", entity="gps_zone", entity_id=zone.id,
                       after=audit.snapshot(zone, fields=("kind", "name", "region_code", "area_m2")))
    world_changed(session, redis)
    return _out(zone)


async def list_zones(session: AsyncSession, *, actor: Principal, region_code: str | None = None) -> list[ZoneOut]:
    where = [] if actor.is_platform_admin else [regions.within_scopes(Zone.region_code, actor.regulator_scopes)]
    if region_code:
        where.append(regions.within_scopes(Zone.region_code, (region_code,)))
    rows = (await session.execute(select(Zone).where(*where).order_by(Zone.created_at))).scalars()
    return [_out(z) for z in rows]


async def delete_zone(session: AsyncSession, *, redis: Redis, actor: Principal, zone_id: uuid.UUID) -> None:
    zone = await session.get(Zone, zone_id)
    if zone is None or not _in_scope(actor, zone.region_code):
        raise errors.zone_not_found()
    await audit.record(session, actor=actor.actor, action="delete", entity="gps_zone", entity_id=zone.id,
                       before=audit.snapshot(zone, fields=("kind", "name", "region_code", "area_m2")))
    await session.delete(zone)
    world_changed(session, redis)


async def world_zones(session: AsyncSession, *, region_codes: tuple[str, ...] | None = None) -> list[m.Zone]:
    """Zones as the pipeline sees them (all of them, or those within the given regions)."""
    stmt = select(Zone)
    if region_codes is not None:
        stmt = stmt.where(regions.within_scopes(Zone.region_code, region_codes))
    rows = (await session.execute(stmt.order_by(Zone.created_at))).scalars()
    return [m.Zone(id=str(z.id), kind=z.kind, name=z.name, geometry=z.geometry) for z in rows]
