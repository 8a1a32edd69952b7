"""The trade and gate kinds raised the real way: a gate refusing a forged or altered pass, a gate
and a scale working at a site that is not open for sales, and a consignee's receipt (through
/open/v1) that disagrees with the mine's ticket, shows an overloaded truck or a price far from the
contract's. Each alert carries the ids an evidence pack collects."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta

import httpx
from litestar import Litestar

from backend import clock as backend_clock
from backend.context import Context
from devices.passcode import PassSigner, generate_signing_key
from devices.passcode.claims import decode_payload
from devices.passcode.codec import b64d, b64e
from tests.alerts import helpers as ah
from tests.orders import pass_helpers as ph
from tests.waybills import helpers as wbh
from tests.weighing import helpers as wh


def _of(alerts: list, kind: str) -> list:
    return [a for a in alerts if a.kind == kind]


async def test_forged_and_altered_passes_at_a_gate_alert_the_site(ctx: Context, client: httpx.AsyncClient,
                                                                  app: Litestar) -> None:
    gw = await ph.gate_world(ctx, client)
    p = await ph.driver_pass(client, gw.trucker, gw.order_id)
    await ph.call_in(ctx, client, gw)
    prefix, payload, signature = p["token"].split(".")
    claims = json.loads(b64d(payload))
    forger = PassSigner(private_key_pem=generate_signing_key()[0], kid=claims["k"])
    forged = forger.sign(decode_payload(json.dumps(claims, separators=(",", ":"), ensure_ascii=False).encode()))
    altered = f"{prefix}.{b64e(json.dumps(dict(claims, u=claims['u'] + 86_400), separators=(',', ':')).encode())}.{signature}"
    async with ph.machine(app, gw.device) as gate:
        assert (await ph.scan(gate, gw.site_id, ph.phone_code(dict(p, token=forged)), "in"))["code"] == "pass_forged"
        assert (await ph.scan(gate, gw.site_id, ph.phone_code(dict(p, token=forged)), "in",
                              plateRead=gw.trucker.plate))["code"] == "pass_forged"
        assert (await ph.scan(gate, gw.site_id, ph.phone_code(dict(p, token=altered)), "in"))["code"] == "pass_altered"
        assert (await ph.scan(gate, gw.site_id, ph.phone_code(p), "in"))["code"] == "ok"  # the real one: no alert
    alerts = await ah.all_alerts(ctx)
    assert sorted(a.kind for a in alerts) == ["pass_altered", "pass_forged"], alerts
    [f], [a] = _of(alerts, "pass_forged"), _of(alerts, "pass_altered")
    site = uuid.UUID(gw.site_id)
    assert (f.grade, f.site_id, f.count) == ("red", site, 2)  # the same site inside the window: one alert
    assert a.site_id == site and a.count == 1 and a.grade == "red"
    assert len(f.details["passSha256"]) == 64 and f.details["deviceId"] == gw.device_id
    assert f.details["transition"] == "in" and a.details["passSha256"] != f.details["passSha256"]
    assert {x.id for x in await ah.all_alerts(ctx, org_id=gw.w.parties.seller_id)} == {f.id, a.id}
    assert (await ah.evidence_found(ctx, f.id))["refused_pass"] is True


async def test_a_gate_and_a_scale_working_at_a_closed_site_alert(ctx: Context, client: httpx.AsyncClient,
                                                                 app: Litestar) -> None:
    lw = await wh.lane_world(ctx, client, app)  # called in from the queue
    r = await client.patch(f"/api/enterprise/sites/{lw.gw.site_id}", json={"status": "closed"},
                           headers=lw.gw.w.parties.seller)
    assert r.status_code == 200 and r.json()["status"] == "closed", r.text
    async with ph.machine(app, lw.gw.device) as gate:
        verdict = await ph.scan(gate, lw.gw.site_id, await wh.pass_code(client, lw), "in")
    assert verdict["code"] == "ok", verdict
    [alert] = await ah.all_alerts(ctx)
    assert (alert.kind, alert.grade, alert.site_id, alert.plate) == (
        "closed_site_activity", "red", uuid.UUID(lw.gw.site_id), lw.plate), alert
    assert alert.details["orderId"] == lw.order_id and alert.details["siteStatus"] == "closed"
    assert alert.ref == f"order:{lw.order_id}"
    # The scale then weighs the truck: counted on the same alert (same site, inside the window).
    tare = await wh.submit(lw, wh.weighing_body(lw, kind="tare", weight_kg=15_000))
    assert tare["accepted"], tare
    [alert] = await ah.all_alerts(ctx)
    assert (alert.kind, alert.count) == ("closed_site_activity", 2), alert
    assert (await ah.evidence_found(ctx, alert.id))["site_status"] is True


async def test_a_receipt_that_disagrees_shows_an_overload_and_an_off_contract_price(
        ctx: Context, client: httpx.AsyncClient, app: Litestar) -> None:
    lw = await wbh.ticketed(ctx, client, app)  # ticket: gross 44 t, tare 15 t, net 29 t; 6 axles, 49 t legal
    r = await ph.machine(app, lw.gw.erp).post("/open/v1/waybills", json={"orderNo": lw.gw.order["orderNo"]})
    assert r.status_code == 201, r.text
    no = r.json()["waybillNo"]
    buyer = ph.machine(app, await ph.key(client, lw.gw.w.parties.buyer_id, lw.gw.w.parties.buyer))
    receipt = {"netKg": 27_500, "grossKg": 50_500, "priceFenPerT": 90_000,
               "weighedAt": (backend_clock.now() + timedelta(minutes=1)).isoformat()}
    r = await buyer.post(f"/open/v1/waybills/{no}/receipt", json=receipt)
    assert r.status_code == 200 and r.json()["status"] == "received", r.text
    alerts = await ah.all_alerts(ctx)
    assert sorted(a.kind for a in alerts) == ["overload", "price_off_contract", "receipt_disagreement"], alerts
    [gap], [over], [price] = (_of(alerts, k) for k in ("receipt_disagreement", "overload", "price_off_contract"))
    site, seller = uuid.UUID(lw.gw.site_id), lw.gw.w.parties.seller_id
    assert (gap.grade, gap.site_id, gap.plate) == ("orange", site, lw.plate)
    assert gap.details["ticketNetKg"] == 29_000 and gap.details["receivedNetKg"] == 27_500
    assert gap.details["gapKg"] == -1_500 and gap.details["ticketNo"] and gap.details["ticketId"]
    assert gap.details["waybillNo"] == no
    # The truck was legal at the mine (44 t) and arrived at 50.5 t: topped up on the road, the
    # carrier's (a self-employed driver's truck has none: its seller's, by the catalogue's rule).
    assert (over.grade, over.site_id) == ("red", None)
    assert over.details["receivedGrossKg"] == 50_500 and over.details["legalGrossKg"] == 49_000
    assert over.details["ticketGrossKg"] == 44_000
    assert price.details["priceFenPerT"] == 90_000 and price.details["contractPriceFenPerT"] == 68_000
    assert price.details["contractId"] == lw.gw.w.contract["id"] and price.grade == "yellow"
    assert {a.id for a in await ah.all_alerts(ctx, org_id=seller)} == {gap.id, over.id, price.id}
    found = await ah.evidence_found(ctx, gap.id)
    assert found["receipt"] and found["ticket"], found
    assert (await ah.evidence_found(ctx, price.id))["contract"] is True


async def test_a_receipt_within_the_tolerances_raises_nothing(ctx: Context, client: httpx.AsyncClient,
                                                             app: Litestar) -> None:
    lw = await wbh.ticketed(ctx, client, app)
    r = await ph.machine(app, lw.gw.erp).post("/open/v1/waybills", json={"orderNo": lw.gw.order["orderNo"]})
    assert r.status_code == 201, r.text
    buyer = ph.machine(app, await ph.key(client, lw.gw.w.parties.buyer_id, lw.gw.w.parties.buyer))
    # 29 t ticketed: 290 kg (1 %) either way is the scales' difference; 49 t legal; 5 % off the price.
    receipt = {"netKg": 28_750, "grossKg": 49_000, "priceFenPerT": 71_400,
               "weighedAt": (backend_clock.now() + timedelta(minutes=1)).isoformat()}
    r = await buyer.post(f"/open/v1/waybills/{r.json()['waybillNo']}/receipt", json=receipt)
    assert r.status_code == 200, r.text
    assert await ah.all_alerts(ctx) == []
