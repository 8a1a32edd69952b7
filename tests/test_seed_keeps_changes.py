"""Issue 12 §10: the demo seed is idempotent against what users changed. `meitong run` seeds at every
start; it failed to start once a seeded demo device had been retired (the seed re-created it and hit
device_code_taken), and it would also have revived a renamed site under its old name, a retired truck,
a deleted zone, a revoked role, and the demo lane's revoked key. Each change below must survive a
second seed, and the start (seed, then the demo lane's set-up) must go on."""

from __future__ import annotations

import dataclasses
import uuid
from pathlib import Path

from backend.context import Context
from backend.db.unit import unit_of_work
from backend.demo import lane as demo_lane
from backend.demo.chain import principal
from backend.demo.seed import DEMO_NEV_PLATE, MINE_SITE, seed_with
from backend.domain.identity import service as identity
from backend.domain.machines import service as machines
from backend.domain.sites import service as sites
from backend.domain.sites.schemas import SiteUpdate
from backend.domain.tracking import service as tracking
from backend.domain.vehicles import service as vehicles

RENAMED = "示范煤矿销售场区（已改名）"


async def _mine_site(ctx: Context) -> tuple[uuid.UUID, uuid.UUID]:
    async with unit_of_work(ctx) as session:
        admin = await principal(session, ctx, "13800000001")
        org_id = admin.memberships[0].org_id
        listed = await sites.list_org_sites(session, actor=admin, org_id=org_id)
    return org_id, next(s.id for s in listed if s.name in (MINE_SITE["name"], RENAMED))


async def test_a_second_seed_keeps_what_users_retired_renamed_revoked_and_deleted(ctx: Context) -> None:
    await seed_with(ctx)
    org_id, site_id = await _mine_site(ctx)
    async with unit_of_work(ctx) as session:
        admin = await principal(session, ctx, "13800000001")
        detail = await sites.get_site(session, actor=admin, site_id=site_id)
        camera = next(d for d in detail.devices if d.code == "DEMO-ANPR-01")
        await sites.retire_device(session, actor=admin, site_id=site_id, device_id=camera.id)
        await sites.update_site(session, redis=ctx.redis, actor=admin, site_id=site_id, data=SiteUpdate(name=RENAMED))
        carrier = await principal(session, ctx, "13800000004")
        carrier_id = carrier.memberships[0].org_id
        nev = next(v for v in (await vehicles.list_fleet(session, actor=carrier, org_id=carrier_id, limit=200)).items
                   if v.plate == DEMO_NEV_PLATE)
        await vehicles.retire_for_carrier(session, actor=carrier, org_id=carrier_id, vehicle_id=nev.id)
        regulator = await principal(session, ctx, "13800000006")
        zones = await tracking.list_zones(session, actor=regulator)
        await tracking.delete_zone(session, redis=ctx.redis, actor=regulator, zone_id=zones[0].id)
        dispatcher_id = await identity.user_id_by_phone(session, phone="13800000003")
        assert dispatcher_id is not None
        assert await identity.remove_membership(session, user_id=dispatcher_id, org_id=org_id, role="dispatcher")
        await session.commit()

    again = await seed_with(ctx)  # as `meitong run` does at every start: it must not fail

    assert not [c for c in again.created if not c.startswith("contract ")], again.created
    async with unit_of_work(ctx) as session:
        admin = await principal(session, ctx, "13800000001")
        names = [s.name for s in await sites.list_org_sites(session, actor=admin, org_id=org_id)]
        assert names == [RENAMED]  # renamed, and not seeded again under its old name
        detail = await sites.get_site(session, actor=admin, site_id=site_id)
        assert "DEMO-ANPR-01" not in {d.code for d in detail.devices}  # still retired
        assert await sites.device_id_by_code(session, code="DEMO-ANPR-01") is None
        carrier = await principal(session, ctx, "13800000004")
        fleet = (await vehicles.list_fleet(session, actor=carrier, org_id=carrier.memberships[0].org_id,
                                           limit=200)).items
        assert [v.status for v in fleet if v.plate == DEMO_NEV_PLATE] == ["retired"]
        regulator = await principal(session, ctx, "13800000006")
        assert len(await tracking.list_zones(session, actor=regulator)) == len(zones) - 1
        assert dispatcher_id is not None
        assert (org_id, "dispatcher") not in await identity.memberships_of(session, user_id=dispatcher_id)


