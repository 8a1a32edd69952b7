"""Gate verification on /open/v1: a valid pass passes exactly once per transition; forged, altered,
replayed, expired, cancelled, wrong-site, wrong-plate and stale codes are each refused with their
own code, as a 200 answer (a refusal is an everyday answer at a gate)."""

from __future__ import annotations

import asyncio
import json
import uuid
from datetime import timedelta

from sqlalchemy import select, update

from backend.db.base import utcnow
from backend.db.unit import unit_of_work
from backend.domain.orders import lifecycle
from backend.domain.orders.models import GatePassage, PickupOrder
from backend.domain.queue import service as queue
from devices.passcode import PassSigner, generate_signing_key
from devices.passcode.claims import decode_payload
from devices.passcode.codec import b64d, b64e
from tests.drivers import helpers as dh
from tests.orders import helpers as oh
from tests.orders import pass_helpers as ph
from tests.sites import helpers as sh


async def _passages(ctx, order_id) -> list[tuple[str, str, int | None]]:
    async with unit_of_work(ctx) as session:
        rows = (await session.execute(select(GatePassage).where(GatePassage.order_id == uuid.UUID(str(order_id)))
                                      .order_by(GatePassage.at))).scalars().all()
    return [(r.transition, r.mode, r.totp_step) for r in rows]


async def _order(client, gw) -> dict:
    r = await client.get(f"/api/mine/orders/{gw.order_id}", headers=gw.w.dispatcher)
    assert r.status_code == 200, r.text
    return r.json()


async def test_a_valid_pass_passes_once_per_transition(app, ctx, client):
    gw = await ph.gate_world(ctx, client)
    gate_id = await ph.add_gate(client, gw.w.parties.seller, gw.site_id, name="东门")
    p = await ph.driver_pass(client, gw.trucker, gw.order_id)
    await ph.call_in(ctx, client, gw)
    async with ph.machine(app, gw.device) as gate:
        ok = await ph.scan(gate, gw.site_id, ph.phone_code(p), "in", plateRead=gw.trucker.plate, gateId=gate_id)
        assert (ok["code"], ok["accepted"], ok["openBarrier"]) == ("ok", True, True)
        assert (ok["orderId"], ok["orderNo"], ok["plate"]) == (gw.order_id, gw.order["orderNo"], gw.trucker.plate)
        # The same code again, and a fresh code of the next step: the truck is already in.
        again = await ph.scan(gate, gw.site_id, ph.phone_code(p), "in")
        fresh = await ph.scan(gate, gw.site_id, ph.phone_code(p, ph.now_s() + 30), "in")
        assert again["code"] == fresh["code"] == "pass_replayed" and not again["openBarrier"]
        assert again["orderNo"] == gw.order["orderNo"]
        detail = await _order(client, gw)
        assert detail["order"]["status"] == "entered" and detail["order"]["enteredAt"]
        last = detail["transitions"][-1]
        assert (last["fromStatus"], last["toStatus"]) == ("dispatched", "entered")
        assert last["actorLabel"] == f"设备 {gw.device.key_id}" and "东门" in last["note"]
        # Out once (by the ERP key of the same organisation), then never again; nor in again.
        out = await ph.scan(gate, gw.site_id, ph.phone_code(p), "out")
        assert out["code"] == "ok" and out["openBarrier"]
        assert (await ph.scan(gate, gw.site_id, ph.phone_code(p), "out"))["code"] == "pass_replayed"
        assert (await ph.scan(gate, gw.site_id, ph.phone_code(p), "in"))["code"] == "pass_replayed"
    async with ph.machine(app, gw.erp) as erp:
        assert (await ph.scan(erp, gw.site_id, ph.phone_code(p, ph.now_s() + 30), "out"))["code"] == "pass_replayed"
    assert [(t, m) for t, m, _ in await _passages(ctx, gw.order_id)] == [("in", "online"), ("out", "online")]
    assert (await _order(client, gw))["order"]["status"] == "entered"  # the weighbridge completes it


