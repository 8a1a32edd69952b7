"""A ticketed truck that leaves through a hole in the fence (no gate scan): the worker raises the
e-fence violation to the mine and opens the waybill itself; it then goes silent outside every
coverage hole (signal gap, alert to the carrier side) until a blind-area re-upload fills the
silence (withdrawn, alert handled)."""

from __future__ import annotations

import uuid

import httpx
from litestar import Litestar

from backend import clock as backend_clock
from backend.context import Context
from backend.db.unit import unit_of_work
from backend.domain.tracking import gps_events
from backend.workers.gps import GpsWorker
from geo.position import Position
from tests.sites import helpers as sh
from tests.waybills import helpers as h
from tests.waybills.test_worker_flow import Clock
from tests.weighing import helpers as wh


async def test_hole_in_the_fence_then_silence_then_reupload(ctx: Context, client: httpx.AsyncClient,
                                                             app: Litestar) -> None:
    lw = await h.ticketed(ctx, client, app)
    vehicle = await h.vehicle_id(ctx, lw)
    t0 = backend_clock.now_s() + 5
    inside = sh.offset(sh.LON, sh.LAT, east_m=100.0, north_m=200.0)
    hole = sh.offset(sh.LON, sh.LAT, east_m=-200.0, north_m=200.0)  # out through the west fence: no gate there
    road = sh.offset(sh.LON, sh.LAT, east_m=-200.0, north_m=-300.0)
    fixes = h.drive(vehicle, t0, [inside, sh.offset(*inside, east_m=-50.0), hole, road])
    clock = Clock(fixes[-1].fix_at_s + 1)
    worker = GpsWorker(ctx, now=clock, consumer="ev")
    await worker.setup()
    await h.send(ctx, fixes, per_entry=2)
    await worker.drain()

    page = await h.mine_get(client, lw, "/api/mine/waybills")
    assert page["total"] == 1 and page["items"][0]["openedBy"] == "gps", page
    exits = await wh.alerts_of(ctx, "gps_exit_not_designated")
    assert len(exits) == 1 and exits[0].grade == "orange" and exits[0].site_id == uuid.UUID(lw.gw.site_id), exits

    last = fixes[-1].fix_at_s
    clock.t = last + 660  # 11 min of silence on the road, in no coverage hole
    assert [e.kind for e in await worker.sweep()] == ["signal_gap"]
    assert await worker.sweep() == []  # one event per silence
    gaps = await wh.alerts_of(ctx, "gps_signal_gap")
    assert len(gaps) == 1 and gaps[0].grade == "orange" and gaps[0].status == "open", gaps

    # The terminal comes back and re-uploads its blind-area fixes (0x0704): the silence is filled.
    refill = [Position(vehicle_id=vehicle, fix_at_s=last + 60 * i, lon=road[0], lat=road[1] - 0.0005 * i,
                       speed_kmh=30.0, archive=True, received_at_s=last + 700) for i in range(1, 12)]
    back = h.drive(vehicle, last + 720, [sh.offset(*road, north_m=-700.0)])
    clock.t = last + 721
    await h.send(ctx, refill, per_entry=20)
    await worker.drain()
    await h.send(ctx, back)
    await worker.drain()

    async with unit_of_work(ctx) as session:
        stored = await gps_events.of_vehicle(session, vehicle_id=uuid.UUID(vehicle))
    kinds = [(e.kind, e.status) for e in stored]
    assert ("signal_gap", "withdrawn") in kinds and ("signal_gap_withdrawn", "open") in kinds, kinds
    assert [k for k, _ in kinds if k in ("site_exit", "exit_not_designated")] == ["site_exit", "exit_not_designated"]
    assert all(e.waybill_id is not None for e in stored if e.kind != "site_enter"), stored
    assert [a.status for a in await wh.alerts_of(ctx, "gps_signal_gap")] == ["closed"]
