"""Done-when of issue 6: simulated JT/T 808 terminals over TCP drive a fleet out of one mine, through
the real gateway, the Redis stream and the pipeline worker, and the stored events are exactly the
expected ones.

Five ticketed trucks leave a 600 m x 400 m mine whose only designated exit is its east gate, for a
plant 12 km east (no site fence there: arrival is judged by distance). Simulated time: every tick is
10 s; each truck reports every tick while it has signal; the worker's clock is the simulation's.
- 到达 arrives: out through the east gate, along the road, arrives.
- 翻墙 leaves through a hole in the north fence, 540 m from the gate (an e-fence violation), arrives.
- 偏航 leaves its corridor (1 km each side of the straight line) for 3 km, comes back, arrives.
- 失联 goes silent 4 km out, outside any coverage hole, and stays silent for 20 minutes.
- 盲区 waits 12 minutes inside a known coverage hole where it cannot send, and re-uploads what it
  recorded (0x0704, blind area) once it has signal again: no violation (the grace rule).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import httpx
from litestar import Litestar

from backend import clock as backend_clock
from backend.context import Context
from backend.db.unit import unit_of_work
from backend.domain.tracking import gps_events, positions
from backend.workers.gps import GpsWorker
from backend.workers.jt808 import Limits, serve_gateway
from devices.sim.jt808_terminal import Fix, SimTerminal
from devices.sim.route import RouteDrive, Stop
from tests.orders import helpers as oh
from tests.sites import helpers as sh
from tests.waybills import helpers as h
from tests.weighing import helpers as wh

TICK_S = 10.0
SPEED_KMH = 60.0


def at(east_m: float, north_m: float) -> list[float]:
    """A point in metres east and north of the mine fence's south-west corner."""
    return list(sh.offset(sh.LON, sh.LAT, east_m=east_m, north_m=north_m))


CENTRE, GATE, DEST = at(300, 200), at(600, 200), at(12_000, 200)
# A band across the road 5-7 km out where terminals have no signal (a valley).
HOLE = {"type": "Polygon", "coordinates": [[at(5_000, -2_000), at(7_000, -2_000), at(7_000, 2_500),
                                            at(5_000, 2_500), at(5_000, -2_000)]]}
ROUTES = {
    "arrives": [CENTRE, GATE, DEST],
    "hole_in_fence": [CENTRE, at(100, 350), at(100, 600), at(1_500, 800), DEST],
    "leaves_corridor": [CENTRE, GATE, at(3_000, 200), at(3_000, 2_500), at(6_000, 2_500), at(6_000, 200), DEST],
    "goes_silent": [CENTRE, GATE, at(4_000, 200)],
    "coverage_hole": [CENTRE, GATE, DEST],
}
EXPECTED = {
    "arrives": ["site_enter", "site_exit"],
    "hole_in_fence": ["site_enter", "site_exit", "exit_not_designated"],
    "leaves_corridor": ["site_enter", "site_exit", "corridor_leave", "corridor_return"],
    "goes_silent": ["site_enter", "site_exit", "signal_gap"],
    "coverage_hole": ["site_enter", "site_exit"],
}
STATUS = {"arrives": "arrived", "hole_in_fence": "arrived", "leaves_corridor": "arrived",
          "goes_silent": "open", "coverage_hole": "arrived"}
SILENT_FROM_M = 3_700.0  # the silent truck's last fix is about here


def in_hole(fix: Fix) -> bool:
    (x0, _), (x1, _) = HOLE["coordinates"][0][0], HOLE["coordinates"][0][1]
    return x0 <= fix.lon <= x1


@dataclass
class Truck:
    name: str
    plate: str
    order_id: str
    fixes: list[Fix]
    terminal: SimTerminal | None = None
    sent: int = 0
    buffered: list[Fix] = field(default_factory=list)  # recorded without signal


async def _ticketed_trucks(ctx: Context, client: httpx.AsyncClient,
                           app: Litestar) -> tuple[wh.LaneWorld, list[tuple[str, str]]]:
    """Five trucks weighed at one mine (ticket issued): the mine, and (plate, order id) each."""
    lw = await h._lane_world(ctx, client, app)
    t0 = backend_clock.now() - timedelta(hours=3)
    first = await wh.submit(lw, wh.weighing_body(lw, kind="tare", weight_kg=15_000, at=t0))
    assert first["accepted"], first
    gross = await wh.submit(lw, wh.weighing_body(lw, kind="gross", weight_kg=44_000, at=t0 + timedelta(minutes=30)))
    assert gross["accepted"], gross
    trucks = [(lw.plate, lw.order_id)]
    for _ in range(4):
        t = await oh.trucker(ctx, client)
        order = await oh.issue(client, lw.gw.w)
        r = await oh.dispatch(client, lw.gw.w, order["id"], t)
        assert r.status_code == 200, r.text
        for kind, kg, minutes in (("tare", 15_000, 0), ("gross", 44_000, 30)):
            body = wh.weighing_body(lw, kind=kind, weight_kg=kg, at=t0 + timedelta(minutes=minutes), offline=True,
                                    order_id=str(order["id"]), plate=t.plate)
            answer = await wh.submit(lw, body)
            assert answer["accepted"], answer
        trucks.append((t.plate, str(order["id"])))
    return lw, trucks


