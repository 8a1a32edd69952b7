"""Alerts raised by the GPS pipeline: a truck on no load leaves a mine through a hole in its fence.
The worker stores the e-fence violation once and alerts the site's enterprise (not the truck's
carrier, not another mine); a terminal re-sending its fixes, or the same events applied again,
raise nothing more. Events that are no violation, or concern nobody yet, raise no alert."""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from typing import Any

from backend.context import Context
from backend.domain.sites import equipment
from backend.domain.sites.schemas import GateCreate
from backend.domain.tracking import gps_events
from backend.domain.waybills import gps as waybill_gps
from backend.domain.waybills.world import load_world
from backend.workers.gps import GpsWorker
from geo.pipeline import model as m
from tests.alerts import helpers as ah
from tests.sites import helpers as sh
from tests.terminals.helpers import make_vehicle
from tests.waybills import helpers as h
from tests.waybills.test_worker_flow import Clock


@dataclass(frozen=True)
class World:
    mine: uuid.UUID
    site: uuid.UUID
    vehicle: uuid.UUID
    plate: str
    users: dict[str, uuid.UUID]  # role label -> user


async def _world(ctx: Context) -> World:
    """A mine (admin, dispatcher, sales) with a fenced yard and its east gate; a carrier's truck
    (admin, dispatcher); another mine's admin and dispatcher."""
    mine, carrier, other = (await sh.new_org(ctx), await sh.new_org(ctx, kind="carrier"), await sh.new_org(ctx))
    users: dict[str, uuid.UUID] = {}
    for label, role, org in (("mine_dispatcher", "dispatcher", mine), ("mine_sales", "sales", mine),
                             ("carrier_admin", "carrier_admin", carrier), ("carrier_dispatcher", "dispatcher", carrier),
                             ("other_admin", "enterprise_admin", other), ("other_dispatcher", "dispatcher", other)):
        users[label] = (await sh.backstage_member(ctx, role=role, org_id=org))[0]
    users["mine_admin"], admin = await sh.backstage_member(ctx, role="enterprise_admin", org_id=mine)
    site_id = await ah.make_site(ctx, actor=admin, org_id=mine)
    async with ctx.sessions() as session:
        await equipment.add_gate(session, actor=admin, site_id=site_id, data=GateCreate(
            name="东门", direction="both", designated=True, lon=h.GATE[0], lat=h.GATE[1]))
        await session.commit()
    vehicle, plate = await make_vehicle(ctx, carrier_org_id=carrier)
    return World(mine=mine, site=site_id, vehicle=vehicle, plate=plate, users=users)


async def test_an_exit_through_the_fence_alerts_the_mine_once(ctx: Context) -> None:
    w = await _world(ctx)
    t0 = float(int(time.time()))
    inside = sh.offset(sh.LON, sh.LAT, east_m=100.0, north_m=200.0)
    hole = sh.offset(sh.LON, sh.LAT, east_m=-200.0, north_m=200.0)  # west of the fence: no gate there
    road = sh.offset(sh.LON, sh.LAT, east_m=-200.0, north_m=-300.0)
    fixes = h.drive(str(w.vehicle), t0, [inside, sh.offset(*inside, east_m=-50.0), hole, road])
    worker = GpsWorker(ctx, now=Clock(fixes[-1].fix_at_s + 1), consumer="alerts")
    await worker.setup()
    await h.send(ctx, fixes, per_entry=2)
    await worker.drain()

    [alert] = await ah.all_alerts(ctx)
    async with ctx.sessions() as session:
        stored = await gps_events.of_vehicle(session, vehicle_id=w.vehicle)
    [violation] = [e for e in stored if e.kind == m.EXIT_NOT_DESIGNATED]
    assert [e.kind for e in stored] == ["site_enter", "site_exit", "exit_not_designated"]
    assert all(e.alert_id is None for e in stored if e is not violation) and violation.alert_id == alert.id
    assert (alert.kind, alert.grade, alert.site_id, alert.plate, alert.order_no, alert.status) == (
        "gps_exit_not_designated", "orange", w.site, w.plate, None, "open")
    assert alert.ref == f"gps_event:{violation.id}" and alert.raised_at == violation.at
    assert alert.details["eventId"] == str(violation.id) and alert.details["waybillNo"] is None
    assert "一号储煤场" in alert.message_zh and w.plate in alert.message_en
    assert [a.id for a in await ah.all_alerts(ctx, org_id=w.mine)] == [alert.id]

    told = await ah.alert_notices(ctx)
    expected = [("alert_gps_exit_not_designated", str(alert.id), [("inbox", None)])]
    wanted = {w.users["mine_admin"], w.users["mine_dispatcher"]}
    assert told == {u: expected for u in wanted}, told

    # The terminal re-sends the same fixes (its acks were lost): nothing new anywhere.
    await h.send(ctx, fixes, per_entry=3)
    await worker.drain()
    # The same events applied once more (a batch replayed): stored once, alerted once.
    replay = [m.Event(kind=e.kind, vehicle_id=str(e.vehicle_id), at_s=e.at.timestamp(), lon=e.lon, lat=e.lat,
                      site_id=str(e.site_id) if e.site_id else None, details=e.details) for e in stored]
    assert [gps_events.event_id(e) for e in replay] == [e.id for e in stored]
    async with ctx.sessions() as session:
        _, shapes = await load_world(session)
        again = await waybill_gps.apply_batch(session, redis=ctx.redis, kept=[], events=replay, sites=shapes,
                                              width_m=1_000.0)
        await session.commit()
    assert again == []
    assert [a.id for a in await ah.all_alerts(ctx)] == [alert.id] and await ah.alert_notices(ctx) == told
    async with ctx.sessions() as session:
        assert len(await gps_events.all_events(session)) == 3


async def test_violations_on_no_load_outside_every_site_are_stored_only(ctx: Context) -> None:
    w = await _world(ctx)
    t0 = float(int(time.time()))
    far = sh.offset(sh.LON, sh.LAT, east_m=-20_000.0)
    raised: list[tuple[str, dict[str, Any]]] = [(m.OVERSPEED, {"speed_kmh": 95.0}), (m.LONG_STOP, {"stopped_s": 2400}),
                                                (m.SITE_EXIT, {})]
    events = [m.Event(kind=kind, vehicle_id=str(w.vehicle), at_s=t0 + i, lon=far[0], lat=far[1], details=details)
              for i, (kind, details) in enumerate(raised)]
    async with ctx.sessions() as session:
        _, shapes = await load_world(session)
        stored = await waybill_gps.apply_batch(session, redis=ctx.redis, kept=[], events=events, sites=shapes,
                                               width_m=1_000.0)
        await session.commit()
    assert [e.kind for e in stored] == ["overspeed", "long_stop", "site_exit"]
    assert await ah.all_alerts(ctx) == [] and await ah.alert_notices(ctx) == {}
