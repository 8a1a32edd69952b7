"""Alerts handled on a phone (issue 13, point 7): the demo mine's dispatcher opens an overdue alert from
告警, acknowledges it, disposes with a photo taken by the phone's camera (a real JPEG through the file
input), and the district's regulator finds it on the alert board, sees the photo and accepts the
disposal; the alert is closed for both. The handling figures page draws its chart. Uses the demo's
seeded alerts and people (backend/demo/alerts.py, seed.py)."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import Browser, Page, expect

from backend.demo.seed import DEMO_PASSWORD
from tests.browser.conftest import Server, password_login, phone_page

DISPATCHER, DISTRICT_REGULATOR = "13800000003", "13800000007"
PLATE = "蒙K7D011"  # the demo's open, overdue red alert


def _photo(browser: Browser) -> bytes:
    """A small real JPEG, drawn by Chromium, as the phone's camera would hand it over."""
    page = browser.new_page(viewport={"width": 320, "height": 240})
    page.set_content('<body style="margin:0;height:240px;background:linear-gradient(#64748b,#1e293b);'
                     'display:grid;place-items:center;color:#fde68a;font:28px sans-serif">1号磅 传感器</body>')
    picture = page.screenshot(type="jpeg", quality=70)
    page.close()
    return picture


def _until(page: Page, function: str, *, timeout_s: float = 10.0) -> None:
    """Wait until `function` (a JS function: the CSP refuses a bare expression, which Playwright evals) is true."""
    for _ in range(int(timeout_s * 10)):
        if page.evaluate(function):
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"never true: {function}")


PHOTO_SHOWN = "() => { const i = document.querySelector('#files .thumb img'); return !!i && i.complete && i.naturalWidth > 0; }"
CHART_DRAWN = "() => !!(window.Chart && window.Chart.getChart(document.getElementById('figures-chart')))"