def _fixes(name: str, start: datetime) -> list[Fix]:
    stops = [Stop(at_m=6_000.0, duration_s=12 * 60)] if name == "coverage_hole" else []
    drive = RouteDrive(ROUTES[name], speed_kmh=SPEED_KMH, period_s=TICK_S, stops=stops)
    until = SILENT_FROM_M if name == "goes_silent" else None
    return [Fix(lon=f.lon, lat=f.lat, at=f.at, speed_kmh=f.speed_kmh, course_deg=f.course_deg)
            for f in drive.fixes(start=start, until_m=until)]


async def _report(truck: Truck, tick_at: datetime) -> None:
    """What the truck's terminal sends at this tick: its fix, or nothing in the hole; on leaving the
    hole, first what it recorded there (blind area), then the live fix."""
    due = [f for f in truck.fixes if f.at == tick_at]
    for fix in due:
        assert truck.terminal is not None
        if truck.name == "coverage_hole" and in_hole(fix):
            truck.buffered.append(fix)
            continue
        for i in range(0, len(truck.buffered), 25):  # 25 items fit one 0x0704 body (< 1,023 bytes)
            assert await truck.terminal.send_batch(truck.buffered[i:i + 25], blind_area=True) == 0
        truck.sent += len(truck.buffered)
        truck.buffered = []
        assert await truck.terminal.send_location(fix) == 0
        truck.sent += 1


async def test_a_fleet_over_jt808_raises_exactly_the_expected_events(
        ctx: Context, client: httpx.AsyncClient, app: Litestar) -> None:
    lw, ticketed = await _ticketed_trucks(ctx, client, app)
    _, regulator = await sh.regulator(ctx, client, "150623")
    r = await client.post("/api/regulator/zones", headers=regulator,
                          json={"kind": "coverage_hole", "name": "山谷盲区", "regionCode": "150623", "geometry": HOLE})
    assert r.status_code == 201, r.text

    start = backend_clock.now().replace(microsecond=0) - timedelta(hours=2)
    trucks = [Truck(name, plate, order_id, _fixes(name, start))
              for name, (plate, order_id) in zip(ROUTES, ticketed, strict=True)]
    clock = {"t": start.timestamp()}
    worker = GpsWorker(ctx, now=lambda: clock["t"], consumer="fleet", reload_s=3600.0)
    await worker.setup()
    gateway = await serve_gateway(ctx, host="127.0.0.1", port=0, limits=Limits(idle_timeout_s=600.0))
    try:
        for i, truck in enumerate(trucks):
            truck.terminal = SimTerminal("127.0.0.1", gateway.port, phone=f"0139{i:08d}", plate=truck.plate,
                                         reply_timeout_s=5.0)
            await truck.terminal.connect()
            result, code = await truck.terminal.register()
            assert result == 0 and code is not None, (truck.name, result)
            assert await truck.terminal.authenticate(code) == 0
        end = max(f.at for t in trucks for f in t.fixes) + timedelta(minutes=2)
        tick_at, ticks = start, 0
        while tick_at <= end:
            clock["t"] = tick_at.timestamp() + 1.0
            for truck in trucks:
                await _report(truck, tick_at)
            await worker.drain()
            ticks += 1
            if ticks % 6 == 0:  # the worker's sweep runs every simulated minute
                await worker.sweep()
            tick_at += timedelta(seconds=TICK_S)
    finally:
        for truck in trucks:
            if truck.terminal is not None:
                await truck.terminal.close()
        await gateway.close()

    staff = lw.gw.w.parties.sales
    for truck in trucks:
        assert truck.sent == len(truck.fixes) and not truck.buffered, truck.name
        page = (await client.get("/api/mine/waybills", headers=staff, params={"limit": 50})).json()
        mine = [w for w in page["items"] if w["plate"] == truck.plate]
        assert len(mine) == 1, (truck.name, page)
        detail = (await client.get(f"/api/mine/waybills/{mine[0]['waybillNo']}", headers=staff)).json()
        vehicle = uuid.UUID(await _vehicle_of(ctx, truck.order_id))
        async with unit_of_work(ctx) as session:
            stored = await gps_events.of_vehicle(session, vehicle_id=vehicle)
            kept = await positions.count(session, vehicle_id=vehicle)
        kinds = [e.kind for e in stored if e.status == "open"]
        assert kinds == EXPECTED[truck.name], (truck.name, [(e.kind, e.status) for e in stored])
        assert [e.kind for e in stored] == kinds, (truck.name, "nothing withdrawn in this run")
        assert kept == truck.sent, (truck.name, kept, truck.sent)  # every fix stored, blind-area ones too
        assert detail["status"] == STATUS[truck.name], (truck.name, detail["status"])
        if STATUS[truck.name] == "arrived":
            assert 10_500 < detail["distanceM"] < 25_000, (truck.name, detail["distanceM"])
        assert {e["kind"] for e in detail["events"]} >= set(EXPECTED[truck.name]) - {"site_enter"}, truck.name


async def _vehicle_of(ctx: Context, order_id: str) -> str:
    from backend.domain.orders import service as orders

    async with unit_of_work(ctx) as session:
        brief = await orders.order_brief(session, order_id=uuid.UUID(order_id))
    assert brief is not None and brief.vehicle_id is not None
    return str(brief.vehicle_id)

