"""The GPS pages for their readers, in-process: the mine's and the regulator's live maps and waybill
lists, a waybill's track page (its detail embedded for the map; 404 as a page for an unknown number or
one the reader may not see), and the driver's 我的运单 with and without an open waybill. Anyone else is
sent to the app's login (signed out) or told the app is not theirs (403)."""

from __future__ import annotations

import json
import re
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from backend.context import Context
from backend.db.unit import unit_of_work
from backend.domain.waybills import opening
from tests import factories as f
from tests.drivers import helpers as dh
from tests.pages import helpers as ph
from tests.pages.test_pages import text_of
from tests.pages.test_weighbridge_pages import _ticketed

MINE_PAGES = ("/mine/tracking", "/mine/waybills")
REGULATOR_PAGES = ("/regulator/tracking", "/regulator/waybills")


def embedded(html: str) -> dict[str, Any]:
    found = re.search(r'<script type="application/json" id="waybill-data">(.*?)</script>', html, flags=re.S)
    assert found, "no embedded waybill"
    return dict(json.loads(found.group(1)))


async def _regulator(ctx: Context, client: Any, region_code: str = "150623") -> None:
    _, phone, _ = await f.staff(ctx, role="regulator", kind="regulator", region_code=region_code)
    await ph.regulator_login(client, phone)


async def test_each_page_answers_its_role_and_refuses_the_others(client, ctx):
    _, site_id, _ = await ph.mine_with_site(client, ctx)
    r = await client.get("/mine/tracking")
    assert r.status_code == 200, r.text
    for text in ("车辆实时位置", 'data-api="/api/mine/tracking/live"', 'data-param="siteId"', "一号储煤场",
                 'class="geomap"', "指定出口", "信号盲区", "/static/js/livemap.js"):
        assert text in r.text, text
    assert f'value="{site_id}"' in r.text
    r = await client.get("/mine/waybills?status=open")
    assert r.status_code == 200 and 'data-api="/api/mine/waybills"' in r.text and '"open" selected' in r.text
    r = await client.get("/mine/waybills/YD2026010112345678")
    assert r.status_code == 404 and "运单" in text_of(r.text) and "waybill-data" not in r.text, r.text
    en = await client.get("/mine/tracking?lang=en")
    assert "Live truck positions" in en.text and "车辆实时位置" not in text_of(en.text)
    for path in (*REGULATOR_PAGES, "/driver/waybill"):
        assert (await client.get(path)).status_code == 403, path

    await _regulator(ctx, client)
    for path in REGULATOR_PAGES:
        r = await client.get(path)
        assert r.status_code == 200, (path, r.text)
    r = await client.get("/regulator/tracking")
    assert 'data-param="regionCode"' in r.text and 'value="150623"' in r.text and "鄂托克前旗" in r.text
    assert (await client.get("/regulator/waybills/YD2026010112345678")).status_code == 404
    for path in (*MINE_PAGES, "/driver/waybill"):
        assert (await client.get(path)).status_code == 403, path

    await ph.driver_with_vehicle(client, ctx)
    r = await client.get("/driver/waybill")
    assert r.status_code == 200, r.text
    for text in ("我的运单", "暂无进行中的运单", "共享位置", "仅在本页面打开时共享", "/static/js/phonegps.js"):
        assert text in r.text, text
    assert 'id="waybill-data"' not in r.text and 'data-api="/api/driver/waybills/current"' in r.text
    for path in (*MINE_PAGES, *REGULATOR_PAGES):
        assert (await client.get(path)).status_code == 403, path

    client.cookies.clear()
    for path, app in (("/mine/tracking", "mine"), ("/regulator/waybills", "regulator"), ("/driver/waybill", "driver")):
        r = await client.get(path, follow_redirects=False)
        assert r.status_code == 302 and r.headers["location"] == f"/{app}/login?next={path}", path


async def test_a_waybill_page_embeds_its_track_for_those_who_may_read_it(ctx, client, app):
    lw, _ = await _ticketed(ctx, client, app)
    async with unit_of_work(ctx) as session:
        waybill = await opening.open_for_order(session, redis=ctx.redis, order_id=uuid.UUID(lw.order_id),
                                               departed_at=datetime.now(UTC) - timedelta(minutes=5), opened_by="gate")
        assert waybill is not None
        no = waybill.waybill_no
        await session.commit()

    await ph.cookie_login(client, lw.gw.trucker.phone, dh.PASSWORD)
    r = await client.get("/driver/waybill")
    assert r.status_code == 200, r.text
    body = embedded(r.text)
    assert body["waybillNo"] == no and body["status"] == "open" and body["plate"] == lw.plate
    assert body["corridor"]["type"] == "Polygon" and "暂无进行中的运单" in r.text  # kept hidden for later
    assert f'data-api="/api/driver/waybills/{no}"' in r.text

    seller = lw.gw.w.parties.seller_id
    _, phone, _ = await f.staff(ctx, role="dispatcher", org_id=seller)
    await ph.cookie_login(client, phone)
    r = await client.get(f"/mine/waybills/{no}")
    assert r.status_code == 200, r.text
    assert embedded(r.text)["waybillNo"] == no and f'data-api="/api/mine/waybills/{no}"' in r.text
    # Another mine's staff: the waybill does not exist for them.
    _, stranger, _ = await f.staff(ctx, role="sales")
    await ph.cookie_login(client, stranger)
    r = await client.get(f"/mine/waybills/{no}")
    assert r.status_code == 404 and "waybill-data" not in r.text and lw.plate not in r.text

    await _regulator(ctx, client)
    r = await client.get(f"/regulator/waybills/{no}")
    assert r.status_code == 200 and embedded(r.text)["waybillNo"] == no, r.text
    await _regulator(ctx, client, region_code="150300")  # Wuhai: not the origin's region
    assert (await client.get(f"/regulator/waybills/{no}")).status_code == 404
