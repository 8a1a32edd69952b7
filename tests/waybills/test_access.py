"""Who sees a waybill and its track, over HTTP.

Two waybills from two mines in Otog Front Banner (150623): A, sold by the first mine to a power plant
in Dalad Banner (150621) and carried by a carrier's driver; B, of another mine with a self-employed
driver. Each caller reads three families of routes (the mine app's, the regulator's, the driver's):
the list holds exactly the waybills it may see, a detail it may not see answers exactly as a waybill
that does not exist (404, same body), a role the app is not for gets 403 before anything is looked
up, an anonymous caller 401. Whoever sees A sees the same track (simplified) and events.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest
from litestar import Litestar

from backend.context import Context
from backend.domain.tracking import gps_events, positions
from geo.pipeline import model as m
from geo.position import Position, decode_positions
from tests.drivers import helpers as dh
from tests.orders import helpers as oh
from tests.orders import pass_helpers as ph
from tests.sites import helpers as sh
from tests.waybills import helpers as h
from tests.weighing import helpers as wh

MISSING = "YD2026010112345678"  # shaped like a waybill number; no such waybill
FAMILIES = {"mine": "/api/mine/waybills", "regulator": "/api/regulator/waybills", "driver": "/api/driver/waybills"}


@dataclass(frozen=True)
class World:
    a: str  # waybill numbers
    b: str
    viewers: dict[str, dict[str, str]]  # name -> headers ({} for nobody signed in)


async def _carried(ctx: Context, client: httpx.AsyncClient, app: Litestar,
                   ) -> tuple[wh.LaneWorld, dict[str, str]]:
    """A ticketed load of an order naming a carrier, driven by the carrier's driver in his own truck
    (挂靠), gone out through the gate; returns it and the carrier admin's headers."""
    w = await oh.world(ctx, client, destinationLon=h.DEST[0], destinationLat=h.DEST[1])
    carrier_id, carrier = await dh.member(client, ctx, role="carrier_admin", kind="carrier")
    t = await oh.trucker(ctx, client)
    await dh.bind(client, carrier=carrier_id, carrier_admin=carrier, driver_phone=t.phone, driver_headers=t.headers)
    order = await oh.issue(client, w, carrierOrgId=str(carrier_id))
    r = await oh.dispatch(client, w, order["id"], t)
    assert r.status_code == 200, r.text
    seller, admin = w.parties.seller_id, w.parties.seller
    device_id = await ph.add_device(client, admin, w.site["id"])
    gw = ph.GateWorld(w=w, order=r.json(), trucker=t, site_id=str(w.site["id"]), erp=await ph.key(client, seller, admin),
                      device=await ph.key(client, seller, admin, deviceId=device_id), device_id=device_id)
    lane_id = await wh.add_lane(client, admin, gw.site_id)
    key, code = await wh.lane_key(client, admin, seller, gw.site_id, lane_id)
    await ph.call_in(ctx, client, gw)
    lw = wh.LaneWorld(gw=gw, lane_id=lane_id, key=key, lane=ph.machine(app, key), device_code=code)
    assert (await wh.identify(lw, code=await wh.pass_code(client, lw)))["accepted"]
    t0 = datetime.now().astimezone() - timedelta(minutes=40)
    assert (await wh.submit(lw, wh.weighing_body(lw, kind="tare", weight_kg=15_000, at=t0)))["accepted"]
    assert (await wh.submit(lw, wh.weighing_body(lw, kind="gross", weight_kg=44_000,
                                                 at=t0 + timedelta(minutes=30))))["accepted"]
    await h.gate_out(client, app, lw)
    return lw, carrier


async def _only(client: httpx.AsyncClient, headers: dict[str, str]) -> dict[str, Any]:
    r = await client.get("/api/mine/waybills", headers=headers)
    assert r.status_code == 200 and r.json()["total"] == 1, r.text
    result: dict[str, Any] = r.json()["items"][0]
    return result


