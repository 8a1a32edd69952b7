"""Settlements in the browser, on the demo region, at phone size (390×844) and on a desktop
(1280×900): the power plant's administrator issues a settlement of two loads on the demo contract
(the loads ticked, the figures prefilled from the platform's recomputation, the bank typed), and the
mine's sales clerk opens it and sees the platform's recomputation beside it, line by line, then
confirms it. Once the loads are received, invoiced and paid, the 对账 board shows the contract's
tonnage through all six stages."""

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
from backend.domain.organisations.models import Organisation
from backend.domain.vehicles.models import Vehicle
from backend.domain.waybills.models import Waybill
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


async def _delivered(database_url: str, tickets: list[str]) -> dict[str, Any]:
    """What the road and the plant's gate do for the two loads: their waybills, received in full (the
    GPS and receipt flows have their own tests). Returns what the invoice and the payment name."""
    engine = create_engine(database_url)
    async with create_sessionmaker(engine)() as session:
        vehicle_id = (await session.execute(select(Vehicle.id).limit(1))).scalar_one()
        departed = None
        for no in tickets:
            t = (await session.execute(select(WeighTicket).where(WeighTicket.ticket_no == no))).scalar_one()
            departed = t.gross_at + timedelta(minutes=10)
            session.add(Waybill(
                waybill_no=f"YD{uuid.uuid4().hex[:12].upper()}", order_id=t.order_id, order_no=t.order_no,
                ticket_no=t.ticket_no, vehicle_id=vehicle_id, plate=t.plate, seller_org_id=t.seller_org_id,
                buyer_org_id=t.buyer_org_id, origin_site_id=t.site_id, region_code=t.region_code,
                destination_name="准格尔示范电厂", destination_lon=111.2, destination_lat=39.86,
                route={"type": "LineString", "coordinates": []}, corridor_width_m=500.0, status="received",
                opened_by="gate", departed_at=departed, arrived_at=departed + timedelta(minutes=50),
                received_at=departed + timedelta(minutes=55), received_net_kg=t.net_kg, distance_m=60_000.0))
        seller, buyer = (await session.execute(select(WeighTicket.seller_org_id, WeighTicket.buyer_org_id)
                                               .where(WeighTicket.ticket_no == tickets[0]))).one()
        codes = dict((await session.execute(select(Organisation.id, Organisation.credit_code)
                                            .where(Organisation.id.in_((seller, buyer))))).all())
        await session.commit()
    await engine.dispose()
    assert departed is not None
    return {"seller_cc": codes[seller], "buyer_cc": codes[buyer],
            "service_date": backend_clock.china_time(departed).date().isoformat()}


def _invoiced_and_paid(server: Server, tickets: list[str], nets: list[int], settlement_no: str,
                       total_fen: int) -> None:
    """The plant uploads the mine's freight invoice for the two loads and pays the settlement."""
    facts = run_async(_delivered(server.database_url, tickets))
    today = backend_clock.today_china()
    lines = [{"lineNo": i + 1, "origin": "内蒙古自治区&鄂尔多斯市&鄂托克前旗", "destination": "准格尔示范电厂",
              "mode": 2, "plate": "蒙K55177", "goods": "*运输服务*煤炭", "quantityKg": net, "amountFen": net * 3,
              "serviceDate": facts["service_date"]} for i, net in enumerate(nets)]
    amount = sum(x["amountFen"] for x in lines)
    tax = (amount * 9 + 50) // 100  # 9 %: whole fen here, no tie to round
    invoice = {"invoiceNo": f"{today.year % 100:02d}152{uuid.uuid4().int % 10**15:015d}",
               "issueDate": today.isoformat(), "kind": "81", "sellerName": "鄂托克前旗示范煤矿有限公司",
               "sellerCreditCode": facts["seller_cc"], "buyerName": "准格尔示范电厂",
               "buyerCreditCode": facts["buyer_cc"], "amountFen": amount, "taxRateBp": 900, "taxFen": tax,
               "totalFen": amount + tax, "lines": lines}
    payment = {"flowNo": f"F{uuid.uuid4().int % 10**18:018d}", "payerName": "准格尔示范电厂",
               "payerCreditCode": facts["buyer_cc"], "payeeName": "鄂托克前旗示范煤矿有限公司",
               "payeeCreditCode": facts["seller_cc"], "payeeAccount": "0603021109008866001",
               "bankCode": "102100099996", "amountFen": total_fen,
               "paidAt": (backend_clock.system_now() - timedelta(minutes=1)).isoformat(), "means": "32",
               "settlementNo": settlement_no}
    with server.api() as plant:
        mfa.api_login(plant, PLANT_PHONE, DEMO_PASSWORD)
        r = plant.post("/api/enterprise/transport-invoices", json=invoice)
        assert r.status_code == 201, r.text
        assert [x["status"] for x in r.json()["lines"]] == ["matched", "matched"], r.text
        r = plant.post("/api/enterprise/payments", json=payment)
        assert r.status_code == 201 and r.json()["status"] == "matched", r.text


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
    # Received, invoiced and paid: the board carries the contract through all six stages.
    total_fen = int(mine.request.get(url.replace("/enterprise/settlements/", "/api/enterprise/settlements/"))
                    .json()["totalFen"])
    _invoiced_and_paid(server, tickets, [31_020, 29_480], number, total_fen)
    mine.goto(f"/enterprise/reconcile?contract_id={contract_id}&group=month")
    total = mine.locator("[data-board] [data-total]")
    expect(total).to_be_visible()
    for stage in ("ordered", "loaded", "delivered", "settled", "invoiced", "paid"):
        text = total.locator(f'[data-stage="{stage}"]').inner_text()
        assert re.search(r"[1-9]", text), (stage, text)  # a real figure, not 0.000 / ¥0.00
    _no_sideways_scroll(mine)
    _snap(mine, folder, f"reconcile-board-{size}", width)
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
