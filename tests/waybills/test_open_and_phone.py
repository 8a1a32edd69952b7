"""The machine interface's waybill (create, receipt by the buyer), the driver's phone upload
(field-level refusals, acceptance into the stream) and the regulators' zones."""

from __future__ import annotations

from datetime import timedelta

import httpx
from litestar import Litestar

from backend import clock as backend_clock
from backend.context import Context
from geo.position import decode_positions
from tests.orders import pass_helpers as ph
from tests.sites import helpers as sh
from tests.waybills import helpers as h


async def test_open_api_creates_then_the_buyers_weighing_receives(ctx: Context, client: httpx.AsyncClient,
                                                                   app: Litestar) -> None:
    lw = await h.ticketed(ctx, client, app)
    erp = ph.machine(app, lw.gw.erp)
    route = {"type": "LineString", "coordinates": [list(h.GATE), list(sh.offset(*h.GATE, north_m=2000.0)), list(h.DEST)]}
    r = await erp.post("/open/v1/waybills", json={"orderNo": lw.gw.order["orderNo"], "route": route, "widthM": 500})
    assert r.status_code == 201 and r.json()["corridorWidthM"] == 500 and r.json()["openedBy"] == "open_api", r.text
    no = r.json()["waybillNo"]
    r = await erp.post("/open/v1/waybills", json={"orderNo": lw.gw.order["orderNo"]})
    assert r.status_code == 200 and r.json()["waybillNo"] == no, r.text
    await h.gate_out(client, app, lw)  # the gate finds the waybill there: still one
    assert (await h.mine_get(client, lw, "/api/mine/waybills"))["total"] == 1
    r = await erp.post("/open/v1/waybills", json={"orderNo": "TM00000000000"})
    assert r.status_code == 404 and r.json()["field"] == "orderNo", r.text
    r = await erp.post("/open/v1/waybills", json={"orderNo": lw.gw.order["orderNo"], "route": {"type": "LineString",
                                                  "coordinates": [[38.2, 107.5], [38.3, 107.6]]}})
    assert r.status_code == 422 and r.json()["field"] == "route", r.text

    receipt = {"netKg": 28_950, "weighedAt": (backend_clock.now() + timedelta(minutes=1)).isoformat()}
    r = await erp.post(f"/open/v1/waybills/{no}/receipt", json=receipt)
    assert r.status_code == 404, r.text  # the seller is not the consignee
    buyer = ph.machine(app, await ph.key(client, lw.gw.w.parties.buyer_id, lw.gw.w.parties.buyer))
    r = await buyer.post(f"/open/v1/waybills/{no}/receipt", json=receipt)
    assert r.status_code == 200 and r.json()["status"] == "received" and r.json()["receivedNetKg"] == 28_950, r.text
    r = await buyer.post(f"/open/v1/waybills/{no}/receipt", json=receipt)
    assert r.status_code == 409 and r.json()["code"] == "waybill_received", r.text


async def test_phone_upload_names_the_bad_item_and_streams_the_good_batch(ctx: Context, client: httpx.AsyncClient,
                                                                          app: Litestar) -> None:
    lw = await h.ticketed(ctx, client, app)
    await h.gate_out(client, app, lw)
    now = backend_clock.now()
    good = [{"fixAt": (now - timedelta(seconds=30 - i)).isoformat(), "lon": 107.51 + i * 1e-4, "lat": 38.2,
             "speedKmh": 40, "accuracyM": 8} for i in range(3)]
    bad = [*good, {"fixAt": now.isoformat(), "lon": 107.5, "lat": 91.0}]
    r = await client.post("/api/driver/positions", json={"positions": bad}, headers=lw.gw.trucker.headers)
    assert r.status_code == 422 and r.json()["field"] == "positions[3].lat", r.text
    naive = [{"fixAt": now.replace(tzinfo=None).isoformat(), "lon": 107.5, "lat": 38.2}]
    r = await client.post("/api/driver/positions", json={"positions": naive}, headers=lw.gw.trucker.headers)
    assert r.status_code == 422 and r.json()["field"] == "positions[0].fixAt", r.text
    assert await ctx.redis.xlen(ctx.settings.gps_stream) == 0
    r = await client.post("/api/driver/positions", json={"positions": good}, headers=lw.gw.trucker.headers)
    assert r.status_code == 200 and r.json()["accepted"] == 3, r.text
    entries = await ctx.redis.xrange(ctx.settings.gps_stream)
    sent = decode_positions(entries[0][1][b"p"])
    assert [p.source for p in sent] == ["phone"] * 3 and sent[0].vehicle_id == await h.vehicle_id(ctx, lw)
    r = await client.post("/api/driver/positions", json={"positions": good, "vehicleId": str(lw.gw.device_id)},
                          headers=lw.gw.trucker.headers)
    assert r.status_code == 404 and r.json()["field"] == "vehicleId", r.text


async def test_regulators_draw_and_delete_zones_in_their_region(ctx: Context, client: httpx.AsyncClient) -> None:
    _, reg = await sh.regulator(ctx, client, "150623")
    _, other = await sh.regulator(ctx, client, "150621")
    body = {"kind": "coverage_hole", "name": "山谷盲区", "regionCode": "150623", "geometry": sh.rect(width_m=3000.0)}
    r = await client.post("/api/regulator/zones", json=body, headers=reg)
    assert r.status_code == 201 and r.json()["kind"] == "coverage_hole", r.text
    zone_id = r.json()["id"]
    r = await client.post("/api/regulator/zones", json=body, headers=other)
    assert r.status_code == 404, r.text
    bad = {**body, "geometry": {"type": "Polygon", "coordinates": [[[107.5, 38.2], [107.6, 38.2], [107.5, 38.3]]]}}
    r = await client.post("/api/regulator/zones", json=bad, headers=reg)
    assert r.status_code == 422 and r.json()["field"] == "geometry", r.text
    assert [z["id"] for z in (await client.get("/api/regulator/zones", headers=reg)).json()] == [zone_id]
    assert (await client.get("/api/regulator/zones", headers=other)).json() == []
    live = (await client.get("/api/regulator/tracking/live", headers=reg)).json()
    assert [z["id"] for z in live["zones"]] == [zone_id] and len(live["bbox"]) == 4
    assert (await client.delete(f"/api/regulator/zones/{zone_id}", headers=other)).status_code == 404
    assert (await client.delete(f"/api/regulator/zones/{zone_id}", headers=reg)).status_code == 204