async def test_the_order_must_be_called_to_enter_and_inside_to_leave(app, ctx, client):
    gw = await ph.gate_world(ctx, client)
    p = await ph.driver_pass(client, gw.trucker, gw.order_id)
    async with ph.machine(app, gw.erp) as gate:
        # Never checked in: not called.
        assert (await ph.scan(gate, gw.site_id, ph.phone_code(p), "in"))["code"] == "order_not_called"
        assert (await ph.scan(gate, gw.site_id, ph.phone_code(p), "out"))["code"] == "order_not_entered"
        await ph.check_in(client, gw)
        refused = await ph.scan(gate, gw.site_id, ph.phone_code(p), "in")
        assert refused["code"] == "order_not_called" and refused["orderNo"] == gw.order["orderNo"]
        assert "叫号" in refused["messageZh"] and "called" in refused["messageEn"]
        await ph.call_in(ctx, client, gw, checked_in=True)
        assert (await ph.scan(gate, gw.site_id, ph.phone_code(p), "in"))["code"] == "ok"
    assert [t for t, _, _ in await _passages(ctx, gw.order_id)] == ["in"]


async def test_each_bad_code_is_refused_with_its_own_code(app, ctx, client):
    gw = await ph.gate_world(ctx, client)
    p = await ph.driver_pass(client, gw.trucker, gw.order_id)
    await ph.call_in(ctx, client, gw)
    token = p["token"]
    prefix, payload, signature = token.split(".")
    claims = json.loads(b64d(payload))
    # Forged: the same claims signed by another key under the platform's kid, and under a kid of its own.
    forger = PassSigner(private_key_pem=generate_signing_key()[0], kid=claims["k"])
    stranger = PassSigner(private_key_pem=generate_signing_key()[0], kid="evil1")
    altered_claims = dict(claims, u=claims["u"] + 86_400)
    altered = f"{prefix}.{b64e(json.dumps(altered_claims, separators=(',', ':'), ensure_ascii=False).encode())}.{signature}"
    flipped_payload = payload[:10] + ("A" if payload[10] != "A" else "B") + payload[11:]
    other_plate = dh.plate()
    cases = {
        # The platform tells a signature it never made from its own signature on a changed payload.
        "pass_forged": _with_code(_resign(forger, claims), p),
        "pass_unknown_key": _with_code(_resign(stranger, dict(claims, k="evil1")), p),
        "pass_altered": _with_code(altered, p),
        "pass_totp_stale": ph.phone_code(p, ph.now_s() - 300),
    }
    async with ph.machine(app, gw.device) as gate:
        for expected, code in cases.items():
            verdict = await ph.scan(gate, gw.site_id, code, "in")
            assert verdict["code"] == expected, (expected, verdict)
            assert not verdict["accepted"] and not verdict["openBarrier"]
        # A character flipped inside the payload: never accepted (unreadable or unsigned).
        flipped = await ph.scan(gate, gw.site_id, _with_code(f"{prefix}.{flipped_payload}.{signature}", p), "in")
        assert flipped["code"] in ("pass_malformed", "pass_altered", "pass_forged")  # the order id may be hit
        # Forged claims are not trusted: no order is named in the answer.
        forged = await ph.scan(gate, gw.site_id, _with_code(_resign(forger, claims), p), "in")
        assert forged["orderId"] is None and forged["plate"] is None
        wrong_plate = await ph.scan(gate, gw.site_id, ph.phone_code(p), "in", plateRead=other_plate)
        assert wrong_plate["code"] == "pass_wrong_plate" and wrong_plate["orderId"] == gw.order_id
        assert (await ph.scan(gate, gw.site_id, "not a pass", "in"))["code"] == "pass_malformed"
        # A printed pass: only with a matching plate reading.
        assert (await ph.scan(gate, gw.site_id, token, "in"))["code"] == "pass_plate_required"
        assert (await ph.scan(gate, gw.site_id, token, "in", plateRead=other_plate))["code"] == "pass_wrong_plate"
        # Replayed: the first scan passes, the same code again does not.
        assert (await ph.scan(gate, gw.site_id, ph.phone_code(p), "in"))["code"] == "ok"
        assert (await ph.scan(gate, gw.site_id, ph.phone_code(p), "in"))["code"] == "pass_replayed"
    assert [t for t, _, _ in await _passages(ctx, gw.order_id)] == ["in"]


