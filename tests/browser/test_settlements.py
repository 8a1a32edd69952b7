"""Settlements in the browser, on the demo region, at phone size (390×844) and on a desktop
(1280×900): the power plant's administrator issues a settlement of two loads on the demo contract
(the loads ticked, the figures prefilled from the platform's recomputation, the bank typed), and the
mine's sales clerk opens it and sees the platform's recomputation beside it, line by line, then
confirms it."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select

from backend import clock as backend_clock
from backend.db import seed_marks
from backend.db.session import create_engine, create_sessionmaker
from backend.demo.chain import DEMO_CONTRACT_NO
from backend.demo.seed import DEMO_PASSWORD
from backend.domain.orders.models import PickupOrder
from backend.domain.weighing.models import Weighing, WeighTicket
from tests.browser import mfa
from tests.browser.conftest import CHROMIUM, PHONE, Server, password_login, run_async

SALES_PHONE = "13800000002"
PLANT_PHONE = "13800000009"
DESKTOP = {"viewport": {"width": 1280, "height": 900}, "locale": "zh-CN", "timezone_id": "Asia/Shanghai"}
assert CHROMIUM


async def _tickets(database_url: str, order_ids: list[str], nets: list[int]) -> list[str]:
    """What the lane does for the two loads: their weigh tickets (the lane has its own browser tests)."""
    engine = create_engine(database_url)
    numbers = []
    async with create_sessionmaker(engine)() as session:
        now = backend_clock.system_now()
        for i, (oid, net) in enumerate(zip(order_ids, nets, strict=True)):
            o = (
                await session.execute(select(PickupOrder).where(PickupOrder.id == uuid.UUID(oid)))
            ).scalar_one()
            at = now - timedelta(minutes=90 - 30 * i)
            ids = []
            for kind, kg, when in (("tare", 15_200, at - timedelta(minutes=20)), ("gross", 15_200 + net, at)):
                wid = uuid.uuid4()
                session.add(
                    Weighing(
                        id=wid,
                        order_id=o.id,
                        site_id=o.site_id,
                        key_id="browser",
                        kind=kind,
                        plate="蒙K55177",
                        weight_kg=kg,
                        on_scale_at=when,
                        weighed_at=when,
                        status="accepted",
                        code="accepted",
                        signature="0" * 64,
                    )
                )
                ids.append(wid)
            await session.flush()
            no = f"BD{now:%y%m%d}{uuid.uuid4().hex[:6].upper()}"
            session.add(
                WeighTicket(
                    ticket_no=no,
                    verify_code="BROWSER",
                    order_id=o.id,
                    order_no=o.order_no,
                    contract_id=o.contract_id,
                    contract_no=DEMO_CONTRACT_NO,
                    seller_org_id=o.seller_org_id,
                    buyer_org_id=o.buyer_org_id,
                    seller_name="鄂托克前旗示范煤矿有限公司",
                    buyer_name="准格尔示范电厂",
                    region_code=o.region_code,
                    site_id=o.site_id,
                    site_name="示范煤矿",
                    plate="蒙K55177",
                    product=o.product,
                    tare_weighing_id=ids[0],
                    gross_weighing_id=ids[1],
                    tare_kg=15_200,
                    gross_kg=15_200 + net,
                    net_kg=net,
                    tare_at=at - timedelta(minutes=20),
                    gross_at=at,
                )
            )
            numbers.append(no)
        await session.commit()
    await engine.dispose()
    return numbers


async def _demo_contract_and_site(database_url: str) -> tuple[str, str]:
    engine = create_engine(database_url)
    async with create_sessionmaker(engine)() as session:
        mark = await seed_marks.marked(session, key=f"contract:{DEMO_CONTRACT_NO}")
        assert mark is not None and mark.entity_id is not None
        site = (
            await session.execute(
                select(PickupOrder.site_id).where(PickupOrder.contract_id == mark.entity_id).limit(1)
            )
        ).scalar_one()
    await engine.dispose()
    return str(mark.entity_id), str(site)


def _loads(server: Server, nets: list[int]) -> tuple[str, list[str]]:
    contract_id, site_id = run_async(_demo_contract_and_site(server.database_url))
    with server.api() as sales:
        mfa.api_login(sales, SALES_PHONE, DEMO_PASSWORD)
        r = sales.post(
            "/api/mine/orders",
            json={"contractId": contract_id, "siteId": site_id, "plannedKg": 40_000, "count": len(nets)},
        )
        assert r.status_code == 201, r.text
        order_ids = [o["id"] for o in r.json()]
    return contract_id, run_async(_tickets(server.database_url, order_ids, nets))


def _snap(page: Page, folder: Path, name: str, width: int) -> None:
    page.evaluate("window.scrollTo(0, 0)")
    height = page.evaluate("document.documentElement.scrollHeight")
    page.set_viewport_size({"width": width, "height": max(844 if width < 500 else 900, int(height))})
    page.screenshot(path=str(folder / f"{name}.png"))
    page.set_viewport_size({"width": width, "height": 844 if width < 500 else 900})


def _no_sideways_scroll(page: Page) -> None:
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"the page scrolls sideways by {overflow}px"


def _flow(
    browser: Browser, server: Server, folder: Path, size: str, options: dict[str, Any], width: int
) -> None:
    contract_id, tickets = _loads(server, [31_020, 29_480])
    errors: list[str] = []

    def new_page() -> Page:
        context = browser.new_context(base_url=server.base_url, **options)
        context.set_default_timeout(10_000)
        page = context.new_page()
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.on("dialog", lambda dialog: dialog.accept())
        return page

    # The plant issues it.
    plant = new_page()
    plant.goto("/enterprise/settlements")
    password_login(plant, PLANT_PHONE, DEMO_PASSWORD)
    expect(plant).to_have_url(re.compile(r"/enterprise/settlements$"))
    expect(plant.get_by_role("heading", name="电子结算单", level=1)).to_be_visible()
    plant.locator("[data-new-settlement]").click()
    expect(plant.get_by_role("heading", name="开具结算单", level=1)).to_be_visible()
    plant.get_by_label("合同", exact=True).select_option(value=contract_id)
    plant.get_by_role("button", name="列出待结算磅单").click()
    form = plant.locator("#settlement-form")
    for no in tickets:
        expect(form.locator(f'[data-load="{no}"]')).to_be_checked()
    # Only our two loads: untick any other the demo left unsettled in the period.
    for box in form.locator("[data-load]").all():
        if box.get_attribute("data-load") not in tickets:
            box.uncheck()
    expect(form.get_by_label("结算数量（吨）")).to_have_value("60.500")
    number = f"JS-{size.upper()}-{uuid.uuid4().hex[:6].upper()}"
    form.get_by_label("结算单号").fill(number)
    form.get_by_label("开户行").fill("中国工商银行准格尔旗支行")
    form.get_by_label("账号").fill("0603021109008866001")
    _no_sideways_scroll(plant)
    _snap(plant, folder, f"settlement-issue-{size}", width)
    form.locator("[data-issue]").click()
    expect(plant).to_have_url(re.compile(r"/enterprise/settlements/[0-9a-f-]{36}$"))
    expect(plant.locator("[data-settlement-no]")).to_have_text(number)
    expect(plant.locator("[data-status]")).to_have_attribute("data-status", "pending")
    url = plant.url
    plant.context.close()

    # The mine's sales clerk opens it and sees the recomputation beside it.
    mine = new_page()
    mine.goto("/enterprise/settlements")
    password_login(mine, SALES_PHONE, DEMO_PASSWORD)
    expect(mine).to_have_url(re.compile(r"/enterprise/settlements$"))
    mine.locator(f'[data-settlement="{number}"] a').click()
    expect(mine).to_have_url(url)
    side = mine.locator("[data-side]")
    expect(side).to_be_visible()
    expect(side.get_by_role("columnheader", name="平台复核")).to_be_visible()
    expect(mine.locator("[data-lines] [data-line]")).to_have_count(2)
    for no in tickets:
        expect(mine.locator(f'[data-line="{no}"]')).to_be_visible()
    _snap(mine, folder, f"settlement-seller-{size}", width)
    _no_sideways_scroll(mine)
    expect(mine.locator("[data-mismatch]")).to_have_count(0)
    mine.locator("[data-confirm-button]").click()
    expect(mine.locator("[data-status]")).to_have_attribute("data-status", "confirmed")
    # The PDF, as Chromium's viewer shows it: the Chinese text rendered with the system's CJK font.
    pdf_url = mine.locator("[data-pdf-link]").get_attribute("href")
    assert pdf_url is not None
    answer = mine.request.get(pdf_url)
    assert answer.ok and answer.body().startswith(b"%PDF") and number.encode() in answer.body()
    if size == "desktop":
        mine.goto(pdf_url)
        mine.wait_for_timeout(1500)
        mine.screenshot(path=str(folder / "settlement-pdf-desktop.png"))
    mine.context.close()
    assert errors == [], f"JavaScript errors on the pages: {errors}"


def test_the_plant_issues_and_the_mine_sees_the_recomputation_at_phone_size(
    browser: Browser, server: Server, artifacts_dir: Path
) -> None:
    folder = artifacts_dir / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    _flow(browser, server, folder, "phone", PHONE, 390)


def test_the_same_on_a_desktop(browser: Browser, server: Server, artifacts_dir: Path) -> None:
    folder = artifacts_dir / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    _flow(browser, server, folder, "desktop", DESKTOP, 1280)