@pytest.fixture
async def world(ctx: Context, client: httpx.AsyncClient, app: Litestar) -> World:
    lw, carrier = await _carried(ctx, client, app)
    other = await h.ticketed(ctx, client, app)
    await h.gate_out(client, app, other)
    a, b = await _only(client, lw.gw.w.parties.sales), await _only(client, other.gw.w.parties.sales)
    parties = lw.gw.w.parties
    viewers = {
        "seller_sales": parties.sales, "seller_dispatcher": lw.gw.w.dispatcher, "buyer_admin": parties.buyer,
        "buyer_dispatcher": parties.buyer_staff, "carrier_admin": carrier, "driver": lw.gw.trucker.headers,
        "other_carrier": (await dh.member(client, ctx, role="carrier_admin", kind="carrier"))[1],
        "other_mine": other.gw.w.parties.sales, "other_driver": other.gw.trucker.headers,
        "regulator_of_the_district": (await sh.regulator(ctx, client, "150623"))[1],
        "regulator_of_the_city": (await sh.regulator(ctx, client, "150600"))[1],
        "regulator_of_the_buyers_district": (await sh.regulator(ctx, client, "150621"))[1],
        "regulator_of_another_city": (await sh.regulator(ctx, client, "150300"))[1],
        "platform_admin": await dh.platform_admin(client, ctx),
        "anonymous": {},
    }
    await _track(ctx, vehicle=await h.vehicle_id(ctx, lw), waybill_id=uuid.UUID(a["id"]),
                 departed_at=datetime.fromisoformat(a["departedAt"]))
    return World(a=a["waybillNo"], b=b["waybillNo"], viewers=viewers)


async def _track(ctx: Context, *, vehicle: str, waybill_id: uuid.UUID, departed_at: datetime) -> None:
    """A's truck on a straight road to its gate for the last three minutes (20 fixes), and one event."""
    t_end = departed_at.timestamp()
    road = h.line(sh.offset(*h.GATE, east_m=-2_000.0), h.GATE, 19)
    fixes = [Position(vehicle_id=vehicle, fix_at_s=t_end - 180 + 9 * i, lon=lon, lat=lat, speed_kmh=40.0,
                      received_at_s=t_end) for i, (lon, lat) in enumerate([sh.offset(*h.GATE, east_m=-2_100.0), *road])]
    event = m.Event(kind=m.CORRIDOR_LEAVE, vehicle_id=vehicle, at_s=t_end - 9, lon=road[-2][0], lat=road[-2][1],
                    waybill_id=str(waybill_id))
    async with ctx.sessions() as session:
        await positions.insert_positions(session, positions=fixes, now_s=t_end)
        await gps_events.store(session, events=[event], plates={}, waybill_of={})
        await session.commit()


# What a visible detail shows: (stored fixes, points drawn after simplification, event kinds).
SHOWN = {"A": (20, 2, ["corridor_leave"]), "B": (0, 0, [])}


# What each caller gets in each family: the waybills it sees ("A", "B"), or the status every route
# of that family answers it (403: not this app's role; 401: not signed in). The driver's family has
# no list; "current" is the open waybill of the truck the caller drives.
MATRIX: dict[str, tuple[dict[str, str | int], str | None]] = {
    "seller_sales": ({"mine": "A", "regulator": 403, "driver": ""}, None),
    "seller_dispatcher": ({"mine": "A", "regulator": 403, "driver": ""}, None),
    "buyer_admin": ({"mine": "A", "regulator": 403, "driver": ""}, None),
    "buyer_dispatcher": ({"mine": "A", "regulator": 403, "driver": ""}, None),
    "carrier_admin": ({"mine": "A", "regulator": 403, "driver": ""}, None),
    "driver": ({"mine": 403, "regulator": 403, "driver": "A"}, "A"),
    "other_carrier": ({"mine": "", "regulator": 403, "driver": ""}, None),
    "other_mine": ({"mine": "B", "regulator": 403, "driver": ""}, None),
    "other_driver": ({"mine": 403, "regulator": 403, "driver": "B"}, "B"),
    "regulator_of_the_district": ({"mine": 403, "regulator": "AB", "driver": ""}, None),
    "regulator_of_the_city": ({"mine": 403, "regulator": "AB", "driver": ""}, None),
    "regulator_of_the_buyers_district": ({"mine": 403, "regulator": "", "driver": ""}, None),
    "regulator_of_another_city": ({"mine": 403, "regulator": "", "driver": ""}, None),
    "platform_admin": ({"mine": "AB", "regulator": "AB", "driver": "AB"}, None),
    "anonymous": ({"mine": 401, "regulator": 401, "driver": 401}, None),
}


