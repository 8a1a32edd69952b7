"""Issue 4's first "done when": contract → order → dispatch → check-in → call → pass verification,
every step over HTTP as the apps and a gate make it, on whichever backend the suite runs on."""

from __future__ import annotations

from backend.db.unit import unit_of_work
from tests.contracts import helpers as ch
from tests.orders import helpers as oh
from tests.orders import pass_helpers as ph


async def test_contract_to_the_gate_over_http(ctx, client, app):
    # The contract: drafted, scanned, filed by the mine, confirmed by the power plant.
    p = await ch.parties(ctx, client)
    contract = await ch.active(client, p, quantityKg=300_000)
    site = await oh.sh.create_site(client, p.seller, p.seller_id, checkinZone=oh.sh.CHECKIN_ZONE)
    _, _, dispatcher = await oh.sh.member(ctx, client, role="dispatcher", org_id=p.seller_id)
    w = oh.World(p, contract, site, dispatcher)
    # The order, its truck and driver.
    trucker = await oh.trucker(ctx, client)
    order = await oh.issue(client, w, plannedKg=30_000)
    r = await oh.dispatch(client, w, order["id"], trucker)
    assert r.status_code == 200 and r.json()["status"] == "dispatched", r.text
    assert (await oh.progress(client, w))["reservedKg"] == 30_000
    # 签到 from the road: first too far away (the answer says how far), then inside the zone.
    far_lon, far_lat = oh.sh.offset(oh.sh.LON, oh.sh.LAT, north_m=-8_000)
    r = await client.post(f"/api/driver/orders/{order['id']}/check-in", json={"lon": far_lon, "lat": far_lat},
                          headers=trucker.headers)
    assert r.status_code == 422 and r.json()["code"] == "checkin_outside_zone", r.text
    assert "7.7 km" in r.json()["message_zh"] and "7.7 km" in r.json()["message_en"], r.json()
    gw = ph.GateWorld(w=w, order=order, trucker=trucker, site_id=str(site["id"]),
                      erp=await ph.key(client, p.seller_id, p.seller), device=await ph.key(client, p.seller_id, p.seller),
                      device_id="")
    card = await ph.check_in(client, gw)
    assert card["position"] == 1 and card["ahead"] == 0
    # Not called yet: the gate refuses.
    gate = ph.machine(app, gw.erp)
    driver_pass = await ph.driver_pass(client, trucker, order["id"])
    early = await ph.scan(gate, site["id"], ph.phone_code(driver_pass), plateRead=trucker.plate)
    assert (early["accepted"], early["code"]) == (False, "order_not_called")
    # The dispatcher calls the next truck; the driver's card says so.
    r = await client.post(f"/api/mine/sites/{site['id']}/queue/call", json={"line": "mixed_coal", "count": 1},
                          headers=dispatcher)
    assert r.status_code == 200, r.text
    card = (await client.get(f"/api/driver/queue/{order['id']}", headers=trucker.headers)).json()
    assert card["state"] == "called" and card["callDeadlineAt"]
    inbox = (await client.get("/api/notices/inbox", headers=trucker.headers)).json()["items"]
    assert any(n["kind"] == "queue_called" for n in inbox)
    # The pass at the gate: accepted once; the same code again is a replay.
    code = ph.phone_code(driver_pass)
    entered = await ph.scan(gate, site["id"], code, plateRead=trucker.plate)
    assert (entered["accepted"], entered["orderNo"]) == (True, order["orderNo"])
    replay = await ph.scan(gate, site["id"], code, plateRead=trucker.plate)
    assert (replay["accepted"], replay["code"]) == (False, "pass_replayed")
    detail = (await client.get(f"/api/mine/orders/{order['id']}", headers=dispatcher)).json()
    assert [t["toStatus"] for t in detail["transitions"]] == ["issued", "dispatched", "entered"]
    card = (await client.get(f"/api/driver/queue/{order['id']}", headers=trucker.headers)).json()
    assert card["state"] == "served"
    await gate.aclose()


async def test_a_called_driver_is_told_on_every_channel_he_has(ctx, client):
    from sqlalchemy import select

    from backend.domain.notices.models import Notice, NoticeDelivery
    from tests.notices.helpers import Browser

    w = await oh.world(ctx, client)
    order, t = await oh.dispatched(ctx, client, w)
    r = await client.post("/api/notices/devices", json={"token": "fcm-token-of-the-drivers-phone", "platform": "android"},
                          headers=t.headers)
    assert r.status_code == 200, r.text
    r = await client.post("/api/notices/webpush-subscriptions",
                          json=Browser().subscription("http://127.0.0.1:9/push/driver-phone"), headers=t.headers)
    assert r.status_code == 200, r.text
    gw = ph.GateWorld(w=w, order=order, trucker=t, site_id=str(w.site["id"]), erp=ph.Key("", ""),
                      device=ph.Key("", ""), device_id="")
    await ph.check_in(client, gw)
    r = await client.post(f"/api/mine/sites/{w.site['id']}/queue/call", json={"line": "mixed_coal", "count": 1},
                          headers=w.dispatcher)
    assert r.status_code == 200, r.text
    async with unit_of_work(ctx) as session:
        notice_id = (await session.execute(select(Notice.id).where(Notice.kind == "queue_called"))).scalar_one()
        channels = (await session.execute(
            select(NoticeDelivery.channel).where(NoticeDelivery.notice_id == notice_id))).scalars().all()
    assert sorted(channels) == ["fcm", "inbox", "sms", "webpush"]


async def test_a_guard_checks_the_pass_by_hand(ctx, client):
    w = await oh.world(ctx, client)
    order, t = await oh.dispatched(ctx, client, w)
    gw = ph.GateWorld(w=w, order=order, trucker=t, site_id=str(w.site["id"]), erp=ph.Key("", ""),
                      device=ph.Key("", ""), device_id="")
    await ph.call_in(ctx, client, gw)
    code = ph.phone_code(await ph.driver_pass(client, t, order["id"]))
    body = {"code": code, "siteId": str(w.site["id"]), "transition": "in"}
    # Another mine's guard: the site is not found, as if it did not exist.
    _, _, stranger = await oh.sh.member(ctx, client, role="dispatcher", kind="mine")
    assert (await client.post("/api/mine/gate/verify", json=body, headers=stranger)).status_code == 404
    r = await client.post("/api/mine/gate/verify", json=body, headers=w.dispatcher)
    assert r.status_code == 200 and r.json()["accepted"] is True, r.text
    again = (await client.post("/api/mine/gate/verify", json=body, headers=w.dispatcher)).json()
    assert (again["accepted"], again["code"]) == (False, "pass_replayed")
    detail = (await client.get(f"/api/mine/orders/{order['id']}", headers=w.dispatcher)).json()
    entered = detail["transitions"][-1]
    assert entered["toStatus"] == "entered" and entered["actorLabel"].endswith(")")  # a person, masked phone
