"""E-contracts in the browser at phone size, on the demo region: the mine's sales clerk drafts a
contract through the form (a decimal the form refuses, a rule the server refuses, each on its field),
finds the buyer by credit code, uploads the signed scan (a non-PDF refused first), files it and finds it
in the list; the power plant's administrator confirms it."""

from __future__ import annotations

import re
import uuid
from typing import Any

from playwright.sync_api import Page, expect

from backend.checks.credit_code import make_credit_code
from backend.db.session import create_engine, create_sessionmaker
from backend.demo.seed import DEMO_PASSWORD, ORGS, USERS
from backend.domain.contracts import service as contracts
from tests.browser import mfa
from tests.browser import world as bw
from tests.browser.conftest import Server, password_login, run_async
from tests.contracts.helpers import PDF

SALES_PHONE = next(u["phone"] for u in USERS if u["role"] == "sales")
PLANT = next(o for o in ORGS if o["key"] == "plant")
PLANT_CODE = make_credit_code(f"91{PLANT['region']}{PLANT['serial']}")
BUYER_PHONE = "13912340021"
BUYER_PASSWORD = "Coal2026pass"


def _ok(response: Any, *statuses: int) -> Any:
    assert response.status_code in (statuses or (200,)), response.text
    return response.json()


def _buyer_admin(server: Server, plant_id: str) -> None:
    """An administrator for the demo power plant, appointed by the platform admin through the API."""
    with server.api() as platform:
        mfa.api_login(platform, USERS[0]["phone"], DEMO_PASSWORD)
        mfa.api_step_up(platform, USERS[0]["phone"])  # granting a role asks for the code again
        bw.join_staff(server, platform, org_id=plant_id, phone=BUYER_PHONE, name="吴采购", role="enterprise_admin",
                      password=BUYER_PASSWORD)


async def _loads(database_url: str, contract_id: str) -> None:
    """What pickup orders and weigh tickets will do: 880 t loaded on one order, 300 t held by another."""
    engine = create_engine(database_url)
    async with create_sessionmaker(engine)() as session:
        cid = uuid.UUID(contract_id)
        await contracts.reserve(session, contract_id=cid, kg=900_000, ref="browser-order-1")
        await contracts.execute(session, contract_id=cid, reserved_kg=900_000, actual_kg=880_000, ref="browser-ticket-1")
        await contracts.reserve(session, contract_id=cid, kg=300_000, ref="browser-order-2")
        await session.commit()
    await engine.dispose()


def _no_sideways_scroll(page: Page) -> None:
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"the page scrolls sideways by {overflow}px at phone width"