def test_dispatcher_disposes_with_a_photo_and_the_regulator_accepts(server: Server, browser: Browser,
                                                                    shots: Any) -> None:
    with phone_page(browser, server) as page:
        page.goto("/mine/login?next=/mine/alerts")
        password_login(page, DISPATCHER, DEMO_PASSWORD)
        expect(page).to_have_url(f"{server.base_url}/mine/alerts")
        row = page.locator("li[data-alert]", has_text=PLATE)
        expect(row.locator("[data-overdue]")).to_be_visible()
        expect(page.locator(".tabbar a[aria-current=page]")).to_have_text("告警")
        shots(page, "alerts-01-mine-list")
        row.locator("a.title").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("称重数据跳变（疑似作弊）")
        expect(page.locator("#timeline li[data-step=raised]")).to_be_visible()
        shots(page, "alerts-02-mine-detail-open")
        page.get_by_role("button", name="确认接收").click()

        form = page.locator("form[data-alert-dispose]")
        expect(form).to_be_visible()
        expect(page.locator("#timeline li[data-step=acknowledged]")).to_be_visible()
        form.get_by_label("原因").fill("1号磅传感器接线松动，读数跳变")
        form.get_by_label("处置措施").fill("已紧固接线并用标准砝码复核，读数正常")
        form.locator("input[type=file]").set_input_files(
            files=[{"name": "现场.jpg", "mimeType": "image/jpeg", "buffer": _photo(browser)}])
        expect(form.locator("[data-previews] img")).to_have_count(1)
        shots(page, "alerts-03-mine-dispose-form")
        form.get_by_role("button", name="提交处置，等待审核").click()
        expect(page.locator(".page-head [data-state]")).to_have_text("待审核")
        expect(page.locator("#files .thumb img")).to_have_count(1)
        _until(page, PHOTO_SHOWN)
        expect(page.locator("#disposal")).to_contain_text("已紧固接线")
        shots(page, "alerts-04-mine-disposed")
        alert_url = page.url

    with phone_page(browser, server) as page:
        page.goto("/regulator/login?next=/regulator/alerts")
        password_login(page, DISTRICT_REGULATOR, DEMO_PASSWORD)
        expect(page).to_have_url(f"{server.base_url}/regulator/alerts")
        _until(page, "() => !!window.htmx")  # the filters reload the list through htmx (a deferred script)
        page.get_by_label("状态").select_option("disposed")
        expect(page).to_have_url(re.compile(r"/regulator/alerts\?.*state=disposed"), timeout=15_000)  # htmx pushed it
        row = page.locator("li[data-alert]", has_text=PLATE)
        expect(row).to_be_visible()
        expect(page.locator("li[data-alert] [data-state]").first).to_have_text("待审核")
        shots(page, "alerts-05-regulator-board")
        row.locator("a.title").click()
        assert page.url.split("/")[-1] == alert_url.split("/")[-1]
        expect(page.locator("#disposal")).to_contain_text("1号磅传感器接线松动")
        _until(page, PHOTO_SHOWN)
        shots(page, "alerts-06-regulator-review")
        page.get_by_role("button", name="审核通过，关闭告警").click()
        expect(page.locator(".page-head [data-state]")).to_have_text("已关闭")
        expect(page.locator("#timeline li[data-step=accepted]")).to_be_visible()
        shots(page, "alerts-07-regulator-closed")

        # The demo's GPS alert: the driver's appeal waits, with his note and his phone's track.
        page.goto("/regulator/alerts?kind=gps_corridor_leave")
        page.locator("li[data-alert] a.title").first.click()
        appeal = page.locator("[data-appeal-status=pending]")
        expect(appeal).to_contain_text("按交警指挥绕行")
        expect(appeal).to_contain_text("手机轨迹 20 个定位点")
        expect(appeal.get_by_role("button", name="提交裁决")).to_be_visible()
        shots(page, "alerts-08-regulator-appeal")

        page.goto("/regulator/alerts/figures")
        expect(page.locator("#figures-table tbody tr").first).to_be_visible()
        _until(page, CHART_DRAWN)
        shots(page, "alerts-09-regulator-figures")
        page.goto("/regulator/alerts/figures?lang=en")
        expect(page.get_by_role("heading", level=1)).to_have_text("Alert handling by enterprise")
        folder = shots(page, "alerts-10-regulator-figures-en").parent
        page.set_viewport_size({"width": 1280, "height": 900})  # and on a desk
        page.wait_for_timeout(300)
        page.screenshot(path=str(folder / "alerts-10-desktop-figures-en.png"), full_page=True)
        page.goto(f"/regulator/alerts/{alert_url.split('/')[-1]}?lang=en")
        expect(page.locator(".page-head [data-state]")).to_have_text("Closed")
        page.screenshot(path=str(folder / "alerts-10-desktop-detail-en.png"), full_page=True)

    with phone_page(browser, server) as page:
        page.goto("/mine/login?next=" + alert_url.replace(server.base_url, ""))
        password_login(page, DISPATCHER, DEMO_PASSWORD)
        expect(page.locator(".page-head [data-state]")).to_have_text("已关闭")
        page.goto(alert_url + "?lang=en")
        expect(page.locator(".page-head [data-state]")).to_have_text("Closed")
        shots(page, "alerts-11-mine-closed-en")


DRIVER, CARRIER_ADMIN = "13800000005", "13800000004"
GPS_PLATE = "蒙K66888"  # the demo driver's truck: its corridor alert waits on his appeal, his carrier handles it


def test_the_driver_follows_his_appeal_and_the_carrier_sees_its_trucks_alert(server: Server, browser: Browser,
                                                                              shots: Any) -> None:
    with phone_page(browser, server) as page:
        page.goto("/driver/login?next=/driver/alerts")
        password_login(page, DRIVER, DEMO_PASSWORD, second_factor=False)
        expect(page).to_have_url(f"{server.base_url}/driver/alerts")
        row = page.locator("li[data-alert]", has_text=GPS_PLATE)
        expect(row).to_have_count(1)
        shots(page, "alerts-12-driver-list")
        row.locator("a.title").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("偏离运输路线")
        expect(page.locator("#appeals")).to_contain_text("待裁决")
        expect(page.locator("form[data-alert-appeal]")).to_have_count(0)  # one appeal waits: no second form
        shots(page, "alerts-13-driver-appeal")
        page.goto(page.url + "?lang=en")
        expect(page.get_by_role("heading", level=1)).to_have_text("Left the route corridor")
        shots(page, "alerts-14-driver-appeal-en")

    with phone_page(browser, server) as page:
        page.goto("/enterprise/login?next=/enterprise/alerts")
        password_login(page, CARRIER_ADMIN, DEMO_PASSWORD)
        expect(page).to_have_url(f"{server.base_url}/enterprise/alerts")
        expect(page.locator("li[data-alert]", has_text=GPS_PLATE)).to_have_count(1)
        shots(page, "alerts-15-carrier-list")