async def test_a_printed_pass_with_the_plate_passes(app, ctx, client):
    gw = await ph.gate_world(ctx, client)
    p = await ph.driver_pass(client, gw.trucker, gw.order_id)
    await ph.call_in(ctx, client, gw)
    plate_read = " " + gw.trucker.plate[:2] + "·" + gw.trucker.plate[2:].lower() + "\r\n"  # as a camera may send it
    async with ph.machine(app, gw.device) as gate:
        ok = await ph.scan(gate, gw.site_id, p["token"] + "\r\n", "in", plateRead=plate_read.strip()[:16])
        assert ok["code"] == "ok", ok
        assert (await ph.scan(gate, gw.site_id, p["token"], "in", plateRead=gw.trucker.plate))["code"] == "pass_replayed"
    assert [(t, s) for t, _, s in await _passages(ctx, gw.order_id)] == [("in", None)]


async def test_wrong_site_and_foreign_sites(app, ctx, client):
    gw = await ph.gate_world(ctx, client)
    p = await ph.driver_pass(client, gw.trucker, gw.order_id)
    seller, admin = gw.w.parties.seller_id, gw.w.parties.seller
    second = await sh.create_site(client, admin, seller, name="二号储煤场", fence=sh.rect(*sh.offset(sh.LON, sh.LAT, east_m=2000)))
    # Any enterprise's gate verifies any platform code, but only a code naming its own site.
    _, other_org, other_admin = await sh.member(ctx, client, role="enterprise_admin", kind="mine")
    other_site = await sh.create_site(client, other_admin, other_org, name="别家煤场")
    other_key = await ph.key(client, other_org, other_admin)
    async with ph.machine(app, gw.erp) as gate:
        wrong = await ph.scan(gate, second["id"], ph.phone_code(p), "in")
        assert wrong["code"] == "pass_wrong_site" and wrong["orderNo"] is None and wrong["orderId"] == gw.order_id
        # Another organisation's site: 404, the same as a missing one.
        for site in (other_site["id"], uuid.uuid4()):
            r = await ph.scan_response(gate, site, ph.phone_code(p), "in")
            assert r.status_code == 404 and r.json()["field"] == "siteId", r.text
        r = await ph.scan_response(gate, gw.site_id, ph.phone_code(p), "in", gateId=str(uuid.uuid4()))
        assert r.status_code == 404 and r.json()["field"] == "gateId"
    async with ph.machine(app, other_key) as foreign:
        assert (await ph.scan(foreign, other_site["id"], ph.phone_code(p), "in"))["code"] == "pass_wrong_site"
    # A device key speaks for its own site only.
    async with ph.machine(app, gw.device) as device:
        r = await ph.scan_response(device, second["id"], ph.phone_code(p), "in")
        assert r.status_code == 404 and r.json()["field"] == "siteId"


async def test_expired_and_cancelled_orders(app, ctx, client):
    gw = await ph.gate_world(ctx, client)
    await ph.call_in(ctx, client, gw)
    fresh = await ph.driver_pass(client, gw.trucker, gw.order_id)
    # The order's validity passes (moved into the past): its pass says so itself.
    async with unit_of_work(ctx) as session:
        await session.execute(update(PickupOrder).where(PickupOrder.id == uuid.UUID(gw.order_id)).values(
            valid_from=utcnow() - timedelta(days=2), valid_until=utcnow() - timedelta(days=1)))
        await session.commit()
    lapsed = await ph.driver_pass(client, gw.trucker, gw.order_id)
    async with ph.machine(app, gw.device) as gate:
        assert (await ph.scan(gate, gw.site_id, ph.phone_code(lapsed), "in"))["code"] == "pass_expired"
        # Once the expiry job ran, even a pass signed earlier (still valid by its own dates) is refused.
        async with unit_of_work(ctx) as session:
            assert await lifecycle.expire_orders(session, ctx=ctx) == 1
        assert (await ph.scan(gate, gw.site_id, ph.phone_code(fresh), "in"))["code"] == "order_expired"
    cancelled = await ph.gate_world(ctx, client)
    p = await ph.driver_pass(client, cancelled.trucker, cancelled.order_id)
    r = await client.post(f"/api/mine/orders/{cancelled.order_id}/cancel", json={"reason": "客户取消"},
                          headers=cancelled.w.parties.sales)
    assert r.status_code == 200, r.text
    async with ph.machine(app, cancelled.device) as gate:
        for transition in ("in", "out"):
            refused = await ph.scan(gate, cancelled.site_id, ph.phone_code(p), transition)
            assert refused["code"] == "order_cancelled" and refused["messageEn"] == "The pickup order has been cancelled"
    assert await _passages(ctx, gw.order_id) == [] and await _passages(ctx, cancelled.order_id) == []


