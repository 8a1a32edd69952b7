"""A ticketed truck leaves through the gate (waybill opens), drives with its terminal sending to the
GPS stream, strays from its corridor and arrives: the worker stores every fix, the events, the alert,
the states, and closes the waybill with its distance and duration. Then a worker killed between its
commit and its acknowledgement loses nothing and repeats nothing."""

from __future__ import annotations

import asyncio
import uuid

import httpx
from litestar import Litestar

from backend import clock as backend_clock
from backend.context import Context
from backend.db.unit import unit_of_work
from backend.domain.tracking import gps_events, latest, positions, states
from backend.workers.gps import GpsWorker
from tests.sites import helpers as sh
from tests.waybills import helpers as h
from tests.weighing import helpers as wh


class Clock:
    def __init__(self, t: float) -> None:
        self.t = t

    def __call__(self) -> float:
        return self.t


def _route(t0: float, vehicle: str) -> list:
    inside = sh.offset(sh.LON, sh.LAT, east_m=300.0, north_m=200.0)
    out = sh.offset(sh.LON, sh.LAT, east_m=700.0, north_m=200.0)
    stray = sh.offset(sh.LON, sh.LAT, east_m=6_000.0, north_m=3_500.0)  # 3 km off a 1 km corridor
    back = sh.offset(sh.LON, sh.LAT, east_m=8_000.0, north_m=200.0)
    points = [inside, h.GATE, out] + h.line(out, stray, 10) + h.line(stray, back, 10) + h.line(back, h.DEST, 10)
    return h.drive(vehicle, t0, points)


async def test_gate_out_opens_the_waybill_and_the_worker_closes_it_on_arrival(
        ctx: Context, client: httpx.AsyncClient, app: Litestar) -> None:
    lw = await h.ticketed(ctx, client, app)
    await h.gate_out(client, app, lw)
    page = await h.mine_get(client, lw, "/api/mine/waybills?status=open")
    assert page["total"] == 1, page
    wb = page["items"][0]
    assert wb["waybillNo"].startswith("YD") and len(wb["waybillNo"]) == 18 and wb["ticketNo"].startswith("BD")
    assert wb["orderNo"] == lw.gw.order["orderNo"] and wb["plate"] == lw.plate and wb["openedBy"] == "gate"
    r = await client.get("/api/driver/waybills/current", headers=lw.gw.trucker.headers)
    assert r.status_code == 200 and r.json()["waybillNo"] == wb["waybillNo"], r.text
    assert r.json()["corridor"]["type"] == "Polygon" and r.json()["trackPoints"] == 0

    vehicle = await h.vehicle_id(ctx, lw)
    t0 = backend_clock.now_s() + 5
    fixes = _route(t0, vehicle)
    clock = Clock(t0)
    worker = GpsWorker(ctx, now=clock, consumer="t1")
    await worker.setup()
    for i in range(0, len(fixes), 4):  # the terminal reports every 30 s; the clock follows
        await h.send(ctx, fixes[i:i + 4], per_entry=2)
        clock.t = fixes[min(i + 3, len(fixes) - 1)].fix_at_s + 1
        await worker.drain()

    async with unit_of_work(ctx) as session:
        assert await positions.count(session, vehicle_id=uuid.UUID(vehicle)) == len(fixes)
        kinds = [e.kind for e in await gps_events.of_vehicle(session, vehicle_id=uuid.UUID(vehicle))]
        saved = await states.load(session, vehicle_ids={vehicle})
    assert kinds == ["site_enter", "site_exit", "corridor_leave", "corridor_return"], kinds
    assert saved[vehicle].last_fix_at_s == fixes[-1].fix_at_s
    assert (await latest.get_many(ctx.redis, vehicle_ids=[vehicle]))[vehicle].fix_at_s == fixes[-1].fix_at_s
    leave = await wh.alerts_of(ctx, "gps_corridor_leave")
    assert len(leave) == 1 and leave[0].grade == "yellow" and leave[0].plate == lw.plate, leave

    detail = await h.mine_get(client, lw, f"/api/mine/waybills/{wb['waybillNo']}")
    assert detail["status"] == "arrived", detail["status"]
    assert 14_000 < detail["distanceM"] < 20_000, detail["distanceM"]
    assert detail["durationS"] > 0 and detail["trackPoints"] >= len(fixes) - 1
    assert [e["kind"] for e in detail["events"]] == kinds and detail["events"][2]["messageZh"]
    assert len(detail["track"]["coordinates"]) < detail["trackPoints"]
    r = await client.get("/api/driver/waybills/current", headers=lw.gw.trucker.headers)
    assert r.status_code == 404 and r.json()["code"] == "not_found", r.text
    live = await h.mine_get(client, lw, "/api/mine/tracking/live")
    assert [s["id"] for s in live["sites"]] == [lw.gw.site_id] and live["sites"][0]["exits"][0]["designated"]
    truck = live["vehicles"][0]
    assert (truck["plate"], truck["waybillNo"], truck["source"]) == (lw.plate, None, "jt808"), truck
    assert live["bbox"][0] <= truck["lon"] <= live["bbox"][2]
    # Another organisation's staff sees nothing of it.
    r = await client.get(f"/api/mine/waybills/{wb['waybillNo']}", headers=lw.gw.w.parties.buyer)
    assert r.status_code == 200
    _, _, stranger = await sh.member(ctx, client, role="sales", kind="mine", region_code="150623")
    r = await client.get(f"/api/mine/waybills/{wb['waybillNo']}", headers=stranger)
    assert r.status_code == 404, r.text


async def test_a_worker_killed_between_commit_and_ack_loses_and_repeats_nothing(
        ctx: Context, client: httpx.AsyncClient, app: Litestar) -> None:
    lw = await h.ticketed(ctx, client, app)
    await h.gate_out(client, app, lw)
    vehicle = await h.vehicle_id(ctx, lw)
    t0 = backend_clock.now_s() + 5
    fixes = _route(t0, vehicle)
    clock = Clock(fixes[-1].fix_at_s + 1)
    await h.send(ctx, fixes, per_entry=3)

    async def die(_: list[bytes]) -> None:
        raise asyncio.CancelledError  # killed after the commit, before latest and XACK

    first = GpsWorker(ctx, now=clock, consumer="w1", batch_entries=4, after_commit=die)
    await first.setup()
    try:
        await first.step(wait=False)
    except asyncio.CancelledError:
        pass
    pending = await ctx.redis.xpending(ctx.settings.gps_stream, ctx.settings.gps_group)
    assert pending["pending"] == 4, pending
    second = GpsWorker(ctx, now=clock, consumer="w1", batch_entries=4)
    assert await second.drain() == -(-len(fixes) // 3)
    async with unit_of_work(ctx) as session:
        assert await positions.count(session, vehicle_id=uuid.UUID(vehicle)) == len(fixes)
        kinds = [e.kind for e in await gps_events.of_vehicle(session, vehicle_id=uuid.UUID(vehicle))]
    assert kinds == ["site_enter", "site_exit", "corridor_leave", "corridor_return"], kinds
    assert len(await wh.alerts_of(ctx, "gps_corridor_leave")) == 1
    assert (await ctx.redis.xpending(ctx.settings.gps_stream, ctx.settings.gps_group))["pending"] == 0
