"""Pickup orders over HTTP: issue (one, a batch), dispatch with its checks, cancel, expiry, the
transition log, 409 on illegal moves, and who sees what."""

from __future__ import annotations

from datetime import timedelta

from backend.db.base import utcnow
from backend.db.unit import unit_of_work
from backend.domain.orders import lifecycle
from tests import factories as f
from tests.contracts import helpers as ch
from tests.drivers import helpers as dh
from tests.orders import helpers as oh
from tests.sites import helpers as sh


async def test_issue_reserves_and_dispatch_assigns_the_truck(ctx, client):
    w = await oh.world(ctx, client)
    order = await oh.issue(client, w, plannedKg=30_000, note="早班")
    assert order["status"] == "issued" and order["orderNo"].startswith("TM") and len(order["orderNo"]) == 16
    assert order["productLabel"]["zh"] == "混煤" and order["siteName"] == w.site["name"]
    assert (await oh.progress(client, w))["reservedKg"] == 30_000
    t = await oh.trucker(ctx, client)
    r = await oh.dispatch(client, w, order["id"], t)
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "dispatched" and r.json()["plate"] == t.plate and r.json()["driverName"] == "王建国"
    # The driver sees it among his orders, and nobody else's.
    mine = (await client.get("/api/driver/orders", headers=t.headers)).json()
    assert [o["id"] for o in mine["items"]] == [order["id"]]
    detail = (await client.get(f"/api/mine/orders/{order['id']}", headers=w.dispatcher)).json()
    assert [(s["fromStatus"], s["toStatus"]) for s in detail["transitions"]] == [(None, "issued"), ("issued", "dispatched")]
    assert all(s["actorLabel"] for s in detail["transitions"])


async def test_a_batch_is_all_or_nothing(ctx, client):
    w = await oh.world(ctx, client, quantity_kg=100_000)
    r = await client.post("/api/mine/orders", json=oh.issue_body(w, plannedKg=30_000, count=3), headers=w.parties.sales)
    assert r.status_code == 201 and len(r.json()) == 3 and len({o["batchId"] for o in r.json()}) == 1
    r = await client.post("/api/mine/orders", json=oh.issue_body(w, plannedKg=5_000, count=3), headers=w.parties.sales)
    ch.refusal(r, 409, "contract_capacity_exceeded", "plannedKg")
    progress = await oh.progress(client, w)
    assert (progress["reservedKg"], progress["remainingKg"]) == (90_000, 10_000)
    total = (await client.get("/api/mine/orders", params={"contract_id": w.contract["id"]}, headers=w.parties.sales)).json()
    assert total["total"] == 3


async def test_issue_refusals_name_the_field(ctx, client):
    w = await oh.world(ctx, client)
    cases = [
        ({"plannedKg": 60_000}, 422, "order_planned_kg", "plannedKg"),
        ({"count": 0}, 422, "order_count", "count"),
        ({"validFrom": (utcnow() + timedelta(days=2)).isoformat(),
          "validUntil": (utcnow() + timedelta(days=1)).isoformat()}, 422, "order_validity", "validUntil"),
        ({"validUntil": (utcnow() + timedelta(days=10)).isoformat()}, 422, "order_validity", "validUntil"),
        ({"carrierOrgId": str(w.parties.buyer_id)}, 422, "order_carrier_invalid", "carrierOrgId"),
    ]
    for override, status, code, field in cases:
        r = await client.post("/api/mine/orders", json=oh.issue_body(w, **override), headers=w.parties.sales)
        ch.refusal(r, status, code, field)
    # Another mine's site: the order cannot be drawn there.
    _, other_org, other_admin = await sh.member(ctx, client, role="enterprise_admin", kind="mine")
    other_site = await sh.create_site(client, other_admin, other_org, name="别家煤场")
    r = await client.post("/api/mine/orders", json=oh.issue_body(w, siteId=other_site["id"]), headers=w.parties.sales)
    ch.refusal(r, 422, "order_site_not_sellers", "siteId")
    # The mine's dispatcher reads but does not issue; the buyer's staff cannot issue either.
    r = await client.post("/api/mine/orders", json=oh.issue_body(w), headers=w.dispatcher)
    assert r.status_code == 403, r.text
    # Nothing of this reserved anything.
    assert (await oh.progress(client, w))["reservedKg"] == 0


