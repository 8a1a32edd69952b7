"""The driver's pass: token + TOTP secret for his own dispatched order only, the current QR and the
printed pass as SVG, and what the phone draws verifying with the platform's published keys."""

from __future__ import annotations

import uuid
from datetime import datetime

from backend.db.base import utcnow
from backend.domain.orders.passes import qr_svg
from devices.passcode import STEP_S, render_qr_text, verify, verify_static
from tests.orders import helpers as oh
from tests.orders import pass_helpers as ph


async def test_the_driver_gets_a_pass_his_phone_can_draw(ctx, client):
    gw = await ph.gate_world(ctx, client)
    r = await client.get(f"/api/driver/orders/{gw.order_id}/pass", headers=gw.trucker.headers)
    assert r.status_code == 200, r.text
    assert r.headers["cache-control"] == "no-store"
    p = r.json()
    assert (p["orderId"], p["orderNo"], p["plate"]) == (gw.order_id, gw.order["orderNo"], gw.trucker.plate)
    assert p["stepS"] == STEP_S == 30 and p["siteName"] == gw.w.site["name"] and p["siteId"] == gw.site_id
    assert p["token"].startswith("MT1.") and p["token"].count(".") == 2
    assert (p["validFrom"], p["validUntil"]) == (gw.order["validFrom"], gw.order["validUntil"])
    assert abs((utcnow() - _dt(p["serverTime"])).total_seconds()) < 60
    # The phone's QR (token + its own TOTP) verifies at the site with the published keys alone.
    verifier = await ph.platform_verifier(client)
    now = ph.now_s()
    verdict = verify(ph.phone_code(p, now), verifier=verifier, site_id=uuid.UUID(gw.site_id), plate_seen=gw.trucker.plate,
                     at_s=now, totp_secret_for=lambda oid: p["totpSecret"] if str(oid) == gw.order_id else None)
    assert verdict.ok and verdict.totp_step == now // STEP_S and verdict.claims is not None
    assert verdict.claims.plate == gw.trucker.plate and str(verdict.claims.order_id) == gw.order_id
    assert verdict.claims.valid_until_s == int(_dt(p["validUntil"]).timestamp())
    # The printed pass is the token alone, accepted with a plate match.
    assert verify_static(p["token"], verifier=verifier, site_id=uuid.UUID(gw.site_id), plate_seen=gw.trucker.plate,
                         at_s=now).ok


async def test_qr_svg_is_the_current_code_and_static_svg_the_token(ctx, client):
    gw = await ph.gate_world(ctx, client)
    p = await ph.driver_pass(client, gw.trucker, gw.order_id)
    before = ph.now_s()
    r = await client.get(f"/api/driver/orders/{gw.order_id}/pass/qr.svg", headers=gw.trucker.headers)
    after = ph.now_s()
    assert r.status_code == 200 and r.headers["content-type"].startswith("image/svg+xml")
    assert r.headers["cache-control"] == "no-store" and r.content.lstrip().startswith(b"<?xml")
    expected = {qr_svg(render_qr_text(p["token"], totp_secret=p["totpSecret"], at_s=t)) for t in (before, after)}
    assert r.content in expected
    # Another moment's code draws another QR: the SVG really carries the rolling code.
    assert qr_svg(ph.phone_code(p, before - 10 * STEP_S)) not in expected
    r = await client.get(f"/api/driver/orders/{gw.order_id}/pass/static.svg", headers=gw.trucker.headers)
    assert r.status_code == 200 and r.headers["content-type"].startswith("image/svg+xml")
    assert r.content == qr_svg(p["token"])


async def test_only_the_orders_driver_while_dispatched_or_entered(ctx, client):
    gw = await ph.gate_world(ctx, client)
    other = await oh.trucker(ctx, client)
    for path in ("pass", "pass/qr.svg", "pass/static.svg"):
        url = f"/api/driver/orders/{gw.order_id}/{path}"
        assert (await client.get(url, headers=other.headers)).status_code == 404
        assert (await client.get(url, headers=gw.w.dispatcher)).status_code == 404
        assert (await client.get(url)).status_code == 401
        assert (await client.get(f"/api/driver/orders/{uuid.uuid4()}/{path}", headers=gw.trucker.headers)).status_code == 404
    r = await client.post(f"/api/mine/orders/{gw.order_id}/cancel", json={"reason": "客户取消"}, headers=gw.w.parties.sales)
    assert r.status_code == 200, r.text
    for path in ("pass", "pass/qr.svg", "pass/static.svg"):
        r = await client.get(f"/api/driver/orders/{gw.order_id}/{path}", headers=gw.trucker.headers)
        assert r.status_code == 409, r.text
        assert (r.json()["code"], r.json()["field"]) == ("order_pass_unavailable", "status")
        assert "已作废" in r.json()["message_zh"] and "cancelled" in r.json()["message_en"]


def _dt(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))