def test_sales_drafts_uploads_files_and_the_buyer_confirms(page: Page, server: Server, shots) -> None:
    page.on("dialog", lambda dialog: dialog.accept())
    page.goto("/enterprise/contracts")
    expect(page).to_have_url(re.compile(r"/enterprise/login\?next="))
    password_login(page, SALES_PHONE, DEMO_PASSWORD)
    expect(page).to_have_url(re.compile(r"/enterprise/contracts$"))
    expect(page.get_by_role("heading", name="电子合同", level=1)).to_be_visible()
    page.get_by_role("link", name="新建合同").click()

    # The buyer, found by its unified social credit code.
    expect(page.get_by_role("heading", name="新建合同", level=1)).to_be_visible()
    expect(page.locator("[data-seller]")).to_have_text("鄂托克前旗示范煤矿有限公司")
    page.get_by_label("按统一社会信用代码查找买方").fill(PLANT_CODE)
    page.get_by_role("button", name="查找").click()
    expect(page.locator("[data-lookup-found]")).to_have_text("已选择：准格尔示范电厂")
    buyer = page.locator("#f-buyerOrgId")
    expect(buyer.locator("option:checked")).to_have_text("准格尔示范电厂")
    plant_id = buyer.input_value()

    form = page.locator("#contract-form")
    form.get_by_label("合同类型").select_option("supply_guarantee")
    form.get_by_label("煤种").select_option("fine_coal")
    form.get_by_label("发热量（kcal/kg）").fill("8000")  # above the scale: the server refuses it
    form.get_by_label("硫分（%）").fill("0.6")
    form.get_by_label("灰分（%）").fill("15")
    form.get_by_label("全水分（%）").fill("12.5")
    form.get_by_label("合同数量（吨）").fill("2,000.5")
    form.get_by_label("溢短装（%）").fill("5")
    form.get_by_label("单价（元/吨）").fill("612.345")  # three decimals: the form refuses it
    form.get_by_label("到站/目的地").fill("准格尔示范电厂煤场")
    form.get_by_label("目的地经度").fill("111.24")
    form.get_by_label("目的地纬度").fill("39.86")
    form.get_by_label("截止日期").fill("2099-12-31")
    form.get_by_role("button", name="保存草稿").click()
    price_field = form.locator(".field", has=page.get_by_label("单价（元/吨）"))
    expect(price_field.locator(".field-error")).to_have_text("请输入数字，最多 2 位小数")
    form.get_by_label("单价（元/吨）").fill("612.50")
    expect(form.locator("[data-contract-value] b")).to_have_text("约 1,225,306 元")
    form.get_by_role("button", name="保存草稿").click()
    calorific_field = form.locator(".field", has=page.get_by_label("发热量（kcal/kg）"))
    expect(calorific_field.locator(".field-error")).to_contain_text("发热量须在 2000–7500 kcal/kg 之间")
    _no_sideways_scroll(page)
    shots(page, "contract-new")
    form.get_by_label("发热量（kcal/kg）").fill("5000")
    form.get_by_role("button", name="保存草稿").click()

    # The draft: terms in tonnes and yuan, no scan yet, filing waits for it.
    expect(page).to_have_url(re.compile(r"/enterprise/contracts/[0-9a-f-]{36}$"))
    number = page.locator("h1.contract-no").inner_text()
    assert re.fullmatch(r"HT\d{8}\d{4}", number), number
    terms = page.locator("#terms")
    expect(terms.locator("[data-price]")).to_have_text("612.50 元/吨")
    expect(terms.locator("[data-quantity]")).to_have_text("2,000.5 吨")
    expect(terms.locator("[data-value]")).to_have_text("1,225,306 元")
    expect(page.locator("#progress [data-cap]")).to_have_text("2,100.5 吨")
    expect(page.get_by_role("button", name="提交备案")).to_be_disabled()

    # A file that is not a PDF is refused on the file field; the real scan goes up.
    scan = page.locator("#scan")
    scan.get_by_label("合同扫描件（PDF）").set_input_files(
        {"name": "contract.pdf", "mimeType": "application/pdf", "buffer": b"this is not a pdf"})
    scan.get_by_role("button", name="上传扫描件").click()
    expect(scan.locator(".field-error")).to_contain_text("所选文件不是 PDF")
    shots(page, "contract-draft")
    scan.get_by_label("合同扫描件（PDF）").set_input_files(
        {"name": "contract.pdf", "mimeType": "application/pdf", "buffer": PDF})
    scan.get_by_role("button", name="上传扫描件").click()
    pdf_link = page.locator("[data-pdf-link]")
    expect(pdf_link).to_contain_text("查看 PDF")
    scan_response = page.request.get(pdf_link.get_attribute("href") or "")
    assert scan_response.status == 200 and scan_response.body() == PDF
    assert scan_response.headers["content-type"] == "application/pdf"

    page.get_by_role("button", name="提交备案").click()
    expect(page.locator(".page-head .badge")).to_have_text("已备案")
    expect(page.locator("#history [data-event]")).to_have_count(2)
    _no_sideways_scroll(page)
    shots(page, "contract-filed")

    # The list shows it with its buyer, tonnes and status; the search box finds it by number.
    page.get_by_role("link", name="电子合同").first.click()
    row = page.locator(f'li[data-contract="{number}"]')
    expect(row).to_contain_text("买方：准格尔示范电厂")
    expect(row).to_contain_text("2,000.5 吨")
    expect(row.locator(".badge")).to_have_text("已备案")
    page.get_by_placeholder("搜索合同编号、对方单位或到站").fill(number[-6:])
    expect(page).to_have_url(re.compile(r"q="))
    expect(page.locator("li[data-contract]")).to_have_count(1)
    _no_sideways_scroll(page)
    shots(page, "contracts-list")
    page.goto("/enterprise/contracts?lang=en")
    expect(page.locator(f'li[data-contract="{number}"]')).to_contain_text("Buyer: 准格尔示范电厂")
    _no_sideways_scroll(page)
    shots(page, "contracts-list-en")
    page.goto("/enterprise/contracts?lang=zh")

    # The power plant's administrator confirms it: the contract is active.
    _buyer_admin(server, plant_id)
    page.get_by_role("button", name="退出").first.click()
    expect(page).to_have_url(re.compile(r"/enterprise/login"))
    page.goto(f"/enterprise/contracts?q={number}")
    password_login(page, BUYER_PHONE, BUYER_PASSWORD)
    row = page.locator(f'li[data-contract="{number}"]')
    expect(row).to_contain_text("卖方：鄂托克前旗示范煤矿有限公司")
    row.get_by_role("link").click()
    page.get_by_role("button", name="确认合同").click()
    expect(page.locator(".page-head .badge")).to_have_text("执行中")
    expect(page.locator("[data-next-step]")).to_contain_text("执行中：可据此开具提煤单")
    _no_sideways_scroll(page)
    shots(page, "contract-active")

    # Coal moves against it: the bar and the figures follow, in tonnes.
    run_async(_loads(server.database_url, page.url.rsplit("/", 1)[1]))
    page.reload()
    progress = page.locator("#progress")
    expect(progress.locator("[data-executed]")).to_have_text("880 吨")
    expect(progress.locator("[data-reserved]")).to_have_text("300 吨")
    expect(progress.locator("[data-remaining]")).to_have_text("920.5 吨")
    expect(progress).to_contain_text("已完成 43.99%")
    expect(progress.locator(".meter .done")).to_have_attribute("style", "width:41.89%")
    shots(page, "contract-progress")
    page.goto(page.url + "?lang=en")
    expect(page.get_by_role("heading", name="Status history")).to_be_visible()
    shots(page, "contract-active-en")
    page.goto(page.url.split("?")[0] + "?lang=zh")
