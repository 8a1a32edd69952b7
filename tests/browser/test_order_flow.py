"""One load through the screens, as the people do it: the mine's sales issues a pickup order, the
dispatcher dispatches it to a driver's truck, the driver checks in from his phone (once too far off,
then inside the zone), the dispatcher calls him on the queue board, his page shows the call live,
he opens the pass, and the gate accepts the code on the screen once and refuses it the second time.
The pass page then opens again without network and still rolls its code."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from devices.platform_client import SignedClient
from tests.browser import mfa
from tests.browser import world as bw
from tests.browser.conftest import PHONE, Server, password_login, run_async
from tests.sites import helpers as sh

PASSWORD = "Coal2026pass"
SALES, DISPATCHER, MINE_ADMIN, PLANT_ADMIN = "13912340101", "13912340102", "13912340103", "13912340104"
DRIVER_PHONE, PLATE = "13912340105", "蒙K61234"
# The check-in zone (on the access road south of the yard) and two places to stand: in it, and 2 km south.
INSIDE = sh.offset(sh.LON, sh.LAT, east_m=150.0, north_m=-150.0)
OUTSIDE = sh.offset(sh.LON, sh.LAT, east_m=150.0, north_m=-2300.0)


@pytest.fixture(scope="module")
def chain(server: Server) -> dict[str, Any]:
    """A mine (admin, sales, dispatcher; a site with a check-in zone and a gate; a machine key for the
    gate), a power plant that confirms an active 500 t contract, and a registered driver with a truck."""
    mine, plant = bw.orgs_with_staff(server, [
        ("乌兰木伦示范煤矿有限公司", "mine", "150623", "MA0FL0001"),
        ("达拉特示范电厂有限公司", "consumer_power", "150621", "MA0FL0002"),
    ], [(0, MINE_ADMIN, "高矿长", "enterprise_admin"), (0, SALES, "李销售", "sales"), (0, DISPATCHER, "赵调度", "dispatcher"),
        (1, PLANT_ADMIN, "吴采购", "enterprise_admin")], PASSWORD)
    with server.api() as admin:
        bw.login(admin, MINE_ADMIN, PASSWORD)
        site = bw.ok(admin.post(f"/api/enterprise/orgs/{mine}/sites", json=sh.site_body(
            "一号储煤场", checkinZone=sh.CHECKIN_ZONE)))
        gate_lon, gate_lat = sh.offset(sh.LON, sh.LAT, east_m=150.0)
        bw.ok(admin.post(f"/api/enterprise/sites/{site['id']}/gates", json={
            "name": "南门", "direction": "both", "designated": True, "lon": gate_lon, "lat": gate_lat}))
        mfa.api_step_up(admin, MINE_ADMIN)  # issuing a key asks for the code again
        key = bw.ok(admin.post(f"/api/enterprise/orgs/{mine}/keys", json={"name": "南门卡口"}))
    contract = bw.active_contract(server, seller=mine, buyer=plant, sales_phone=SALES, buyer_phone=PLANT_ADMIN,
                                  password=PASSWORD)
    bw.register_driver(server, phone=DRIVER_PHONE, name="王建国", plate=PLATE, id_prefix="15062219880308417",
                       region="150622", password=PASSWORD)
    return {"mine": mine, "site": site, "contract": contract, "key_id": key["key"]["keyId"], "secret": key["secret"]}


def _context(browser: Browser, server: Server, **extra: Any) -> BrowserContext:
    context = browser.new_context(base_url=server.base_url, **{**PHONE, **extra})
    context.set_default_timeout(15_000)
    return context


@pytest.fixture
def contexts(browser: Browser, server: Server) -> Iterator[dict[str, BrowserContext]]:
    lon, lat = OUTSIDE
    made = {
        "sales": _context(browser, server),
        "dispatcher": _context(browser, server),
        # The driver's phone lets the site read its position; it starts 2 km short of the zone.
        "driver": _context(browser, server, geolocation={"longitude": lon, "latitude": lat, "accuracy": 12},
                           permissions=["geolocation"]),
    }
    yield made
    for context in made.values():
        context.close()


def _page(context: BrowserContext, errors: list[str]) -> Page:
    page = context.new_page()
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return page


async def _verify(base_url: str, key_id: str, secret: str, body: dict[str, Any]) -> dict[str, Any]:
    async with SignedClient(base_url, key_id, secret) as gate:
        response = await gate.post("/open/v1/passes/verify", json=body)
        assert response.status_code == 200, response.text
        result: dict[str, Any] = response.json()
        return result


def _tablet(page: Page, folder: Path, name: str) -> None:
    """The dispatcher's tablet (landscape): the whole page at 1024 px wide."""
    page.set_viewport_size({"width": 1024, "height": 768})
    page.screenshot(path=str(folder / "screenshots" / f"{name}.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})


def test_order_issued_dispatched_checked_in_called_and_passed_at_the_gate(
    chain: dict[str, Any], contexts: dict[str, BrowserContext], server: Server, shots: Any, artifacts_dir: Path,
) -> None:
    errors: list[str] = []
    sales, dispatcher, driver = (_page(contexts[k], errors) for k in ("sales", "dispatcher", "driver"))

    # 1. 开单: the sales office issues one order on the contract; a load too small is refused on its field.
    sales.goto("/mine/orders/new")
    password_login(sales, SALES, PASSWORD)
    expect(sales).to_have_url(re.compile(r"/mine/orders/new$"))
    form = sales.locator("form#issue")
    expect(form.locator("[data-remaining-t]")).to_have_text("500")
    form.get_by_label("每车计划装载（吨）").fill("0.05")
    form.get_by_role("button", name="开单", exact=True).click()
    planned = form.locator(".field", has=sales.get_by_label("每车计划装载（吨）"))
    expect(planned.locator(".field-error")).to_contain_text("吨")
    shots(sales, "order-issue-refused")
    form.get_by_label("每车计划装载（吨）").fill("30")
    expect(form.locator("[data-summary]")).to_have_text("本次 1 车，共 30 吨；开单后剩余 470 吨")
    shots(sales, "order-issue")
    form.get_by_role("button", name="开单", exact=True).click()
    expect(sales).to_have_url(re.compile(r"/mine/orders\?issued=1$"))
    expect(sales.get_by_text("已开出 1 张提煤单")).to_be_visible()
    sales.goto("/mine/orders/new?lang=en")
    expect(sales.locator("form#issue [data-remaining-t]")).to_have_text("470")
    shots(sales, "order-issue-en")
    sales.goto("/mine/orders?lang=zh")
    card = sales.locator('[data-column="issued"] article.board-card')
    expect(card).to_have_count(1)
    order_no = card.get_attribute("data-order-no")
    order_id = card.get_attribute("data-order-id")
    assert order_no and order_id

    # 2. 派车: the dispatcher gives it the driver's truck.
    dispatcher.goto("/mine/orders")
    password_login(dispatcher, DISPATCHER, PASSWORD)
    expect(dispatcher).to_have_url(re.compile(r"/mine/orders$"))
    card = dispatcher.locator(f'article[data-order-no="{order_no}"]')
    card.get_by_label("车牌号").fill(PLATE)
    card.get_by_label("司机手机号").fill(DRIVER_PHONE)
    shots(dispatcher, "order-dispatch-board")
    card.get_by_role("button", name="派车").click()
    dispatched = dispatcher.locator(f'[data-column="dispatched"] article[data-order-no="{order_no}"]')
    expect(dispatched.locator(f'.plate[data-plate="{PLATE}"]')).to_be_visible()
    expect(dispatched.get_by_text("王建国")).to_be_visible()
    shots(dispatcher, "order-dispatched")
    _tablet(dispatcher, artifacts_dir, "order-dispatched-tablet")

    # 3. 签到: the driver finds the order; 2 km out he is told how far; inside the zone he is queued.
    driver.goto("/driver/orders")
    password_login(driver, DRIVER_PHONE, PASSWORD)
    expect(driver).to_have_url(re.compile(r"/driver/orders$"))
    expect(driver.locator(f'a.order-card[data-order-no="{order_no}"]')).to_contain_text("30 吨")
    shots(driver, "driver-orders")
    driver.locator(f'a.order-card[data-order-no="{order_no}"]').click()
    expect(driver).to_have_url(re.compile(rf"/driver/orders/{order_id}$"))
    driver.get_by_role("button", name="签到排队").click()
    refusal = driver.locator("[data-checkin-msg]")
    expect(refusal).to_contain_text(re.compile(r"您距签到区还有 [\d.]+ k?m"))
    shots(driver, "driver-checkin-outside")
    lon, lat = INSIDE
    contexts["driver"].set_geolocation({"longitude": lon, "latitude": lat, "accuracy": 8})
    driver.get_by_role("button", name="签到排队").click()
    queue = driver.locator("[data-queue]")
    expect(queue).to_be_visible()
    expect(queue.locator("[data-q-state]")).to_have_text("排队中")
    expect(queue.locator("[data-q-position]")).to_have_text("1")
    expect(queue.locator("[data-q-ahead]")).to_have_text("0")
    expect(driver.get_by_role("button", name="签到排队")).to_be_hidden()
    expect(queue.locator("[data-live-text]")).to_have_text("实时")
    shots(driver, "driver-queued")

    # 4. 叫号: the dispatcher calls the next truck on the site's board.
    dispatcher.goto(f"/mine/sites/{chain['site']['id']}/queue")
    waiting = dispatcher.locator(f'[data-waiting-list] li[data-plate="{PLATE}"]')
    expect(waiting).to_be_visible()
    expect(waiting.locator(".q-pos")).to_have_text("1")
    shots(dispatcher, "queue-board-waiting")
    dispatcher.get_by_role("button", name="叫下一批").click()
    called = dispatcher.locator(f'[data-called-list] li[data-plate="{PLATE}"]')
    expect(called).to_be_visible()
    expect(called.locator(".deadline")).to_contain_text(re.compile(r"剩 \d\d:\d\d"))
    expect(dispatcher.locator("[data-waiting-list] li")).to_have_count(0)
    shots(dispatcher, "queue-board-called")
    _tablet(dispatcher, artifacts_dir, "queue-board-called-tablet")
    dispatcher.goto(f"/mine/sites/{chain['site']['id']}/queue?lang=en")
    expect(dispatcher.get_by_role("button", name="Call next")).to_be_visible()
    expect(dispatcher.locator(f'[data-called-list] li[data-plate="{PLATE}"] .deadline')).to_contain_text(" left")
    shots(dispatcher, "queue-board-called-en")

    # 5. The driver's page shows the call as it happens (event stream), with the countdown.
    banner = driver.locator("[data-called]")
    expect(banner).to_be_visible()
    expect(banner).to_contain_text("轮到您了，请立即进场！")
    expect(banner.locator("[data-called-countdown]")).to_have_text(re.compile(r"^\d\d:\d\d$"))
    expect(queue.locator("[data-q-state]")).to_have_text("已叫号")
    shots(driver, "driver-called")
    driver.goto(f"/driver/orders/{order_id}?lang=en")
    expect(driver.locator("[data-called]")).to_contain_text("Your turn: drive in now!")
    expect(driver.locator("[data-q-state]")).to_have_text("Called")
    shots(driver, "driver-called-en")
    driver.goto(f"/driver/orders/{order_id}?lang=zh")
    expect(driver.locator("[data-called]")).to_be_visible()

    # 6. The pass: a QR on screen, redrawn from token + TOTP, plate and order no in large type.
    banner.get_by_role("link", name="出示通行码").click()
    expect(driver).to_have_url(re.compile(rf"/driver/orders/{order_id}/pass$"))
    pass_box = driver.locator("#pass")
    expect(pass_box).to_have_attribute("data-qr-text", re.compile(r"^MT1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.\d{6}$"))
    expect(pass_box.locator("[data-qr] svg")).to_be_visible()
    expect(pass_box.locator(f'.plate[data-plate="{PLATE}"]')).to_be_visible()
    expect(pass_box.locator(".pass-no")).to_have_text(order_no)
    expect(pass_box.locator("[data-countdown]")).to_have_text(re.compile(r"^\d+ 秒后更新$"))
    box = pass_box.locator("[data-qr] svg").bounding_box()
    assert box and box["width"] >= 300, box  # big enough for a gate camera at arm's length
    shots(driver, "driver-pass")

    # 7. Without network: the page (kept by the service worker) reopens and still rolls a fresh code.
    token = pass_box.get_attribute("data-qr-text").rsplit(".", 1)[0]  # type: ignore[union-attr]
    _wait_until_kept(driver)
    contexts["driver"].set_offline(True)
    try:
        driver.reload()
        expect(pass_box).to_have_attribute("data-qr-text", re.compile(rf"^{re.escape(token)}\.\d{{6}}$"))
        expect(pass_box.locator("[data-qr] svg")).to_be_visible()
        expect(pass_box.locator("[data-net]")).to_be_visible()
        shots(driver, "driver-pass-offline")
    finally:
        contexts["driver"].set_offline(False)

    # 8. At the gate: the guard scans the code on the screen (a scanner types it and Enter): let in
    # once; the same code at the automated gate is then refused as replayed (one rule for both).
    code = pass_box.get_attribute("data-qr-text")
    dispatcher.goto("/mine/gate?lang=zh")
    guard = dispatcher.locator("#guard")
    expect(guard.locator("[data-verify]")).to_be_enabled()
    guard.locator("#g-plate").fill(PLATE)
    guard.locator("#g-code").fill(code or "")
    guard.locator("#g-code").press("Enter")
    verdict = dispatcher.locator("[data-result]")
    expect(verdict).to_have_attribute("data-accepted", "true")
    expect(verdict).to_contain_text("验证通过")
    expect(verdict).to_contain_text(order_no)
    shots(dispatcher, "guard-accepted")
    guard.locator("#g-code").fill(code or "")
    guard.get_by_role("button", name="验证").click()
    expect(verdict).to_have_attribute("data-code", "pass_replayed")
    expect(verdict).to_have_attribute("data-accepted", "false")
    shots(dispatcher, "guard-replayed")
    body = {"code": code, "siteId": chain["site"]["id"], "transition": "in", "plateRead": PLATE}
    again = run_async(_verify(server.base_url, chain["key_id"], chain["secret"], body))
    assert again["accepted"] is False and again["code"] == "pass_replayed", again

    # A day later the same page says the pass has expired instead of showing a code.
    driver.clock.install()
    driver.reload()
    expect(pass_box).to_have_attribute("data-qr-text", re.compile(r"^MT1\."))
    driver.clock.fast_forward("25:00:00")
    expect(pass_box.locator("[data-pass-state]")).to_have_text("已过期")
    expect(pass_box.locator("[data-qr] svg")).to_have_count(0)
    shots(driver, "driver-pass-expired")

    # The driver's order now reads 已入场.
    driver.goto(f"/driver/orders/{order_id}")
    expect(driver.locator(".order-hero [data-status]")).to_have_text("已入场")
    shots(driver, "driver-entered")

    # Signing out forgets the kept pass (it holds the order's secret) along with the kept pages.
    kept = f"caches.match('/driver/orders/{order_id}/pass.data', {{cacheName: 'mt-pages'}}).then(Boolean)"
    assert driver.evaluate(kept) is True
    driver.get_by_role("button", name="退出").click()
    expect(driver).to_have_url(re.compile(r"/driver/login"))
    deadline = time.monotonic() + 10
    while driver.evaluate(kept) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert driver.evaluate(kept) is False
    assert errors == [], f"JavaScript errors on the pages: {errors}"


def _wait_until_kept(page: Page, timeout_s: float = 10.0) -> None:
    """The service worker has this page in its page cache (the pass asks it to keep it)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if page.evaluate("caches.match(location.pathname, {cacheName: 'mt-pages'}).then(Boolean)"):
            return
        time.sleep(0.2)
    raise AssertionError("the pass page was not kept for offline use")


def test_driver_books_an_hour_where_the_site_requires_it(
    chain: dict[str, Any], browser: Browser, server: Server, shots: Any,
) -> None:
    """A second yard takes trucks by appointment (two an hour): the driver books an hour on his
    order's page, then checks in within it."""
    lon0, lat0 = sh.offset(sh.LON, sh.LAT, east_m=3000.0)
    zone_lon, zone_lat = sh.offset(lon0, lat0, north_m=-300.0)
    with server.api() as admin:
        bw.login(admin, MINE_ADMIN, PASSWORD)
        yard = bw.ok(admin.post(f"/api/enterprise/orgs/{chain['mine']}/sites", json=sh.site_body(
            "二号储煤场", fence=sh.rect(lon0, lat0), checkinZone=sh.rect(zone_lon, zone_lat, width_m=300.0, height_m=350.0))))
        bw.ok(admin.put(f"/api/mine/sites/{yard['id']}/queue-settings", json={
            "nevFirst": False, "callDeadlineS": 1200, "appointmentsRequired": True, "hourlyQuota": 2}))
    phone, plate = "13912340106", "蒙K61235"
    bw.register_driver(server, phone=phone, name="刘师傅", plate=plate, id_prefix="15062219900511238", region="150622",
                       password=PASSWORD)
    with server.api() as sales:
        bw.login(sales, SALES, PASSWORD)
        order = bw.ok(sales.post("/api/mine/orders", json={
            "contractId": chain["contract"]["id"], "siteId": yard["id"], "plannedKg": 30_000}))[0]
        bw.ok(sales.post(f"/api/mine/orders/{order['id']}/dispatch", json={"plate": plate, "driverPhone": phone}))

    lon, lat = sh.offset(zone_lon, zone_lat, east_m=150.0, north_m=150.0)
    context = _context(browser, server, geolocation={"longitude": lon, "latitude": lat, "accuracy": 8},
                       permissions=["geolocation"])
    errors: list[str] = []
    try:
        page = _page(context, errors)
        page.goto(f"/driver/orders/{order['id']}")
        password_login(page, phone, PASSWORD)
        booking = page.locator("[data-booking]")
        expect(booking).to_be_visible()
        expect(booking.locator("[data-booking-msg]")).to_have_text("本场地须先预约再签到")
        first = booking.locator("[data-slots] button:not([disabled])").first
        expect(first).to_contain_text("余 2")
        shots(page, "driver-booking")
        first.click()
        expect(first).to_have_attribute("aria-pressed", "true")
        expect(first).to_contain_text("余 1")  # this booking counted
        expect(booking.locator("[data-booking-msg]")).to_have_text(re.compile(r"^已预约 \d\d:00–\d\d:00$"))
        shots(page, "driver-booked")
        # Checked in within the booked hour: queued, and the picker steps aside.
        page.get_by_role("button", name="签到排队").click()
        expect(page.locator("[data-q-state]")).to_have_text("排队中")
        expect(booking).to_be_hidden()
    finally:
        context.close()
    assert errors == [], f"JavaScript errors on the page: {errors}"
