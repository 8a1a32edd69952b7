"""The enterprise app's pickup-order pages: the named carrier's dispatcher sees its orders grouped by
status with a dispatch form fed by its fleet, dispatches one and sees it under 已派车 (改派 offered until
the truck enters); a stranger carrier gets 404; the buyer reads the same orders without forms."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import httpx

from backend.context import Context
from tests import factories as f
from tests.drivers import helpers as dh
from tests.orders import helpers as oh
from tests.pages import helpers as ph
from tests.pages.test_pages import text_of


@dataclass(frozen=True)
class Carrier:
    org_id: uuid.UUID
    admin: dict[str, str]
    driver: oh.Trucker  # bound to the fleet, with his own truck (挂靠)
    fleet_plate: str  # a truck the carrier owns


async def _carrier(ctx: Context, client: httpx.AsyncClient) -> Carrier:
    org_id, admin = await dh.member(client, ctx, role="carrier_admin", kind="carrier")
    driver = await oh.trucker(ctx, client)
    await dh.bind(client, carrier=org_id, carrier_admin=admin, driver_phone=driver.phone, driver_headers=driver.headers)
    r = await client.post(f"/api/enterprise/orgs/{org_id}/fleet/vehicles", json=dh.vehicle_body(), headers=admin)
    assert r.status_code == 201, r.text
    return Carrier(org_id, admin, driver, r.json()["plate"])


async def _staff_login(ctx: Context, client: httpx.AsyncClient, org_id: uuid.UUID, role: str) -> None:
    _, phone, _ = await f.staff(ctx, role=role, org_id=org_id)
    await ph.cookie_login(client, phone)


def _column(html: str, status: str) -> str:
    """The markup of one status column of the board."""
    start = html.index(f'data-column="{status}"')
    end = html.find("<section", start)
    return html[start:end if end > 0 else None]


async def test_the_carrier_sees_its_orders_and_dispatches_one(ctx, client):
    w = await oh.world(ctx, client)
    c = await _carrier(ctx, client)
    ours = await oh.issue(client, w, carrierOrgId=str(c.org_id))
    not_ours = await oh.issue(client, w)  # no carrier named: the mine dispatches it
    outsider = await oh.trucker(ctx, client)
    await _staff_login(ctx, client, c.org_id, "dispatcher")

    r = await client.get("/enterprise/orders")
    assert r.status_code == 200, r.text
    page = text_of(r.text)
    for text in ("提煤单", "从车队选择车辆和司机即可派车", "待派车", "已派车", "已入场", "已结束", ours["orderNo"],
                 w.site["name"], "30 吨", "车牌号", "司机手机号"):
        assert text in page, text
    assert not_ours["orderNo"] not in page
    assert '<a href="/enterprise/orders" aria-current="page">' in r.text  # 提煤单 in the app's navigation
    issued = _column(r.text, "issued")
    assert f'data-api="/api/enterprise/orders/{ours["id"]}/dispatch"' in issued
    # The fleet behind the form: the carrier's truck, the driver's own truck (his mobile with it), the driver.
    assert f'<option value="{c.fleet_plate}"' in r.text
    assert f'<option value="{c.driver.plate}" data-owner-phone="{c.driver.phone}"' in r.text
    assert f'<option value="{c.driver.phone}" data-plate="{c.driver.plate}"' in r.text
    assert outsider.phone not in r.text and outsider.plate not in r.text

    # A driver from outside the fleet is refused at his field, in both languages.
    url = f"/api/enterprise/orders/{ours['id']}/dispatch"
    r = await client.post(url, json={"plate": outsider.plate, "driverPhone": outsider.phone}, headers=ph.FETCH)
    assert r.status_code == 422 and r.json()["field"] == "driverPhone", r.text
    assert r.json()["code"] == "order_driver_unmatched" and "承运单位" in r.json()["message_zh"] and "carrier" in r.json()["message_en"]
    r = await client.post(url, json={"plate": c.driver.plate, "driverPhone": c.driver.phone}, headers=ph.FETCH)
    assert r.status_code == 200 and r.json()["status"] == "dispatched", r.text

    r = await client.get("/enterprise/orders", params={"dispatched": ours["orderNo"]})
    assert f"提煤单 {ours['orderNo']} 已派车：{c.driver.plate}" in text_of(r.text)
    dispatched = _column(r.text, "dispatched")
    assert ours["orderNo"] in dispatched and f'data-plate="{c.driver.plate}"' in dispatched and "王建国" in dispatched
    assert "改派" in dispatched and f'data-api="{url}"' in dispatched  # a new truck until it enters
    assert ours["orderNo"] not in _column(r.text, "issued")
    # The truck now carries an open order: the fleet list says so.
    assert f"在途 {ours['orderNo']}" in r.text
    # The flash names orders on the page only, never text from the address bar.
    forged = await client.get("/enterprise/orders", params={"dispatched": "您的账户已被冻结"})
    assert "您的账户已被冻结" not in forged.text and "data-flash" not in forged.text

    # Filters: status and search by order number or plate.
    assert ours["orderNo"] in (await client.get("/enterprise/orders", params={"status": "dispatched"})).text
    assert ours["orderNo"] not in (await client.get("/enterprise/orders", params={"status": "issued"})).text
    found = await client.get("/enterprise/orders", params={"q": c.driver.plate})
    assert ours["orderNo"] in found.text and "找到 1 张" in text_of(found.text)
    assert ours["orderNo"] not in (await client.get("/enterprise/orders", params={"q": "TM000"})).text

    r = await client.get(f"/enterprise/orders/{ours['id']}")
    assert r.status_code == 200, r.text
    page = text_of(r.text)
    for text in (ours["orderNo"], "提煤单信息", "流转记录", "已开单", "已派车", "王建国", "改派", w.site["name"], c.driver.plate):
        assert text in page, text
    assert f'data-api="{url}"' in r.text
    assert f'href="/enterprise/contracts/{w.contract["id"]}"' not in r.text  # a carrier is no party to the contract

    en = await client.get(f"/enterprise/orders/{ours['id']}?lang=en")
    assert "Order details" in en.text and "Change truck" in en.text and "Dispatched" in text_of(en.text)
    en = await client.get("/enterprise/orders?lang=en")
    assert "To dispatch" in en.text and "Nothing waiting for a truck" in en.text and "Change truck" in en.text


async def test_a_stranger_carrier_does_not_see_the_order(ctx, client):
    w = await oh.world(ctx, client)
    c = await _carrier(ctx, client)
    order = await oh.issue(client, w, carrierOrgId=str(c.org_id))
    stranger, _ = await dh.member(client, ctx, role="carrier_admin", kind="carrier")
    await _staff_login(ctx, client, stranger, "dispatcher")
    r = await client.get(f"/enterprise/orders/{order['id']}")
    assert r.status_code == 404 and "text/html" in r.headers["content-type"] and "提煤单不存在" in r.text
    r = await client.get("/enterprise/orders")
    assert r.status_code == 200 and order["orderNo"] not in r.text and "没有待派车的提煤单" in text_of(r.text)
    r = await client.post(f"/api/enterprise/orders/{order['id']}/dispatch", headers=ph.FETCH,
                          json={"plate": c.driver.plate, "driverPhone": c.driver.phone})
    assert r.status_code == 404


async def test_the_buyer_reads_the_orders_on_its_contracts(ctx, client):
    w = await oh.world(ctx, client)
    c = await _carrier(ctx, client)
    waiting = await oh.issue(client, w, carrierOrgId=str(c.org_id))
    dispatched, trucker = await oh.dispatched(ctx, client, w)
    await _staff_login(ctx, client, w.parties.buyer_id, "dispatcher")

    r = await client.get("/enterprise/orders")
    assert r.status_code == 200, r.text
    page = text_of(r.text)
    for text in (waiting["orderNo"], dispatched["orderNo"], "派车由卖方或指定的承运单位完成",
                 f"等待承运单位 {waiting['carrierName']} 派车"):
        assert text in page, text
    assert f'data-plate="{trucker.plate}"' in _column(r.text, "dispatched")
    assert "/dispatch" not in r.text and "<datalist" not in r.text and "改派" not in page  # read only

    r = await client.get(f"/enterprise/orders/{dispatched['id']}")
    assert r.status_code == 200 and f'data-plate="{trucker.plate}"' in r.text
    assert f'href="/enterprise/contracts/{w.contract["id"]}"' in r.text  # the buyer is a party
    assert "/dispatch" not in r.text
    r = await client.post(f"/api/enterprise/orders/{waiting['id']}/dispatch", headers=ph.FETCH,
                          json={"plate": c.driver.plate, "driverPhone": c.driver.phone})
    assert r.status_code == 403, r.text


async def test_order_pages_are_for_signed_in_staff(ctx, client):
    for path in ("/enterprise/orders", f"/enterprise/orders/{uuid.uuid4()}"):
        r = await client.get(path, follow_redirects=False)
        assert r.status_code == 302 and r.headers["location"] == f"/enterprise/login?next={path}", path
    body = await ph.driver_with_vehicle(client, ctx)
    assert body["phone"]
    r = await client.get("/enterprise/orders")
    assert r.status_code == 403 and "/dispatch" not in r.text


async def test_the_seller_is_sent_to_the_mine_board_to_dispatch(ctx, client):
    w = await oh.world(ctx, client)
    order = await oh.issue(client, w)
    await _staff_login(ctx, client, w.parties.seller_id, "sales")
    r = await client.get("/enterprise/orders")
    assert r.status_code == 200 and "等待卖方派车" in text_of(r.text)
    assert f'href="/mine/orders?q={order["orderNo"]}"' in _column(r.text, "issued") and "/dispatch" not in r.text
    found = await client.get("/enterprise/orders", params={"q": order["orderNo"]})
    assert "找到 1 张" in text_of(found.text)
