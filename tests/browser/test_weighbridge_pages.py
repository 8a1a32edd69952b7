"""The weighbridge on screen: a load weighed over the lane's signed interface (tare, a refused gross,
the gross that issues the ticket), then the driver finds the ticket and its QR, anyone opening the
QR's address sees 真实有效 — and the red verdict once the ticket's row is edited behind the platform's
back — and the mine's 地磅 board shows the lane as its controller reports it, live, with today's
ticket and refusal; the ticket page carries the QR, the photos, the supervisor's 复磅授权, and prints
alone on an A5 sheet."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Page, expect

from backend.domain.identity.totp import qr_svg
from tests.browser import weigh_world as ww
from tests.browser import world as bw
from tests.browser.conftest import Server, password_login, phone_page, run_async
from tests.sites import helpers as sh

PASSWORD = "Scale2026pass"
MINE_ADMIN, SALES, DISPATCHER, PLANT_ADMIN = "13912340301", "13912340302", "13912340303", "13912340304"
DRIVER, PLATE = "13912340305", "蒙K63388"
LANE_1, LANE_2 = "LANE-WB-0301", "LANE-WB-0302"


def _camera_picture(browser: Browser, caption: str) -> bytes:
    """A camera's plate picture (a real JPEG, drawn by Chromium) for the weighing's pictures."""
    page = browser.new_page(viewport={"width": 480, "height": 270})
    page.set_content(
        '<body style="margin:0;height:270px;display:grid;place-items:center;'
        'background:linear-gradient(#475569,#0f172a);font-family:\'Noto Sans CJK SC\',sans-serif">'
        f'<div style="background:#f7c600;border:4px solid #111;padding:4px 20px;font-size:44px;font-weight:700">{PLATE}</div>'
        f'<div style="position:absolute;left:12px;bottom:10px;color:#e2e8f0;font:15px monospace">{caption}</div></body>')
    picture = page.screenshot(type="jpeg", quality=70)
    page.close()
    return picture


@pytest.fixture(scope="module")
def weighed(server: Server, browser: Browser) -> dict[str, Any]:
    mine, plant = bw.orgs_with_staff(server, [
        ("补连塔示范煤矿有限公司", "mine", "150623", "MA0WB0001"),
        ("准格尔示范热电有限公司", "consumer_power", "150622", "MA0WB0002"),  # names are unique per region
    ], [(0, MINE_ADMIN, "孙矿长", "enterprise_admin"), (0, SALES, "钱主管", "sales"), (0, DISPATCHER, "郑调度", "dispatcher"),
        (1, PLANT_ADMIN, "冯采购", "enterprise_admin")], PASSWORD)
    with server.api() as admin:
        bw.login(admin, MINE_ADMIN, PASSWORD)
        site = bw.ok(admin.post(f"/api/enterprise/orgs/{mine}/sites",
                                json=sh.site_body("三号储煤场", checkinZone=sh.CHECKIN_ZONE)))
    keys = [ww.lane_with_controller(server, admin_phone=MINE_ADMIN, password=PASSWORD, org_id=mine, site_id=site["id"],
                                    name=name, device_code=code) for name, code in (("1号磅道", LANE_1), ("2号磅道", LANE_2))]
    contract = bw.active_contract(server, seller=mine, buyer=plant, sales_phone=SALES, buyer_phone=PLANT_ADMIN,
                                  password=PASSWORD)
    bw.register_driver(server, phone=DRIVER, name="周师傅", plate=PLATE, id_prefix="15062219850712345",
                       region="150622", password=PASSWORD)
    order, issued_pass = ww.called_order(server, password=PASSWORD, sales=SALES, dispatcher=DISPATCHER, driver=DRIVER,
                                         plate=PLATE, contract_id=contract["id"], site_id=site["id"])
    pictures = (_camera_picture(browser, "1号磅道 皮重"), _camera_picture(browser, "1号磅道 毛重"))
    gross = run_async(ww.weigh(server.base_url, keys[0], order_id=order["id"], plate=PLATE, issued_pass=issued_pass,
                               pictures=pictures))
    run_async(ww.heartbeat(server.base_url, keys[0], LANE_1, state="weighing", plate=PLATE, weightKg=44_240,
                           online=True, message="请停稳，正在称重", outbox=2))
    return {"site": site, "order": order, "gross": gross, "key": keys[0], "ticket_no": gross["ticketNo"]}


@pytest.fixture
def visitor(browser: Browser, server: Server) -> Iterator[Page]:
    """Someone with no account: the buyer's weighman scanning the ticket with his own phone."""
    with phone_page(browser, server) as page:
        yield page


