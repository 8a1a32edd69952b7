"""The pickup-order pages for their readers: the driver's orders, order page (with the live queue
card once checked in) and pass; the mine's issuing form, dispatch board and queue board. Signed in
by cookie as pages are; someone else's order or site is a 404 page."""

from __future__ import annotations

import re
from typing import Any

import httpx

from backend.context import Context
from tests import factories as f
from tests.drivers import helpers as dh
from tests.orders import helpers as oh
from tests.pages import helpers as ph
from tests.pages.test_pages import text_of
from tests.sites import helpers as sh

# Inside the world's check-in zone (tests/sites/helpers.CHECKIN_ZONE: on the access road south of the yard).
INSIDE = sh.offset(sh.LON, sh.LAT, east_m=150.0, north_m=-150.0)


async def _staff_login(ctx: Context, client: Any, w: oh.World, role: str) -> None:
    _, phone, _ = await f.staff(ctx, role=role, org_id=w.parties.seller_id)
    await ph.cookie_login(client, phone)


async def _dispatched(ctx: Context, client: httpx.AsyncClient) -> tuple[oh.World, dict[str, Any], oh.Trucker]:
    w = await oh.world(ctx, client)
    order, trucker = await oh.dispatched(ctx, client, w)
    return w, order, trucker


async def test_driver_sees_his_orders_the_order_and_the_pass_page(ctx, client):
    w, order, t = await _dispatched(ctx, client)
    await ph.cookie_login(client, t.phone, dh.PASSWORD)

    r = await client.get("/driver/orders")
    assert r.status_code == 200, r.text
    page = text_of(r.text)
    for text in ("我的提煤单", order["orderNo"], w.site["name"], "30 吨", "已派车", "混煤"):
        assert text in page, text
    assert f'href="/driver/orders/{order["id"]}"' in r.text
    assert '<a href="/driver/orders" aria-current="page">' in r.text  # the tab bar knows where we are

    r = await client.get(f"/driver/orders/{order['id']}")
    assert r.status_code == 200, r.text
    page = text_of(r.text)
    for text in ("签到排队", "出示通行码", order["orderNo"], "计划装载", "30 吨", "流转记录", "已开单"):
        assert text in page, text
    assert 'data-queue hidden' in r.text and "queue-initial" not in r.text  # not checked in yet

    r = await client.get(f"/driver/orders/{order['id']}/pass")
    assert r.status_code == 200, r.text
    assert "一码通行" in r.text and order["orderNo"] in r.text and 'class="tabbar"' not in r.text
    assert '/static/js/pass.js' in r.text
    # The page never carries the pass's secret: pass.js fetches it (and keeps it on the phone).
    issued = (await client.get(f"/api/driver/orders/{order['id']}/pass")).json()
    assert issued["totpSecret"] and issued["totpSecret"] not in r.text and issued["token"] not in r.text

    en = await client.get("/driver/orders?lang=en")
    assert "My pickup orders" in en.text and "30 t" in text_of(en.text) and "我的提煤单" not in text_of(en.text)


async def test_checked_in_order_page_shows_the_queue_card(ctx, client):
    _, order, t = await _dispatched(ctx, client)
    await ph.cookie_login(client, t.phone, dh.PASSWORD)
    lon, lat = INSIDE
    r = await client.post(f"/api/driver/orders/{order['id']}/check-in", json={"lon": lon, "lat": lat, "accuracyM": 8},
                          headers=ph.FETCH)
    assert r.status_code == 200, r.text
    r = await client.get(f"/driver/orders/{order['id']}")
    assert r.status_code == 200
    assert 'id="queue-initial"' in r.text and "当前排位" in r.text and "排队中" in text_of(r.text)
    assert re.search(r"<b data-q-position>1</b>", r.text), r.text
    assert re.search(r'data-checkin hidden', r.text)  # no second check-in
    # Queue notices link to /driver/queue/{id}: that lands on the order page.
    r = await client.get(f"/driver/queue/{order['id']}", follow_redirects=False)
    assert r.status_code == 302 and r.headers["location"] == f"/driver/orders/{order['id']}"