async def test_a_draft_or_filed_contract_takes_no_orders(ctx, client):
    w = await oh.world(ctx, client)
    filed = await ch.filed(client, w.parties)
    r = await client.post("/api/mine/orders", json=oh.issue_body(w, contractId=filed["id"]), headers=w.parties.sales)
    ch.refusal(r, 409, "contract_not_active", "contractId")


async def test_dispatch_checks_driver_truck_and_load(ctx, client):
    w = await oh.world(ctx, client)
    order = await oh.issue(client, w, plannedKg=30_000)
    small = await oh.trucker(ctx, client, body="truck", axleCount=2, ratedLoadKg=8_000)
    r = await oh.dispatch(client, w, order["id"], small)
    ch.refusal(r, 409, "order_vehicle_overweight", "plate")
    assert "GB 1589" in r.json()["message_zh"]
    t = await oh.trucker(ctx, client)
    other = await oh.trucker(ctx, client)
    # Another driver's truck: he neither owns it nor drives for its carrier.
    r = await client.post(f"/api/mine/orders/{order['id']}/dispatch",
                          json={"plate": t.plate, "driverPhone": other.phone}, headers=w.dispatcher)
    ch.refusal(r, 422, "order_driver_unmatched", "driverPhone")
    registered = r.content
    r = await client.post(f"/api/mine/orders/{order['id']}/dispatch",
                          json={"plate": "蒙A00000", "driverPhone": t.phone}, headers=w.dispatcher)
    ch.refusal(r, 422, "order_vehicle_unknown", "plate")
    r = await client.post(f"/api/mine/orders/{order['id']}/dispatch",
                          json={"plate": t.plate, "driverPhone": "13900000009"}, headers=w.dispatcher)
    ch.refusal(r, 422, "order_driver_unmatched", "driverPhone")
    # A registered driver and a phone nobody registered answer byte for byte alike (issue 12: no fishing).
    assert r.content == registered
    # Blacklisted by a regulator of his region: no dispatch.
    _, regulator = await sh.regulator(ctx, client, "150602")
    await f.step_up(client, regulator)  # blacklisting asks for the TOTP code again
    r = await client.post(f"/api/regulator/drivers/{t.driver_id}/status", json={"status": "blacklisted", "reason": "屡次超载"},
                           headers=regulator)
    assert r.status_code == 200, r.text
    ch.refusal(await oh.dispatch(client, w, order["id"], t), 409, "order_driver_blacklisted", "driverPhone")
    # One truck, one open order.
    ok = await oh.trucker(ctx, client)
    assert (await oh.dispatch(client, w, order["id"], ok)).status_code == 200
    second = await oh.issue(client, w)
    ch.refusal(await oh.dispatch(client, w, second["id"], ok), 409, "order_vehicle_busy", "plate")


async def test_carrier_dispatches_only_its_own_fleet(ctx, client):
    w = await oh.world(ctx, client)
    carrier_id, carrier = await dh.member(client, ctx, role="carrier_admin", kind="carrier")
    order = await oh.issue(client, w, carrierOrgId=str(carrier_id))
    assert order["carrierName"]
    outsider = await oh.trucker(ctx, client)
    r = await client.post(f"/api/enterprise/orders/{order['id']}/dispatch",
                          json={"plate": outsider.plate, "driverPhone": outsider.phone}, headers=carrier)
    ch.refusal(r, 422, "order_driver_unmatched", "driverPhone")
    # The carrier sees the order; a stranger carrier does not (404, as if it did not exist).
    assert (await client.get(f"/api/enterprise/orders/{order['id']}", headers=carrier)).status_code == 200
    _, stranger = await dh.member(client, ctx, role="carrier_admin", kind="carrier")
    assert (await client.get(f"/api/enterprise/orders/{order['id']}", headers=stranger)).status_code == 404
    r = await client.post(f"/api/enterprise/orders/{order['id']}/dispatch",
                          json={"plate": outsider.plate, "driverPhone": outsider.phone}, headers=stranger)
    assert r.status_code == 404


