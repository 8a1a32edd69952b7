"""A carrier dispatches on its phone: the mine's sales issues a pickup order naming the carrier, found by
typing in the carrier directory; the carrier's dispatcher opens 提煤单 in the enterprise app, is refused
a driver from outside the fleet at the field, picks the fleet's driver (his own truck fills in) and
sees the order move to 已派车, where it may still be given another truck. The buyer reads it, read only."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.browser import world as bw
from tests.browser.conftest import PHONE, Server, password_login
from tests.sites import helpers as sh

PASSWORD = "Coal2026pass"
MINE_ADMIN, SALES, PLANT_ADMIN, CARRIER_ADMIN, CARRIER_DISPATCHER = (
    "13912340201", "13912340202", "13912340203", "13912340204", "13912340205")
FLEET_DRIVER, FLEET_PLATE = "13912340206", "蒙K62001"  # bound to the carrier, drives his own truck (挂靠)
OUTSIDER, OUTSIDER_PLATE = "13912340207", "蒙K62002"  # self-employed, not in the fleet
CARRIER_PLATE = "蒙K62003"  # a truck the carrier owns
CARRIER = "伊金霍洛旗顺达物流有限公司"


@pytest.fixture(scope="module")
def world(server: Server) -> dict[str, Any]:
    """A mine with a site and an active contract with a power plant; a carrier with a dispatcher, its own
    truck and one bound driver with his truck; a driver outside the fleet."""
    mine, plant, carrier = bw.orgs_with_staff(server, [
        ("布尔台示范煤矿有限公司", "mine", "150627", "MA0CD0001"),
        ("准格尔示范电厂有限公司", "consumer_power", "150622", "MA0CD0002"),
        (CARRIER, "carrier", "150627", "MA0CD0003"),
    ], [(0, MINE_ADMIN, "孙矿长", "enterprise_admin"), (0, SALES, "钱销售", "sales"),
        (1, PLANT_ADMIN, "郑采购", "enterprise_admin"), (2, CARRIER_ADMIN, "冯车队", "carrier_admin"),
        (2, CARRIER_DISPATCHER, "陈调度", "dispatcher")], PASSWORD)
    with server.api() as admin:
        bw.login(admin, MINE_ADMIN, PASSWORD)
        site = bw.ok(admin.post(f"/api/enterprise/orgs/{mine}/sites", json=sh.site_body("布尔台储煤场")))
    contract = bw.active_contract(
        server, seller=mine, buyer=plant, sales_phone=SALES, buyer_phone=PLANT_ADMIN, password=PASSWORD,
        product="lump_coal", calorificKcalPerKg=5800, sulphurPct=0.6, ashPct=10, moisturePct=7, priceFenPerT=72_000,
        quantityKg=300_000, destinationName="准格尔电厂", destinationLon=111.24, destinationLat=39.865)
    bw.register_driver(server, phone=FLEET_DRIVER, name="马师傅", plate=FLEET_PLATE, id_prefix="15062719870415316",
                       region="150627", password=PASSWORD)
    bw.register_driver(server, phone=OUTSIDER, name="牛师傅", plate=OUTSIDER_PLATE, id_prefix="15062719870415427",
                       region="150627", password=PASSWORD)
    with server.api() as fleet:
        bw.login(fleet, CARRIER_ADMIN, PASSWORD)
        bw.bind_driver(server, fleet, carrier=carrier, phone=FLEET_DRIVER, password=PASSWORD)
        bw.ok(fleet.post(f"/api/enterprise/orgs/{carrier}/fleet/vehicles", json={
            "plate": CARRIER_PLATE, "plateColour": "yellow", "body": "tractor_semitrailer", "axleCount": 6,
            "energyType": "diesel", "ratedLoadKg": 34_000}))
    return {"mine": mine, "site": site, "contract": contract, "carrier": carrier}


@pytest.fixture
def pages(browser: Browser, server: Server) -> Iterator[tuple[Page, Page, list[str]]]:
    errors: list[str] = []
    contexts: list[BrowserContext] = []
    made = []
    for _ in range(2):
        context = browser.new_context(base_url=server.base_url, **PHONE)
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        made.append(page)
    yield made[0], made[1], errors
    for context in contexts:
        context.close()


def test_the_carrier_dispatches_its_order_on_the_phone(
    world: dict[str, Any], pages: tuple[Page, Page, list[str]], shots: Any, artifacts_dir: Path,
) -> None:
    sales, dispatcher, errors = pages

    # 1. 开单 naming the carrier, found in the directory by part of its name.
    sales.goto("/mine/orders/new")
    password_login(sales, SALES, PASSWORD)
    expect(sales).to_have_url(re.compile(r"/mine/orders/new$"))
    form = sales.locator("form#issue")
    form.get_by_label("每车计划装载（吨）").fill("30")
    expect(form.locator("[data-carrier-pick]")).to_have_attribute("data-ready", "true")  # its script is bound
    search = form.get_by_role("combobox", name="指定承运单位")
    search.fill("顺达")
    option = form.get_by_role("option", name=re.compile(CARRIER))
    expect(option).to_be_visible()
    expect(option).to_contain_text("伊金霍洛旗 · 91150627MA0CD0003")
    shots(sales, "carrier-pick-search")
    option.click()
    expect(form.locator("[data-picked-name]")).to_have_text(CARRIER)
    expect(search).to_be_hidden()
    assert form.locator('input[name="carrierOrgId"]').input_value() == world["carrier"]
    shots(sales, "carrier-pick-chosen")
    form.get_by_role("button", name="开单", exact=True).click()
    expect(sales).to_have_url(re.compile(r"/mine/orders\?issued=1$"))
    card = sales.locator('[data-column="issued"] article.board-card', has_text=CARRIER)
    expect(card).to_have_count(1)
    order_no = card.get_attribute("data-order-no")
    assert order_no

    # 2. The carrier's dispatcher finds it under 待派车 in the enterprise app.
    dispatcher.goto("/enterprise/orders")
    password_login(dispatcher, CARRIER_DISPATCHER, PASSWORD)
    expect(dispatcher).to_have_url(re.compile(r"/enterprise/orders$"))
    card = dispatcher.locator(f'[data-column="issued"] article[data-order-no="{order_no}"]')
    expect(card).to_be_visible()
    expect(card).to_contain_text("30 吨")
    expect(dispatcher.locator(f'datalist option[value="{FLEET_DRIVER}"]')).to_have_attribute("label", f"马师傅 · {FLEET_PLATE}")
    shots(dispatcher, "carrier-orders")

    # A driver from outside the fleet is refused at his field.
    expect(card.locator("form.dispatch-form")).to_have_attribute("data-ready", "true")  # its script is bound
    card.get_by_label("车牌号").fill(OUTSIDER_PLATE)
    card.get_by_label("司机手机号").fill(OUTSIDER)
    card.get_by_role("button", name="派车").click()
    phone_field = card.locator(".field", has=dispatcher.get_by_label("司机手机号"))
    expect(phone_field.locator(".field-error")).to_contain_text("该手机号没有可驾驶此车承运本单的司机")
    expect(card.get_by_label("司机手机号")).to_have_attribute("aria-invalid", "true")
    shots(dispatcher, "carrier-dispatch-refused")

    # The fleet's driver: picking his mobile fills in the truck he owns.
    card.get_by_label("车牌号").fill("")
    card.get_by_label("司机手机号").fill(FLEET_DRIVER)
    expect(card.get_by_label("车牌号")).to_have_value(FLEET_PLATE)
    expect(phone_field.locator(".field-error")).to_have_count(0)
    card.get_by_role("button", name="派车").click()

    # 3. 已派车: the flash, the card under its new column with plate and driver, 改派 still offered.
    expect(dispatcher).to_have_url(re.compile(rf"/enterprise/orders\?dispatched={order_no}#order-"))
    expect(dispatcher.locator("[data-flash]")).to_have_text(f"提煤单 {order_no} 已派车：{FLEET_PLATE} 马师傅")
    moved = dispatcher.locator(f'[data-column="dispatched"] article[data-order-no="{order_no}"]')
    expect(moved.locator(f'.plate[data-plate="{FLEET_PLATE}"]')).to_be_visible()
    expect(moved).to_contain_text("马师傅")
    expect(dispatcher.locator(f'[data-column="issued"] article[data-order-no="{order_no}"]')).to_have_count(0)
    expect(moved.locator("summary", has_text="改派")).to_be_visible()
    shots(dispatcher, "carrier-dispatched")
    dispatcher.set_viewport_size({"width": 1024, "height": 768})  # the office's tablet: two columns a row
    dispatcher.screenshot(path=str(artifacts_dir / "screenshots" / "carrier-dispatched-tablet.png"), full_page=True)
    dispatcher.set_viewport_size({"width": 390, "height": 844})

    # The order's own page: its history says who dispatched which truck.
    moved.get_by_role("link", name=order_no).click()
    expect(dispatcher.locator(".order-hero [data-status]")).to_have_text("已派车")
    expect(dispatcher.locator(".timeline li").first).to_contain_text(f"{FLEET_PLATE} / 马师傅")
    expect(dispatcher.locator('.tabbar a[aria-current="page"]')).to_have_text("提煤单")
    shots(dispatcher, "carrier-order")
    dispatch = dispatcher.locator("#dispatch")
    dispatch.locator("summary", has_text="改派").click()
    expect(dispatch.get_by_label("车牌号")).to_be_focused()
    expect(dispatch.get_by_role("button", name="确认改派")).to_be_visible()
    shots(dispatcher, "carrier-redispatch")
    dispatcher.goto("/enterprise/orders?lang=en")
    expect(dispatcher.locator("#col-dispatched")).to_have_text("Dispatched")
    shots(dispatcher, "carrier-orders-en")
    dispatcher.goto("/enterprise/orders?lang=zh")

    # 4. The buyer reads the same order, with its truck, and no form.
    sales.context.clear_cookies()
    sales.goto("/enterprise/orders")
    password_login(sales, PLANT_ADMIN, PASSWORD)
    expect(sales).to_have_url(re.compile(r"/enterprise/orders$"))
    seen = sales.locator(f'[data-column="dispatched"] article[data-order-no="{order_no}"]')
    expect(seen.locator(f'.plate[data-plate="{FLEET_PLATE}"]')).to_be_visible()
    expect(seen).to_contain_text(CARRIER)
    expect(sales.locator("form.dispatch-form")).to_have_count(0)
    shots(sales, "buyer-orders")
    assert errors == [], f"JavaScript errors on the pages: {errors}"
