"""The GPS pages on screen, at phone size: a ticketed truck drives off through a hole in its yard's
fence and strays from its corridor (its phone's fixes through the stream and the in-app worker); the
mine's dispatcher sees the yard's fence and the truck with its plate on the live map, follows its
waybill number to the track with the corridor, the events on the map and in the list; the driver sees
the same waybill on 我的运单 and switches on 共享位置, which starts collecting the phone's fixes. A
hand-written live map (served in place of the API) checks the drawing of what one drive does not show:
a stale truck, a non-designated gate, a hatched coverage hole, zoom and the list's locate button."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser import track_world as tw
from tests.browser import tracking_fixture as fx
from tests.browser.conftest import Server, password_login, phone_page

PASSWORD = "Track2026pass"
MINE_ADMIN, SALES, DISPATCHER, PLANT_ADMIN = "13912340601", "13912340602", "13912340603", "13912340604"
DRIVER, PLATE = "13912340605", "蒙K60601"
KINDS = {"site_exit", "exit_not_designated", "corridor_leave", "corridor_return"}


@pytest.fixture(scope="module")
def load(server: Server) -> dict[str, Any]:
    world = tw.ticketed_load(server, password=PASSWORD, mine_admin=MINE_ADMIN, sales=SALES, dispatcher=DISPATCHER,
                             plant_admin=PLANT_ADMIN, driver=DRIVER, plate=PLATE)
    tw.coverage_hole(server)
    fixes = tw.drive()
    # Out of the yard first: the waybill opens at the exit; the rest is judged against its corridor.
    tw.upload(server, driver=DRIVER, password=PASSWORD, plate=PLATE, fixes=fixes[:5])
    tw.wait_for_waybill(server, phone=DISPATCHER, password=PASSWORD, kinds={"site_exit", "exit_not_designated"})
    tw.upload(server, driver=DRIVER, password=PASSWORD, plate=PLATE, fixes=fixes[5:])
    world["waybill"] = tw.wait_for_waybill(server, phone=DISPATCHER, password=PASSWORD, kinds=KINDS)
    return world


@pytest.fixture
def driver_page(browser: Browser, server: Server) -> Iterator[Page]:
    """The driver's phone, with its position allowed and placed on the road east of the yard."""
    lon, lat = tw.at(6100.0, 0.0)
    with phone_page(browser, server, permissions=["geolocation"],
                    geolocation={"longitude": lon, "latitude": lat, "accuracy": 10}) as page:
        yield page


def test_the_dispatcher_follows_the_truck_from_the_live_map_to_its_track(load: dict[str, Any], page: Page,
                                                                         shots: Any) -> None:
    no = load["waybill"]["waybillNo"]
    page.goto(f"/mine/tracking?siteId={load['site']['id']}")
    password_login(page, DISPATCHER, PASSWORD)
    expect(page).to_have_url(re.compile(r"/mine/tracking\?siteId="))
    svg = page.locator("svg#livemap")
    truck = svg.locator(f'g.truck[data-plate="{PLATE}"]')
    expect(truck).to_have_count(1)
    expect(svg.locator("path.site")).to_have_count(1)
    assert (svg.locator("path.site").get_attribute("d") or "").startswith("M")
    expect(svg.locator("text.plate-label", has_text=PLATE)).to_have_count(1)
    expect(svg.locator("circle.exit.designated")).to_have_count(1)
    expect(svg.locator(".scale text")).to_have_text(re.compile(r"^\d+(\.\d+)? k?m$"))
    row = page.locator(f'[data-vehicles] li[data-vehicle="{load["waybill"]["vehicleId"]}"]')
    expect(row).to_contain_text(PLATE)
    expect(row).to_contain_text("36 km/h")
    expect(row).to_contain_text("手机定位")
    expect(page.locator("[data-status]")).to_contain_text("已更新")
    shots(page, "gps-live-map")

    row.locator(f'a[href="/mine/waybills/{no}"]').click()
    expect(page).to_have_url(re.compile(rf"/mine/waybills/{no}$"))
    expect(page.locator("[data-wb-no]")).to_have_text(no)
    expect(page.locator("[data-wb-status]")).to_have_text("运输中")
    wb = page.locator("svg#wbmap")
    expect(wb.locator("path.corridor")).to_have_count(1)
    expect(wb.locator("path.track")).to_have_count(1)
    expect(wb.locator("path.site.origin")).to_have_count(1)
    expect(wb.locator("circle.ev-exit_not_designated")).to_have_count(1)
    events = page.locator("[data-events] li")
    expect(events.filter(has_text="非指定出口驶出")).to_have_count(1)
    expect(events.filter(has_text="偏离路线走廊")).to_have_count(1)
    expect(page.locator("[data-wb-facts]")).to_contain_text(re.compile(r"\d+\.\d+ km已行驶"))
    expect(wb.locator(f'g.truck[data-plate="{PLATE}"]')).to_have_count(1)  # where it is now
    shots(page, "gps-waybill")

    page.locator(".crumbs a", has_text="电子运单").click()
    expect(page).to_have_url(re.compile(r"/mine/waybills$"))
    item = page.locator(f'[data-items] a[href="/mine/waybills/{no}"]')
    expect(item).to_contain_text(PLATE)
    expect(page.locator("[data-total]")).to_have_text("1")
    page.locator("[data-filter]").select_option("arrived")
    expect(page.locator("[data-items]")).to_have_text("暂无运单")
    expect(page).to_have_url(re.compile(r"/mine/waybills\?status=arrived$"))