async def _family(client: httpx.AsyncClient, w: World, headers: dict[str, str], family: str,
                  expected: str | int) -> list[str]:
    """Every mismatch between what `headers` gets from `family` and `expected`."""
    base, numbers = FAMILIES[family], {"A": w.a, "B": w.b}
    wrong: list[str] = []
    if isinstance(expected, int):
        urls = [base, f"{base}/{MISSING}", f"{base}/{w.a}", f"{base}/{w.b}"] if family != "driver" else [
            f"{base}/{MISSING}", f"{base}/{w.a}", f"{base}/{w.b}", f"{base}/current"]
        for url in urls:
            r = await client.get(url, headers=headers)
            if r.status_code != expected:
                wrong.append(f"{url} -> {r.status_code}, not {expected}")
        return wrong
    missing = await client.get(f"{base}/{MISSING}", headers=headers)
    if missing.status_code != 404 or missing.json().get("code") != "not_found":
        wrong.append(f"{base}/{MISSING} -> {missing.status_code} {missing.text}")
    if family != "driver":
        for query in ("", "?status=open"):
            r = await client.get(base + query, headers=headers)
            seen = sorted(i["waybillNo"] for i in r.json()["items"]) if r.status_code == 200 else r.text
            if seen != sorted(numbers[k] for k in expected) or r.json().get("total") != len(expected):
                wrong.append(f"{base}{query} -> {seen}, not {expected or 'nothing'}")
    for name, no in numbers.items():
        r = await client.get(f"{base}/{no}", headers=headers)
        if name in expected:
            body = r.json()
            shown = (body.get("trackPoints"), len(body.get("track", {}).get("coordinates", [])),
                     [e["kind"] for e in body.get("events", [])])
            if r.status_code != 200 or body["waybillNo"] != no or shown != SHOWN[name]:
                wrong.append(f"{base}/{name} -> {r.status_code} {shown} {r.text[:200]}")
        elif (r.status_code, r.content) != (missing.status_code, missing.content):
            wrong.append(f"{base}/{name} -> {r.status_code} {r.text[:200]}: not as a missing waybill")
    return wrong


async def test_each_caller_sees_exactly_the_waybills_it_should(client: httpx.AsyncClient, world: World) -> None:
    wrong: list[str] = []
    for who, (families, current) in MATRIX.items():
        headers = world.viewers[who]
        for family, expected in families.items():
            wrong += [f"{who}: {w}" for w in await _family(client, world, headers, family, expected)]
        if not headers:
            continue
        r = await client.get("/api/driver/waybills/current", headers=headers)
        got = r.json().get("waybillNo") if r.status_code == 200 else r.status_code
        want = {"A": world.a, "B": world.b}[current] if current else 404
        if got != want:
            wrong.append(f"{who}: current -> {got}, not {want}")
    assert not wrong, "\n".join(wrong)


async def test_only_the_driver_of_the_truck_adds_to_its_track(ctx: Context, client: httpx.AsyncClient,
                                                              app: Litestar) -> None:
    lw = await h.ticketed(ctx, client, app)
    await h.gate_out(client, app, lw)
    vehicle = await h.vehicle_id(ctx, lw)
    stranger = await oh.trucker(ctx, client)  # another driver, with his own truck
    now = datetime.now().astimezone()
    body = {"vehicleId": vehicle, "positions": [{"fixAt": (now - timedelta(seconds=5)).isoformat(), "lon": h.GATE[0],
                                                 "lat": h.GATE[1], "speedKmh": 20}]}
    for headers, status in (({}, 401), (stranger.headers, 404), (lw.gw.w.parties.sales, 404),
                            (lw.gw.w.dispatcher, 404)):
        r = await client.post("/api/driver/positions", json=body, headers=headers)
        assert r.status_code == status, r.text
        if status == 404:
            assert r.json()["field"] == "vehicleId", r.text
    assert await ctx.redis.xlen(ctx.settings.gps_stream) == 0
    r = await client.post("/api/driver/positions", json=body, headers=lw.gw.trucker.headers)
    assert r.status_code == 200 and r.json() == {"accepted": 1, "vehicleId": vehicle}, r.text
    # Without a vehicle named, each driver's fixes go to the truck he drives, never to another's.
    r = await client.post("/api/driver/positions", json={"positions": body["positions"]}, headers=stranger.headers)
    assert r.status_code == 200 and r.json()["vehicleId"] != vehicle, r.text
    entries: Any = await ctx.redis.xrange(ctx.settings.gps_stream)
    sent = [decode_positions(fields[b"p"])[0].vehicle_id for _, fields in entries]
    assert sent == [vehicle, r.json()["vehicleId"]]