async def test_a_redispatched_trucks_old_pass_opens_nothing(app, ctx, client):
    gw = await ph.gate_world(ctx, client)
    old = await ph.driver_pass(client, gw.trucker, gw.order_id)
    newcomer = await oh.trucker(ctx, client)
    r = await oh.dispatch(client, gw.w, gw.order_id, newcomer)
    assert r.status_code == 200, r.text
    async with ph.machine(app, gw.device) as gate:
        assert (await ph.scan(gate, gw.site_id, ph.phone_code(old), "in"))["code"] == "order_redispatched"


async def test_malformed_requests_are_4xx_and_unsigned_401(app, ctx, client):
    gw = await ph.gate_world(ctx, client)
    p = await ph.driver_pass(client, gw.trucker, gw.order_id)
    body = {"code": ph.phone_code(p), "siteId": gw.site_id, "transition": "in"}
    async with ph.machine(app, gw.device) as gate:
        for bad in ({**body, "extra": 1}, {**body, "siteId": "not-a-uuid"}, {**body, "transition": "sideways"},
                    {k: v for k, v in body.items() if k != "code"}, {**body, "code": ""}):
            r = await gate.post("/open/v1/passes/verify", json=bad)
            assert r.status_code == 400, (bad, r.text)
    r = await client.post("/open/v1/passes/verify", json=body)
    assert r.status_code == 401 and r.json()["code"] == "signature_missing"


async def test_twenty_concurrent_scans_of_one_code_pass_once(app, ctx, client):
    gw = await ph.gate_world(ctx, client)
    p = await ph.driver_pass(client, gw.trucker, gw.order_id)
    await ph.call_in(ctx, client, gw)
    code = ph.phone_code(p)
    async with ph.machine(app, gw.device) as gate:
        verdicts = await asyncio.gather(*(ph.scan(gate, gw.site_id, code, "in") for _ in range(20)))
        codes = sorted(v["code"] for v in verdicts)
        assert codes == ["ok"] + ["pass_replayed"] * 19, codes
        # Codes of two steps (the phone redrew between scans): Redis keys differ, the database decides.
        now = ph.now_s()
        codes = [ph.phone_code(p, now + 30 * (i % 2)) for i in range(20)]
        out = await asyncio.gather(*(ph.scan(gate, gw.site_id, c, "out") for c in codes))
        assert sorted(v["code"] for v in out) == ["ok"] + ["pass_replayed"] * 19
    assert sorted(t for t, _, _ in await _passages(ctx, gw.order_id)) == ["in", "out"]
    detail = await _order(client, gw)
    assert [s["toStatus"] for s in detail["transitions"]].count("entered") == 1


async def test_concurrent_entries_with_codes_of_two_steps_pass_once(app, ctx, client):
    gw = await ph.gate_world(ctx, client)
    p = await ph.driver_pass(client, gw.trucker, gw.order_id)
    await ph.call_in(ctx, client, gw)
    now = ph.now_s()
    async with ph.machine(app, gw.device) as gate, ph.machine(app, gw.erp) as erp:
        verdicts = await asyncio.gather(*(ph.scan(erp if i % 3 else gate, gw.site_id, ph.phone_code(p, now + 30 * (i % 2)), "in")
                                          for i in range(20)))
    assert sorted(v["code"] for v in verdicts) == ["ok"] + ["pass_replayed"] * 19
    assert [t for t, _, _ in await _passages(ctx, gw.order_id)] == ["in"]
    detail = await _order(client, gw)
    assert [s["toStatus"] for s in detail["transitions"]].count("entered") == 1
    async with unit_of_work(ctx) as session:
        assert await queue.entry_state(session, order_id=uuid.UUID(gw.order_id)) == "served"


def _resign(signer: PassSigner, claims: dict) -> str:
    """`claims` (the payload JSON) signed with another key: what a forger with his own key makes."""
    return signer.sign(decode_payload(json.dumps(claims, separators=(",", ":"), ensure_ascii=False).encode()))


def _with_code(token: str, p: dict) -> str:
    return ph.phone_code(dict(p, token=token))
