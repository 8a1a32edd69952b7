"""The weighbridge pages for their readers, in-process: the mine's site board and ticket (with its
photos served only to those who may read the ticket, and the override form only for the seller's
supervisors), the driver's tickets and the link from his order, and the public verify page."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from litestar import Litestar

from backend.context import Context
from tests import factories as f
from tests.drivers import helpers as dh
from tests.pages import helpers as ph
from tests.pages.test_pages import text_of
from tests.weighing import helpers as wh


async def _ticketed(ctx: Context, client: httpx.AsyncClient, app: Litestar) -> tuple[wh.LaneWorld, dict[str, Any]]:
    lw = await wh.lane_world(ctx, client, app)
    assert (await wh.identify(lw, code=await wh.pass_code(client, lw)))["accepted"]
    t0 = datetime.now(UTC) - timedelta(minutes=40)
    assert (await wh.submit(lw, wh.weighing_body(lw, kind="tare", weight_kg=15_240, at=t0)))["accepted"]
    refused = await wh.submit(lw, wh.weighing_body(lw, kind="gross", weight_kg=44_240, at=t0 + timedelta(minutes=29),
                                                   gratings=(True, False)))
    assert refused["code"] == "grating_blocked", refused
    gross = await wh.submit(lw, wh.weighing_body(lw, kind="gross", weight_kg=44_240, at=t0 + timedelta(minutes=30)))
    assert gross["accepted"], gross
    return lw, gross


async def _login_as(ctx: Context, client: Any, role: str, org_id: Any = None) -> None:
    _, phone, _ = await f.staff(ctx, role=role, org_id=org_id)
    await ph.cookie_login(client, phone)


async def test_the_mine_sees_the_board_and_the_ticket_with_its_photos(ctx, client, app):
    lw, gross = await _ticketed(ctx, client, app)
    no, seller = gross["ticketNo"], lw.gw.w.parties.seller_id
    await _login_as(ctx, client, "sales", seller)

    r = await client.get(f"/mine/sites/{lw.gw.site_id}/weighbridge")
    assert r.status_code == 200, r.text
    page = text_of(r.text)
    for text in ("1号磅道", no, "净重 29.00 吨", "今日拒绝", "车辆位置错误", lw.gw.order["orderNo"]):
        assert text in page, text
    r = await client.get(f"/mine/sites/{lw.gw.site_id}/weighbridge/live")
    assert r.status_code == 200 and 'data-lane="1号磅道"' in r.text and "<html" not in r.text, r.text

    r = await client.get(f"/mine/tickets/{no}")
    assert r.status_code == 200, r.text
    page = text_of(r.text)
    for text in ("15.24", "44.24", "29.00", "复磅授权", "扫码核验磅单真伪", "车辆位置错误"):
        assert text in page, text
    assert f'data-plate="{lw.plate}"' in r.text
    photos = (await client.get(f"/api/mine/tickets/{no}")).json()["photos"]
    assert len(photos) == 2 and all(f"/photos/{p['sha256']}" in r.text for p in photos)
    r = await client.get(f"/mine/tickets/{no}/photos/{photos[0]['sha256']}")
    assert r.status_code == 200 and r.content == wh.JPEG and r.headers["content-type"] == "image/jpeg", r.text
    r = await client.get(f"/mine/tickets/{no}/photos/{'0' * 64}")
    assert r.status_code == 404

    # A dispatcher of the mine reads the ticket but may not allow a re-weigh.
    await _login_as(ctx, client, "dispatcher", seller)
    r = await client.get(f"/mine/tickets/{no}")
    assert r.status_code == 200 and "复磅授权" not in text_of(r.text)
    # Another mine's staff: neither the ticket nor its photos exist for them.
    await _login_as(ctx, client, "sales")
    assert (await client.get(f"/mine/tickets/{no}")).status_code == 404
    assert (await client.get(f"/mine/tickets/{no}/photos/{photos[0]['sha256']}")).status_code == 404
    # Signed out, the live fragment says 401 (the page's script refreshes the session), pages redirect.
    client.cookies.clear()
    assert (await client.get(f"/mine/sites/{lw.gw.site_id}/weighbridge/live")).status_code == 401
    assert (await client.get(f"/mine/tickets/{no}")).status_code == 302


async def test_the_driver_finds_his_ticket_and_anyone_verifies_it(ctx, client, app):
    lw, gross = await _ticketed(ctx, client, app)
    no = gross["ticketNo"]
    await ph.cookie_login(client, lw.gw.trucker.phone, dh.PASSWORD)
    r = await client.get(f"/driver/orders/{lw.order_id}")
    assert r.status_code == 200 and f'href="/driver/tickets/{no}"' in r.text, r.text
    r = await client.get("/driver/tickets")
    assert r.status_code == 200 and no in r.text and "29.00" in text_of(r.text)
    r = await client.get(f"/driver/tickets/{no}")
    assert r.status_code == 200 and "<svg" in r.text and gross["verifyUrl"].replace("&", "&amp;") in r.text

    client.cookies.clear()
    r = await client.get(gross["verifyUrl"])
    assert r.status_code == 200 and 'data-verdict="genuine"' in r.text and "真实有效" in r.text, r.text
    assert r.headers["x-robots-tag"] == "noindex" and r.headers["referrer-policy"] == "no-referrer"
    r = await client.get(f"/verify/{no}?c=WRONG")
    assert r.status_code == 404 and 'data-verdict="unknown"' in r.text and "查无此磅单" in r.text
    r = await client.get(gross["verifyUrl"] + "&lang=en")
    assert "Genuine" in r.text