async def test_another_drivers_order_is_not_found(ctx, client):
    _, order, _ = await _dispatched(ctx, client)
    other = await oh.trucker(ctx, client)
    await ph.cookie_login(client, other.phone, dh.PASSWORD)
    for path in (f"/driver/orders/{order['id']}", f"/driver/orders/{order['id']}/pass"):
        r = await client.get(path)
        assert r.status_code == 404, path
        assert "text/html" in r.headers["content-type"] and "提煤单不存在" in r.text
    r = await client.get("/driver/orders")
    assert order["orderNo"] not in r.text and "暂无待执行的提煤单" in r.text


async def test_signed_out_order_pages_go_to_their_apps_login(client):
    for path, app in (("/driver/orders", "driver"), ("/mine/orders", "mine"), ("/mine/orders/new", "mine"),
                      ("/mine/queue", "mine")):
        r = await client.get(path, follow_redirects=False)
        assert r.status_code == 302 and r.headers["location"] == f"/{app}/login?next={path}", path


async def test_sales_issue_page_offers_the_active_contract_and_its_remaining_tonnes(ctx, client):
    w = await oh.world(ctx, client, quantity_kg=500_000)
    await oh.issue(client, w, plannedKg=30_000)
    await _staff_login(ctx, client, w, "sales")
    r = await client.get("/mine/orders/new")
    assert r.status_code == 200, r.text
    page = text_of(r.text)
    for text in ("开具提煤单", "销售合同", w.contract["contractNo"], "合同剩余可开", "每车计划装载（吨）", "开单数量（车）",
                 w.site["name"]):
        assert text in page, text
    assert 'data-remaining-kg="470000"' in r.text  # 500 t less the 30 t already reserved
    assert 'data-type="scaled" data-scale="1000"' in r.text  # tonnes on screen, kg on the wire
    en = await client.get("/mine/orders/new?lang=en")
    assert "Issue pickup orders" in en.text and "Planned load per truck (t)" in en.text


async def test_a_dispatcher_may_not_issue(ctx, client):
    w = await oh.world(ctx, client)
    await _staff_login(ctx, client, w, "dispatcher")
    r = await client.get("/mine/orders/new")
    assert r.status_code == 200 and "只有销售或企业管理员可以开单" in r.text and 'id="issue"' not in r.text


async def test_dispatch_board_groups_open_orders_and_searches(ctx, client):
    w, dispatched, t = await _dispatched(ctx, client)
    waiting = await oh.issue(client, w)
    await _staff_login(ctx, client, w, "dispatcher")
    r = await client.get("/mine/orders?issued=2")
    assert r.status_code == 200, r.text
    page = text_of(r.text)
    for text in ("派车调度", "待派车", "已派车", "已入场", "已开出 2 张提煤单", waiting["orderNo"], dispatched["orderNo"],
                 "司机手机号", "作废原因"):
        assert text in page, text
    assert f'data-api="/api/mine/orders/{waiting["id"]}/dispatch"' in r.text
    assert f'data-api="/api/mine/orders/{dispatched["id"]}/dispatch"' not in r.text  # already has its truck
    assert f'data-plate="{t.plate}"' in r.text
    found = await client.get("/mine/orders", params={"q": waiting["orderNo"]})
    assert waiting["orderNo"] in found.text and dispatched["orderNo"] not in found.text and "找到 1 张" in found.text
    by_plate = await client.get("/mine/orders", params={"q": t.plate})
    assert dispatched["orderNo"] in by_plate.text and waiting["orderNo"] not in by_plate.text


async def test_queue_board_for_my_site_only(ctx, client):
    w = await oh.world(ctx, client)
    other = await oh.world(ctx, client)
    await _staff_login(ctx, client, w, "dispatcher")
    r = await client.get("/mine/queue", follow_redirects=False)
    assert r.status_code == 302 and r.headers["location"] == f"/mine/sites/{w.site['id']}/queue"
    r = await client.get(f"/mine/sites/{w.site['id']}/queue")
    assert r.status_code == 200, r.text
    page = text_of(r.text)
    for text in (f"{w.site['name']} · 排队叫号", "叫下一批", "已叫号", "排队中"):
        assert text in page, text
    r = await client.get(f"/mine/sites/{other.site['id']}/queue")
    assert r.status_code == 404 and "场地不存在" in r.text
    sites = await client.get("/mine/sites")
    assert f'href="/mine/sites/{w.site["id"]}/queue"' in sites.text