def test_the_driver_sees_his_waybill_and_shares_his_position(load: dict[str, Any], driver_page: Page,
                                                             shots: Any) -> None:
    page = driver_page
    no = load["waybill"]["waybillNo"]
    page.goto("/driver/waybill")
    password_login(page, DRIVER, PASSWORD)
    expect(page).to_have_url(re.compile(r"/driver/waybill$"))
    expect(page.locator("[data-wb-no]")).to_have_text(no)
    expect(page.locator("[data-wb-none]")).to_be_hidden()
    expect(page.locator("[data-wb-route]")).to_contain_text("五号储煤场")
    expect(page.locator("[data-wb-route]")).to_contain_text("东胜示范电厂")
    expect(page.locator("svg#wbmap path.track")).to_have_count(1)
    expect(page.locator("[data-events] li").filter(has_text="非指定出口驶出")).to_have_count(1)
    expect(page.locator(".tabbar a[aria-current=page]")).to_have_text("运单")
    status = page.locator("[data-share-status]")
    expect(status).to_have_text("未共享位置")
    page.locator("[data-share-gps] .switch").click()
    expect(status).to_contain_text("已采集 1 个位置待上传")
    shots(page, "gps-driver-waybill")


def test_the_live_map_draws_gates_zones_and_stale_trucks_and_zooms(load: dict[str, Any], page: Page) -> None:
    live = fx.live_map()
    page.route("**/api/mine/tracking/live*", lambda route: route.fulfill(
        status=200, content_type="application/json", body=json.dumps(live)))
    page.goto("/mine/tracking")
    password_login(page, DISPATCHER, PASSWORD)
    svg = page.locator("svg#livemap")
    expect(svg.locator("g.truck")).to_have_count(4)
    expect(svg.locator('g.truck.stale[data-plate="蒙K99881"]')).to_have_count(1)
    expect(svg.locator('g.truck.phone[data-plate="蒙K12345"]')).to_have_count(1)
    expect(svg.locator("circle.exit.designated")).to_have_count(1)
    expect(svg.locator("circle.exit.other")).to_have_count(1)
    assert (svg.locator("path.zone.coverage_hole").get_attribute("fill") or "").startswith("url(#")
    expect(svg.locator("path.zone.checkpoint")).to_have_count(1)
    # Arrows turn with the course: 95° east-south-east for 蒙K63388.
    assert svg.locator('g.truck[data-plate="蒙K63388"] path.body').get_attribute("transform") == "rotate(95)"
    expect(page.locator("[data-count]")).to_have_text("3")
    expect(page.locator("[data-vehicles] li").last).to_contain_text("离线")  # stale ones last

    scale = svg.locator(".scale text")
    before = scale.text_content()
    page.locator("[data-zoom-in]").click()
    page.locator("[data-zoom-in]").click()
    expect(scale).not_to_have_text(before or "")
    page.locator("[data-vehicles] li", has_text="蒙K55177").locator("button.locate").click()
    expect(svg.locator('g.truck.picked[data-plate="蒙K55177"]')).to_have_count(1)
    # A refresh (as every 5 s, or when the tab is seen again) redraws and keeps the reader's zoom and pick.
    with page.expect_response(re.compile(r"/api/mine/tracking/live")):
        page.evaluate("document.dispatchEvent(new Event('visibilitychange'))")
    expect(page.locator("[data-status]")).to_contain_text("已更新")
    expect(svg.locator('g.truck.picked[data-plate="蒙K55177"]')).to_have_count(1)
    expect(scale).not_to_have_text(before or "")
    figures = page.evaluate("""async () => {
        const { km, duration } = await import("/static/js/waybill.js");
        return [km(7350), km(23456), duration(6600), duration(1500)];
    }""")
    assert figures == ["7.35 km", "23.5 km", "1 小时 50 分", "25 分钟"], figures