async def test_the_start_goes_on_without_the_demo_lane_once_its_controller_is_retired(ctx: Context,
                                                                                       tmp_path: Path) -> None:
    await seed_with(ctx)
    here = dataclasses.replace(ctx, settings=dataclasses.replace(ctx.settings, var_dir=str(tmp_path)))
    assert await demo_lane.ensure_setup(here) is not None
    _, site_id = await _mine_site(ctx)
    async with unit_of_work(ctx) as session:
        admin = await principal(session, ctx, "13800000001")
        device_id = await sites.device_id_by_code(session, code=demo_lane.DEVICE_CODE)
        assert device_id is not None
        await sites.retire_device(session, actor=admin, site_id=site_id, device_id=device_id)
        await session.commit()
    await seed_with(ctx)
    assert await demo_lane.ensure_setup(here) is None  # off, and not revived: no exception either
    async with demo_lane.demo_lane(here):  # the lifespan part `meitong run` enters
        pass
    async with unit_of_work(ctx) as session:
        assert await sites.device_id_by_code(session, code=demo_lane.DEVICE_CODE) is None


async def test_a_revoked_demo_lane_key_stays_revoked(ctx: Context, tmp_path: Path) -> None:
    await seed_with(ctx)
    here = dataclasses.replace(ctx, settings=dataclasses.replace(ctx.settings, var_dir=str(tmp_path)))
    setup = await demo_lane.ensure_setup(here)
    assert setup is not None
    async with unit_of_work(ctx) as session:
        admin = await principal(session, ctx, "13800000001")
        await machines.revoke_key(session, actor=admin, key_id=setup.key_id)
        await session.commit()
    await seed_with(ctx)
    assert await demo_lane.ensure_setup(here) is None
    async with unit_of_work(ctx) as session:
        admin = await principal(session, ctx, "13800000001")
        keys = await machines.list_keys(session, actor=admin, org_id=admin.memberships[0].org_id)
    assert [k.status for k in keys] == ["revoked"]  # no fresh key issued behind the admin's back


async def test_the_start_goes_on_when_the_demo_site_was_closed_and_its_orders_voided(ctx: Context) -> None:
    """Fresh demo orders are issued at a start when none is open; a closed site refuses them, and that
    refusal must not stop the platform from starting (nor reopen the site)."""
    from backend.domain.orders import service as orders
    from backend.domain.orders.schemas import OrderCancel

    await seed_with(ctx)
    _, site_id = await _mine_site(ctx)
    async with unit_of_work(ctx) as session:
        sales = await principal(session, ctx, "13800000002")
        admin = await principal(session, ctx, "13800000001")
        for o in (await orders.list_orders(session, actor=sales, open_only=True, limit=200)).items:
            await orders.cancel_order(session, ctx=ctx, actor=sales, order_id=o.id, data=OrderCancel(reason="停产"))
        await sites.update_site(session, redis=ctx.redis, actor=admin, site_id=site_id,
                                data=SiteUpdate(status="closed"))
        await session.commit()
    again = await seed_with(ctx)
    assert again.created == []
    async with unit_of_work(ctx) as session:
        sales = await principal(session, ctx, "13800000002")
        assert (await orders.list_orders(session, actor=sales, open_only=True, limit=200)).total == 0
        admin = await principal(session, ctx, "13800000001")
        assert (await sites.get_site(session, actor=admin, site_id=site_id)).status == "closed"


async def test_the_start_goes_on_when_a_regulator_suspended_the_demo_mine(ctx: Context, tmp_path: Path) -> None:
    from backend.domain.organisations import service as organisations
    from backend.domain.organisations.schemas import OrgStatusChange

    await seed_with(ctx)
    org_id, _ = await _mine_site(ctx)
    async with unit_of_work(ctx) as session:
        regulator = await principal(session, ctx, "13800000007")  # the banner's regulator
        await organisations.change_status(session, actor=regulator, org_id=org_id,
                                          data=OrgStatusChange(status="suspended", reason="安全检查"))
        await session.commit()
    await seed_with(ctx)
    async with unit_of_work(ctx) as session:
        regulator = await principal(session, ctx, "13800000007")
        assert (await organisations.get_org(session, actor=regulator, org_id=org_id)).status == "suspended"
    here = dataclasses.replace(ctx, settings=dataclasses.replace(ctx.settings, var_dir=str(tmp_path)))
    assert await demo_lane.ensure_setup(here) is None  # no key issued for a suspended mine; no exception
