"""Regulators' zones through the tracking service: each change bumps the GPS world version once (and a
refused one not at all), so a running GPS worker reloads its fences at its next batch; each is
audited; regulators see and change only zones of their region and below."""

from __future__ import annotations

import time
import uuid

import pytest
from sqlalchemy import select

from backend.context import Context
from backend.domain.audit.models import AuditEntry
from backend.domain.identity.schemas import Principal
from backend.domain.tracking import zones
from backend.domain.tracking.schemas import ZoneCreate
from backend.errors import Invalid, NotFound
from backend.workers.gps import GpsWorker
from geo.position import Position
from tests.sites import helpers as sh
from tests.waybills import helpers as h
from tests.waybills.test_worker_flow import Clock


async def _regulator(ctx: Context, region_code: str) -> Principal:
    org_id = await sh.new_org(ctx, kind="regulator", region_code=region_code)
    return (await sh.backstage_member(ctx, role="regulator", org_id=org_id))[1]


async def _version(ctx: Context) -> int:
    return int(await ctx.redis.get(zones.WORLD_VERSION_KEY) or 0)


def _hole(region_code: str = "150623", name: str = "山谷盲区") -> ZoneCreate:
    return ZoneCreate(kind="coverage_hole", name=name, region_code=region_code, geometry=sh.rect(width_m=3_000.0))


async def _create(ctx: Context, actor: Principal, data: ZoneCreate) -> uuid.UUID:
    async with ctx.sessions() as session:
        zone = await zones.create_zone(session, redis=ctx.redis, actor=actor, data=data)
        await session.commit()
    return zone.id


async def _delete(ctx: Context, actor: Principal, zone_id: uuid.UUID) -> None:
    async with ctx.sessions() as session:
        await zones.delete_zone(session, redis=ctx.redis, actor=actor, zone_id=zone_id)
        await session.commit()


async def test_each_change_bumps_the_world_once_and_a_refused_one_not_at_all(ctx: Context) -> None:
    district, neighbour = await _regulator(ctx, "150623"), await _regulator(ctx, "150621")
    assert await _version(ctx) == 0
    zone_id = await _create(ctx, district, _hole())
    assert await _version(ctx) == 1
    with pytest.raises(NotFound):  # another district's regulator: as if the region did not exist
        await _create(ctx, neighbour, _hole())
    bad = ZoneCreate(kind="parking", name="三角", region_code="150623",
                     geometry={"type": "Polygon", "coordinates": [[[107.5, 38.2], [107.6, 38.2], [107.5, 38.3]]]})
    with pytest.raises(Invalid):
        await _create(ctx, district, bad)
    with pytest.raises(NotFound):
        await _delete(ctx, neighbour, zone_id)
    with pytest.raises(NotFound):
        await _delete(ctx, district, uuid.uuid4())
    assert await _version(ctx) == 1
    await _delete(ctx, district, zone_id)
    assert await _version(ctx) == 2
    async with ctx.sessions() as session:
        actions = (await session.execute(select(AuditEntry.action).where(AuditEntry.entity == "gps_zone")
                                         .order_by(AuditEntry.at))).scalars().all()
        assert await zones.world_zones(session) == []
    assert list(actions) == ["create", "delete"]


async def test_regulators_list_zones_of_their_region_and_below(ctx: Context) -> None:
    city, district, neighbour = (await _regulator(ctx, "150600"), await _regulator(ctx, "150623"),
                                 await _regulator(ctx, "150621"))
    ours = await _create(ctx, district, _hole(name="我旗盲区"))
    theirs = await _create(ctx, city, _hole("150621", name="邻旗卡口"))  # the city draws in any of its districts
    async with ctx.sessions() as session:
        assert [z.id for z in await zones.list_zones(session, actor=city)] == [ours, theirs]
        assert [z.id for z in await zones.list_zones(session, actor=city, region_code="150623")] == [ours]
        assert [z.id for z in await zones.list_zones(session, actor=district)] == [ours]
        assert [z.id for z in await zones.list_zones(session, actor=neighbour)] == [theirs]
        assert [z.id for z in await zones.world_zones(session, region_codes=("150621",))] == [str(theirs)]
        assert {z.id for z in await zones.world_zones(session)} == {str(ours), str(theirs)}
    await _delete(ctx, city, ours)  # the city regulator may delete a district's zone
    assert await _version(ctx) == 3


async def test_a_running_worker_takes_a_new_zone_at_its_next_batch(ctx: Context) -> None:
    district = await _regulator(ctx, "150623")
    vehicle = str(uuid.uuid4())
    t0 = float(int(time.time()))
    clock = Clock(t0)
    worker = GpsWorker(ctx, now=clock, consumer="zones", reload_s=3_600.0)  # only the version reloads it
    await worker.setup()

    async def one_fix(i: int) -> tuple[str, ...]:
        clock.t = t0 + 30 * i
        await h.send(ctx, [Position(vehicle_id=vehicle, fix_at_s=clock.t, lon=sh.LON + i * 1e-4, lat=sh.LAT,
                                    received_at_s=clock.t)])
        assert await worker.drain() == 1
        assert worker.pipeline is not None
        return tuple(z.id for z in worker.pipeline.world.zones)

    assert await one_fix(0) == ()
    zone_id = await _create(ctx, district, _hole())
    assert await one_fix(1) == (str(zone_id),)
    await _delete(ctx, district, zone_id)
    assert await one_fix(2) == ()