async def test_cancel_releases_and_illegal_moves_are_409(ctx, client):
    w = await oh.world(ctx, client)
    order, t = await oh.dispatched(ctx, client, w)
    assert (await oh.progress(client, w))["reservedKg"] == 30_000
    url = f"/api/mine/orders/{order['id']}/cancel"
    r = await client.post(url, json={"reason": "买方暂停接收"}, headers=w.dispatcher)
    assert r.status_code == 403  # dispatchers assign trucks; sales void orders
    r = await client.post(url, json={"reason": "买方暂停接收"}, headers=w.parties.sales)
    assert r.status_code == 200 and r.json()["status"] == "cancelled", r.text
    assert (await oh.progress(client, w))["reservedKg"] == 0
    ch.refusal(await client.post(url, json={"reason": "再次"}, headers=w.parties.sales), 409,
               "order_illegal_transition", "status")
    ch.refusal(await oh.dispatch(client, w, order["id"], t), 409, "order_illegal_transition", "status")
    # The truck is free again for another order.
    again = await oh.issue(client, w)
    assert (await oh.dispatch(client, w, again["id"], t)).status_code == 200
    inbox = (await client.get("/api/notices/inbox", headers=t.headers)).json()
    assert any(n["kind"] == "order_cancelled" for n in inbox["items"]), inbox


async def test_expiry_job_lapses_orders_and_releases(ctx, client):
    w = await oh.world(ctx, client)
    soon = utcnow() + timedelta(seconds=2)
    lapsing, _ = await oh.dispatched(ctx, client, w, validUntil=soon.isoformat())
    lasting = await oh.issue(client, w)
    assert (await oh.progress(client, w))["reservedKg"] == 60_000
    async with unit_of_work(ctx) as session:
        assert await lifecycle.expire_orders(session, ctx=ctx, now=soon + timedelta(seconds=1)) == 1
        assert await lifecycle.expire_orders(session, ctx=ctx, now=soon + timedelta(seconds=1)) == 0
    lapsed = (await client.get(f"/api/mine/orders/{lapsing['id']}", headers=w.parties.sales)).json()
    assert lapsed["order"]["status"] == "expired"
    assert lapsed["transitions"][-1]["actorLabel"].startswith("系统")
    assert (await client.get(f"/api/mine/orders/{lasting['id']}", headers=w.parties.sales)).json()["order"]["status"] == "issued"
    assert (await oh.progress(client, w))["reservedKg"] == 30_000


async def test_visibility(ctx, client):
    w = await oh.world(ctx, client)
    order, t = await oh.dispatched(ctx, client, w)
    other, _ = await dh.driver(client, ctx)
    other_headers = {"Authorization": f"Bearer {other['tokens']['accessToken']}"}
    assert (await client.get(f"/api/driver/orders/{order['id']}", headers=t.headers)).status_code == 200
    assert (await client.get(f"/api/driver/orders/{order['id']}", headers=other_headers)).status_code == 404
    # The buyer sees it through the enterprise app; another mine does not.
    assert (await client.get(f"/api/enterprise/orders/{order['id']}", headers=w.parties.buyer)).status_code == 200
    _, _, stranger = await sh.member(ctx, client, role="sales", kind="mine")
    assert (await client.get(f"/api/mine/orders/{order['id']}", headers=stranger)).status_code == 404
    assert (await client.get("/api/mine/orders", headers=stranger)).json()["total"] == 0
    # Regulators of the site's region (150623) see it; those of another banner do not.
    _, here = await sh.regulator(ctx, client, "150623")
    _, there = await sh.regulator(ctx, client, "150602")
    assert (await client.get("/api/enterprise/orders", headers=here)).json()["total"] == 1
    assert (await client.get("/api/enterprise/orders", headers=there)).json()["total"] == 0


async def test_the_contract_page_lists_its_orders(ctx, client):
    w = await oh.world(ctx, client)
    dispatched, t = await oh.dispatched(ctx, client, w)
    waiting = await oh.issue(client, w, plannedKg=25_000)
    cancelled = await oh.issue(client, w)
    r = await client.post(f"/api/mine/orders/{cancelled['id']}/cancel", json={"reason": "重复开单"},
                          headers=w.parties.sales)
    assert r.status_code == 200, r.text
    page = await client.get(f"/enterprise/contracts/{w.contract['id']}", headers=w.parties.buyer)
    assert page.status_code == 200, page.text
    text = " ".join(page.text.split())
    assert "共 3 张，其中未完成 2 张" in text
    for order in (dispatched, waiting, cancelled):
        assert f'data-order="{order["orderNo"]}"' in page.text
    assert t.plate in text and "已派车" in text and "已作废" in text and "25 吨" in text
    english = await client.get(f"/enterprise/contracts/{w.contract['id']}?lang=en", headers=w.parties.buyer)
    assert "3 in all, 2 open" in " ".join(english.text.split())