def _tamper(server: Server, ticket_no: str, delta_kg: int) -> None:
    """Edit the ticket's row behind the platform's back (keeping net = gross - tare true)."""
    with sqlite3.connect(server.var_dir / "meitong.db", timeout=10) as db:
        changed = db.execute("UPDATE weigh_tickets SET gross_kg = gross_kg + ?, net_kg = net_kg + ? WHERE ticket_no = ?",
                             (delta_kg, delta_kg, ticket_no)).rowcount
    assert changed == 1


def test_driver_sees_the_ticket_and_its_qr_verifies_until_the_row_is_edited(
    weighed: dict[str, Any], page: Page, visitor: Page, server: Server, shots: Any,
) -> None:
    no = weighed["ticket_no"]
    page.goto("/driver/tickets")
    password_login(page, DRIVER, PASSWORD)
    expect(page).to_have_url(re.compile(r"/driver/tickets$"))
    card = page.locator(f'a.order-card[data-ticket-no="{no}"]')
    expect(card).to_contain_text("29.00")
    expect(card.locator(f'.plate[data-plate="{PLATE}"]')).to_be_visible()
    expect(page.locator(".tabbar a[aria-current=page]")).to_have_text("磅单")
    shots(page, "wb-driver-tickets")

    card.click()
    expect(page).to_have_url(re.compile(rf"/driver/tickets/{no}$"))
    expect(page.locator("[data-net-t]").first).to_have_text("29.00")
    qr = page.locator(".tk-scan [data-qr] svg")
    box = qr.bounding_box()
    assert box and box["width"] >= 300, box  # another phone reads it at arm's length
    link = page.locator(".tk-scan [data-verify-link]").get_attribute("href") or ""
    # The QR is the verify address, drawn by the platform from exactly the link shown under it.
    drawn = re.search(r' d="([^"]+)"', qr.evaluate("svg => svg.outerHTML")).group(1)  # type: ignore[union-attr]
    assert drawn == re.search(r' d="([^"]+)"', qr_svg(link)).group(1)  # type: ignore[union-attr]
    address = urlsplit(link)
    assert address.path == f"/verify/{no}" and address.query.startswith("c="), link
    shots(page, "wb-driver-ticket")
    page.goto(f"/driver/orders/{weighed['order']['id']}")
    expect(page.locator(f'a[data-ticket-link][href="/driver/tickets/{no}"]')).to_contain_text("29.00")
    expect(page.locator(".order-hero [data-status]")).to_have_text("已完成")
    shots(page, "wb-driver-order")

    # Anyone opening the QR's address, no login: genuine.
    target = f"{address.path}?{address.query}"
    visitor.goto(target)
    verdict = visitor.locator("[data-verdict]")
    expect(verdict).to_have_attribute("data-verdict", "genuine")
    expect(verdict.locator("h1")).to_have_text("真实有效")
    expect(visitor.locator("[data-seq]")).to_have_text(re.compile(r"^\d+$"))
    expect(visitor.locator("[data-hash]")).to_have_text(re.compile(r"^[0-9a-f]{64}$"))
    expect(visitor.locator(".tk-weights .net b")).to_have_text("29.00")
    shots(visitor, "wb-verify-genuine")

    # The row edited in the database (net +1 t): the record no longer matches its evidence entry.
    _tamper(server, no, 1000)
    try:
        visitor.reload()
        expect(verdict).to_have_attribute("data-verdict", "invalid")
        expect(verdict.locator("h1")).to_have_text("核验未通过")
        expect(verdict).to_contain_text("业务记录已被修改")
        expect(visitor.locator(".tk-weights .net b")).to_have_text("30.00")
        shots(visitor, "wb-verify-tampered")
        visitor.goto(target + "&lang=en")
        expect(verdict.locator("h1")).to_have_text("Not genuine")
        shots(visitor, "wb-verify-tampered-en")
    finally:
        _tamper(server, no, -1000)
    visitor.goto(target + "&lang=zh")
    expect(verdict).to_have_attribute("data-verdict", "genuine")

    visitor.goto(f"/verify/{no}?c=FORGED")
    expect(verdict).to_have_attribute("data-verdict", "unknown")
    expect(verdict.locator("h1")).to_have_text("查无此磅单")
    shots(visitor, "wb-verify-unknown")


