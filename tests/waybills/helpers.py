"""A ticketed truck leaving its mine, and positions sent to the GPS stream."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import httpx
from litestar import Litestar

from backend import clock as backend_clock
from backend.context import Context
from backend.db.unit import unit_of_work
from geo.position import Position, encode_positions
from tests.orders import pass_helpers as ph
from tests.sites import helpers as sh
from tests.weighing import helpers as wh

# The contract's destination: a power plant 12 km east of the mine, with no site fence of its own.
DEST = sh.offset(sh.LON, sh.LAT, east_m=12_000.0, north_m=200.0)
# The mine's fence is 600 m x 400 m from (LON, LAT); its gate on the east side, mid-height.
GATE = sh.offset(sh.LON, sh.LAT, east_m=600.0, north_m=200.0)


async def ticketed(ctx: Context, client: httpx.AsyncClient, app: Litestar) -> wh.LaneWorld:
    """A truck weighed (ticket issued) at a mine with a designated east gate; still inside."""
    lw = await _lane_world(ctx, client, app)
    t0 = backend_clock.now() - timedelta(minutes=40)
    assert (await wh.submit(lw, wh.weighing_body(lw, kind="tare", weight_kg=15_000, at=t0)))["accepted"]
    gross = await wh.submit(lw, wh.weighing_body(lw, kind="gross", weight_kg=44_000, at=t0 + timedelta(minutes=30)))
    assert gross["accepted"], gross
    return lw


async def _lane_world(ctx: Context, client: httpx.AsyncClient, app: Litestar) -> wh.LaneWorld:
    from tests.orders import helpers as oh

    w = await oh.world(ctx, client, destinationLon=DEST[0], destinationLat=DEST[1])
    r = await client.post(f"/api/enterprise/sites/{w.site['id']}/gates", headers=w.parties.seller,
                          json={"name": "东门", "direction": "both", "designated": True, "lon": GATE[0], "lat": GATE[1]})
    assert r.status_code == 201, r.text
    order, t = await oh.dispatched(ctx, client, w)
    device_id = await ph.add_device(client, w.parties.seller, w.site["id"])
    gw = ph.GateWorld(w=w, order=order, trucker=t, site_id=str(w.site["id"]),
                      erp=await ph.key(client, w.parties.seller_id, w.parties.seller),
                      device=await ph.key(client, w.parties.seller_id, w.parties.seller, deviceId=device_id),
                      device_id=device_id)
    lane_id = await wh.add_lane(client, w.parties.seller, gw.site_id)
    key, code = await wh.lane_key(client, w.parties.seller, w.parties.seller_id, gw.site_id, lane_id)
    await ph.call_in(ctx, client, gw)
    lw = wh.LaneWorld(gw=gw, lane_id=lane_id, key=key, lane=ph.machine(app, key), device_code=code)
    assert (await wh.identify(lw, code=await wh.pass_code(client, lw)))["accepted"]
    return lw


async def gate_out(client: httpx.AsyncClient, app: Litestar, lw: wh.LaneWorld) -> None:
    gate = ph.machine(app, lw.gw.device)
    out = await ph.scan(gate, lw.gw.site_id, await wh.pass_code(client, lw), transition="out")
    assert out["accepted"], out


async def vehicle_id(ctx: Context, lw: wh.LaneWorld) -> str:
    from backend.domain.orders import service as orders

    async with unit_of_work(ctx) as session:
        brief = await orders.order_brief(session, order_id=uuid.UUID(lw.order_id))
    assert brief is not None and brief.vehicle_id is not None
    return str(brief.vehicle_id)


def drive(vehicle: str, t0: float, points: list[tuple[float, float]], *, every_s: float = 30.0,
          speed_kmh: float = 50.0) -> list[Position]:
    return [Position(vehicle_id=vehicle, fix_at_s=t0 + i * every_s, lon=lon, lat=lat, speed_kmh=speed_kmh,
                     received_at_s=t0 + i * every_s) for i, (lon, lat) in enumerate(points)]


def line(a: tuple[float, float], b: tuple[float, float], n: int) -> list[tuple[float, float]]:
    return [(a[0] + (b[0] - a[0]) * i / n, a[1] + (b[1] - a[1]) * i / n) for i in range(1, n + 1)]


async def send(ctx: Context, fixes: list[Position], *, per_entry: int = 5) -> int:
    for i in range(0, len(fixes), per_entry):
        await ctx.redis.xadd(ctx.settings.gps_stream, {"p": encode_positions(fixes[i:i + per_entry])})
    return len(fixes)


async def mine_get(client: httpx.AsyncClient, lw: wh.LaneWorld, path: str) -> Any:
    r = await client.get(path, headers=lw.gw.w.parties.sales)
    assert r.status_code == 200, r.text
    return r.json()