def test_the_mine_watches_the_lanes_and_prints_the_ticket(
    weighed: dict[str, Any], page: Page, server: Server, shots: Any, artifacts_dir: Path,
) -> None:
    no, site_id = weighed["ticket_no"], weighed["site"]["id"]
    page.goto("/mine/sites")
    password_login(page, SALES, PASSWORD)
    page.locator(f'a[data-weighbridge-link][href="/mine/sites/{site_id}/weighbridge"]').click()
    expect(page).to_have_url(re.compile(rf"/mine/sites/{site_id}/weighbridge$"))
    lane = page.locator('.lane-card[data-lane="1号磅道"]')
    expect(lane).to_have_attribute("data-state", "weighing")
    expect(lane.locator(".badge[data-state]")).to_have_text("称重中")
    expect(lane.locator(f'.plate[data-plate="{PLATE}"]')).to_be_visible()
    expect(lane.locator("[data-weight] b")).to_have_text("44.24")
    expect(lane.locator("[data-lane-msg]")).to_have_text("请停稳，正在称重")
    expect(lane.locator("[data-outbox]")).to_have_text("待上传 2 条")
    expect(lane.locator(".dot.on")).to_be_visible()
    idle = page.locator('.lane-card[data-lane="2号磅道"]')
    expect(idle).to_have_attribute("data-state", "offline")
    expect(idle.locator(".badge[data-state]")).to_have_text("离线")
    expect(page.locator(f'[data-today-tickets] li[data-ticket-no="{no}"]')).to_contain_text("净重 29.00 吨")
    refusal = page.locator('[data-today-refusals] li[data-refusal="grating_blocked"]')
    expect(refusal).to_contain_text("车辆位置错误，请正确停车（光栅被遮挡）")
    expect(refusal.locator("[data-order-no]")).to_have_text(weighed["order"]["orderNo"])
    shots(page, "wb-mine-board")

    # The controller reports the next state: the card follows within the 2 s poll, no reload.
    run_async(ww.heartbeat(server.base_url, weighed["key"], LANE_1, state="exiting", plate=PLATE, weightKg=320,
                           online=True, message="过磅完成，请下磅出场", outbox=0))
    expect(lane).to_have_attribute("data-state", "exiting", timeout=6_000)
    expect(lane.locator(".badge[data-state]")).to_have_text("下磅出场")
    expect(lane.locator("[data-weight] b")).to_have_text("0.32")
    expect(lane.locator("[data-outbox]")).to_have_count(0)
    page.goto(f"/mine/sites/{site_id}/weighbridge?lang=en")
    expect(lane.locator(".badge[data-state]")).to_have_text("Exiting")
    shots(page, "wb-mine-board-en")

    page.goto(f"/mine/tickets/{no}?lang=zh")
    sheet = page.locator("#ticket")
    expect(sheet.locator("h1")).to_have_text(no)
    expect(sheet.locator("[data-qr] svg")).to_be_visible()
    expect(sheet.locator(".tk-weights")).to_contain_text("15.24")
    expect(sheet.locator(".tk-anomalies")).to_contain_text("光栅被遮挡")
    photos = page.locator("img[data-photo]")
    expect(photos).to_have_count(2)
    # Polled from here: wait_for_function polls with eval in the page, which the CSP (rightly) refuses.
    loaded = "[...document.querySelectorAll('img[data-photo]')].every(i => i.complete && i.naturalWidth > 0)"
    for _ in range(150):
        if page.evaluate(loaded):
            break
        page.wait_for_timeout(100)
    assert page.evaluate(loaded), "the ticket's photos did not load"
    shots(page, "wb-mine-ticket")

    # 复磅授权: a reason is required; then the answer shows in place.
    form = page.locator("form[data-override]")
    form.get_by_label("复磅类型").select_option("gross")
    form.get_by_label("授权原因").fill("司机对毛重有异议，经核实需复磅")
    form.get_by_role("button", name="授权复磅").click()
    result = page.locator("[data-override-result]")
    expect(result).to_contain_text("已授权复磅（毛重）")
    expect(result).to_have_attribute("data-kind", "gross")
    shots(page, "wb-mine-ticket-override")

    # 打印磅单: the print view is the ticket alone, black on white, on one A5 sheet.
    page.emulate_media(media="print")
    for hidden in (".appbar", ".tabbar", "[data-print]", "#override", ".tk-photos", ".crumbs"):
        expect(page.locator(hidden)).to_be_hidden()
    expect(sheet).to_be_visible()
    expect(sheet.locator("[data-qr] svg")).to_be_visible()
    assert sheet.evaluate("el => getComputedStyle(el).boxShadow") == "none"
    shots(page, "wb-mine-ticket-print")
    pdf = page.pdf(prefer_css_page_size=True, print_background=False)
    (artifacts_dir / "screenshots" / "wb-mine-ticket-print.pdf").write_bytes(pdf)
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 1
    assert re.search(rb"/MediaBox\s*\[\s*0 0 4(19|20)(\.\d+)?\s+59[45](\.\d+)?\s*\]", pdf), "not an A5 page"
    page.emulate_media(media="screen")
