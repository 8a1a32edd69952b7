"""The e-contract pages over HTTP with cookie logins: the list (filters, search by party, tonnes not kg,
the execution bar), one contract as seller and as buyer (terms in yuan and tonnes, scan, history,
the moves each may make), the drafting form with its buyer lookup, and 404 for others' contracts."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from backend.context import Context
from backend.db.unit import unit_of_work
from backend.domain.contracts import service as contracts
from backend.domain.organisations import service as organisations
from tests import factories as f
from tests.contracts import helpers as ch
from tests.pages import helpers as ph
from tests.pages.test_pages import text_of

FETCH = ph.FETCH
# 1,250.5 t at 680.50 yuan/t with 5 % tolerance: the cap is 1,313,025 kg.
TERMS = {"quantityKg": 1_250_500, "toleranceBp": 500, "priceFenPerT": 68_050, "sulphurPct": 0.85, "ashPct": 12.5,
         "moisturePct": 8, "calorificKcalPerKg": 5500, "contractNo": "鄂煤销-2026-017"}


@dataclass(frozen=True)
class World:
    seller_id: uuid.UUID
    buyer_id: uuid.UUID
    seller_admin: str
    sales: str
    buyer_admin: str
    buyer_staff: str
    seller_name: str
    buyer_name: str


@pytest.fixture
async def world(ctx: Context) -> World:
    _, seller_admin, seller_id = await f.staff(ctx, role="enterprise_admin", kind="mine")
    _, sales, _ = await f.staff(ctx, role="sales", org_id=seller_id)
    _, buyer_admin, buyer_id = await f.staff(ctx, role="enterprise_admin", kind="consumer_power", region_code="150621")
    _, buyer_staff, _ = await f.staff(ctx, role="dispatcher", org_id=buyer_id)
    async with unit_of_work(ctx) as session:
        names = await organisations.org_names(session, org_ids={seller_id, buyer_id})
    return World(seller_id, buyer_id, seller_admin, sales, buyer_admin, buyer_staff, names[seller_id], names[buyer_id])


def _body(w: World, **overrides: Any) -> dict[str, Any]:
    parties = ch.Parties(w.seller_id, {}, {}, w.buyer_id, {}, {})
    return ch.body(parties, **{**TERMS, **overrides})


async def _ok(response: httpx.Response, status: int = 200) -> dict[str, Any]:
    assert response.status_code == status, response.text
    result: dict[str, Any] = response.json()
    return result


async def _draft(client: httpx.AsyncClient, w: World, **overrides: Any) -> dict[str, Any]:
    """Drafted by the seller's sales clerk, through the API with the page's cookie and header."""
    await ph.cookie_login(client, w.sales)
    return await _ok(await client.post("/api/enterprise/contracts", json=_body(w, **overrides), headers=FETCH), 201)


async def _filed(client: httpx.AsyncClient, w: World, **overrides: Any) -> dict[str, Any]:
    contract = await _draft(client, w, **overrides)
    await _ok(await client.put(ch.url(contract["id"], "pdf"), content=ch.PDF,
                               headers={**FETCH, "Content-Type": "application/pdf"}))
    return await _ok(await client.post(ch.url(contract["id"], "file"), headers=FETCH))


async def _active(ctx: Context, client: httpx.AsyncClient, w: World) -> dict[str, Any]:
    """Filed, confirmed by the buyer, 400 t delivered and 100 t held by an open order."""
    contract = await _filed(client, w)
    await ph.cookie_login(client, w.buyer_admin)
    await _ok(await client.post(ch.url(contract["id"], "confirm"), headers=FETCH))
    async with unit_of_work(ctx) as session:
        cid = uuid.UUID(contract["id"])
        await contracts.reserve(session, contract_id=cid, kg=400_000, ref="order-1")
        await contracts.execute(session, contract_id=cid, reserved_kg=400_000, actual_kg=400_000, ref="ticket-1")
        await contracts.reserve(session, contract_id=cid, kg=100_000, ref="order-2")
        await session.commit()
    return contract


def _squash(html: str) -> str:
    return " ".join(text_of(html).split())


async def test_list_shows_tonnes_party_status_and_the_execution_bar(ctx, client, world):
    active = await _active(ctx, client, world)
    await _draft(client, world, contractNo="鄂煤销-2026-018", quantityKg=50_000, toleranceBp=0, kind="market")

    await ph.cookie_login(client, world.sales)
    page = await client.get("/enterprise/contracts")
    assert page.status_code == 200, page.text
    text = _squash(page.text)
    for expected in ("电子合同", "新建合同", "共 2 条", "鄂煤销-2026-017", "鄂煤销-2026-018", "中长协合同", "市场合同", "混煤",
                     f"买方：{world.buyer_name}", "1,250.5 吨", "50 吨", "执行中", "草稿",
                     "已执行 400 · 预留 100 / 1,250.5 吨", "31.99%"):
        assert expected in text, expected
    # kg never shows where tonnes belong.
    assert "1250500" not in text and "1,250,500" not in text
    # The bar's length is the cap: 400 t done and 100 t held of 1,313.025 t; the quantity marked at 95.24 %.
    row = page.text[page.text.index('data-contract="鄂煤销-2026-017"'):]
    assert 'class="done" style="width:30.46%"' in row and 'class="held" style="width:7.62%"' in row
    assert 'class="mark" style="left:95.24%"' in row
    assert f'href="/enterprise/contracts/{active["id"]}"' in page.text
    # The tab bar links the list.
    assert 'href="/enterprise/contracts"' in page.text and "电子合同" in page.text

    only_drafts = await client.get("/enterprise/contracts?status=draft")
    assert "鄂煤销-2026-018" in only_drafts.text and "鄂煤销-2026-017" not in only_drafts.text
    as_buyer = await client.get("/enterprise/contracts?role=buyer")
    assert "没有符合条件的合同" in as_buyer.text and "鄂煤销" not in text_of(as_buyer.text)
    # Search by the other party's name (the service alone searches numbers and destinations).
    by_party = await client.get("/enterprise/contracts", params={"q": world.buyer_name})
    assert "共 2 条" in _squash(by_party.text)
    by_number = await client.get("/enterprise/contracts", params={"q": "2026-018"})
    assert "鄂煤销-2026-018" in by_number.text and "鄂煤销-2026-017" not in by_number.text
    nothing = await client.get("/enterprise/contracts", params={"q": "不存在的单位"})
    assert "没有符合条件的合同" in nothing.text
    # htmx swaps the list alone.
    partial = await client.get("/enterprise/contracts?status=active", headers={"HX-Request": "true"})
    assert "<html" not in partial.text and "鄂煤销-2026-017" in partial.text and "鄂煤销-2026-018" not in partial.text

    await ph.cookie_login(client, world.buyer_admin)
    buyer = await client.get("/enterprise/contracts")
    text = _squash(buyer.text)
    assert f"卖方：{world.seller_name}" in text and "鄂煤销-2026-017" in text
    assert "鄂煤销-2026-018" in text  # a draft names its buyer, who may read it
    assert "新建合同" not in text  # a power plant does not sell
    en = await client.get("/enterprise/contracts?lang=en")
    text = _squash(en.text)
    assert "E-contracts" in text and "Long-term contract" in text and "1,250.5 t" in text
    assert f"Seller: {world.seller_name}" in text and "Active" in text and "中长协合同" not in text


async def test_detail_shows_terms_scan_progress_and_history(ctx, client, world):
    contract = await _active(ctx, client, world)
    url = f"/enterprise/contracts/{contract['id']}"

    await ph.cookie_login(client, world.sales)
    page = await client.get(url)
    assert page.status_code == 200, page.text
    text = _squash(page.text)
    for expected in ("鄂煤销-2026-017", "中长协合同", world.seller_name, world.buyer_name, "混煤", "5,500 kcal/kg",
                     "0.85%", "12.5%", "8%", "680.50 元/吨", "1,250.5 吨", "±5%", "850,965 元", "达拉特电厂",
                     "110.04, 40.4", "执行中：可据此开具提煤单", "已执行 400 吨", "100 吨", "剩余可提 813 吨", "1,313 吨",
                     "已完成 31.99%", "状态记录", "草稿", "已备案", "查看 PDF"):
        assert expected in text, expected
    assert f'href="/api/enterprise/contracts/{contract["id"]}/pdf"' in page.text
    assert re.search(r"有效期 \d{4}-\d{2}-\d{2} 至 \d{4}-\d{2}-\d{2} 还剩 9\d 天", text), text
    # Sales may not terminate (admins only) and may complete only once delivered in full.
    assert "终止合同" not in text and "合同数量全部执行" in text
    assert "/terminate" not in page.text and "/complete" not in page.text
    assert "data-pdf-upload" not in page.text  # the scan is frozen once filed
    # The scan opens with the page's cookie alone: a GET needs no anti-CSRF header.
    pdf = await client.get(f"/api/enterprise/contracts/{contract['id']}/pdf")
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf" and pdf.content == ch.PDF

    await ph.cookie_login(client, world.buyer_admin)
    buyer = _squash((await client.get(url)).text)
    assert f"卖方：{world.seller_name}" in buyer and "终止合同" in buyer and "终止原因" in buyer
    assert "确认合同" not in buyer  # already active
    en = _squash((await client.get(url + "?lang=en")).text)
    for expected in ("Long-term contract", "¥680.50/t", "1,250.5 t", "Status history", "Terminate the contract",
                     "Active: pickup orders may draw on it", "31.99 % delivered"):
        assert expected in en, expected
    assert "中长协合同" not in en and "状态记录" not in en

    ended = await _ok(await client.post(ch.url(contract["id"], "terminate"), json={"reason": "电厂检修，双方协商终止"},
                                        headers=FETCH))
    assert ended["status"] == "terminated"
    after = _squash((await client.get(url + "?lang=zh")).text)
    assert "终止原因：电厂检修，双方协商终止" in after and "已终止" in after and "终止合同" not in after


async def test_each_side_gets_the_moves_of_the_status(ctx, client, world):
    draft = await _draft(client, world)
    url = f"/enterprise/contracts/{draft['id']}"
    page = await client.get(url)  # the sales clerk, still signed in
    assert f'data-pdf-upload="/api/enterprise/contracts/{draft["id"]}/pdf"' in page.text
    assert re.search(r'<button class="btn primary block" type="submit" disabled>提交备案</button>', page.text)
    assert "上传扫描件后才能备案" in page.text and "删除草稿" in page.text and "尚未上传扫描件" in page.text
    assert "0 吨" in _squash(page.text)

    await ph.cookie_login(client, world.buyer_admin)
    buyer_page = await client.get(url)
    buyer = _squash(buyer_page.text)
    assert "草稿" in buyer and "确认合同" not in buyer and "data-pdf-upload" not in buyer_page.text
    assert "/file" not in buyer_page.text and 'data-method="DELETE"' not in buyer_page.text

    filed = await _filed(client, world, contractNo="鄂煤销-2026-019")
    furl = f"/enterprise/contracts/{filed['id']}"
    sales_page = await client.get(furl)
    sales = _squash(sales_page.text)
    assert "已备案，等待买方管理员确认" in sales and "确认合同" not in sales and "提交备案" not in sales
    assert "data-pdf-upload" not in sales_page.text and "查看 PDF" in sales
    await ph.cookie_login(client, world.buyer_staff)
    staff = _squash((await client.get(furl)).text)
    assert "确认合同" not in staff and "终止合同" not in staff
    await ph.cookie_login(client, world.buyer_admin)
    admin = await client.get(furl)
    assert f'data-api="/api/enterprise/contracts/{filed["id"]}/confirm"' in admin.text and "终止合同" in admin.text


async def test_others_contracts_are_not_found(ctx, client, world):
    contract = await _draft(client, world)
    _, stranger, _ = await f.staff(ctx, role="enterprise_admin", kind="mine")
    await ph.cookie_login(client, stranger)
    page = await client.get(f"/enterprise/contracts/{contract['id']}")
    assert page.status_code == 404 and "合同不存在" in page.text and "鄂煤销" not in page.text
    missing = await client.get(f"/enterprise/contracts/{uuid.uuid4()}")
    assert missing.status_code == 404 and "合同不存在" in missing.text
    listing = await client.get("/enterprise/contracts")
    assert "没有符合条件的合同" in listing.text and "鄂煤销" not in text_of(listing.text)
    client.cookies.clear()
    signed_out = await client.get("/enterprise/contracts", follow_redirects=False)
    assert signed_out.status_code == 302 and signed_out.headers["location"] == "/enterprise/login?next=/enterprise/contracts"


async def test_new_contract_form_and_buyer_lookup(ctx, client, world):
    await ph.cookie_login(client, world.sales)
    empty = await client.get("/enterprise/contracts/new")
    assert empty.status_code == 200
    text = _squash(empty.text)
    for expected in ("新建合同", world.seller_name, "还没有往来买方", "按统一社会信用代码查找买方", "单价（元/吨）",
                     "合同数量（吨）", "溢短装（%）", "发热量（kcal/kg）", "硫分（%）", "保存草稿"):
        assert expected in text, expected
    # The form speaks yuan and tonnes; the API gets fen and kg.
    assert re.search(r'name="priceFenPerT" type="text"[^>]*data-type="scaled" data-scale="100"', empty.text)
    assert re.search(r'name="quantityKg" type="text"[^>]*data-type="scaled" data-scale="1000"', empty.text)
    assert f'name="sellerOrgId" value="{world.seller_id}"' in empty.text

    async with unit_of_work(ctx) as session:
        admin = f.platform_principal(uuid.uuid4())
        buyer = await organisations.get_org(session, actor=admin, org_id=world.buyer_id)
    carrier_id = await f.make_org(ctx, kind="carrier")
    async with unit_of_work(ctx) as session:
        carrier = await organisations.get_org(session, actor=admin, org_id=carrier_id)
    hx = {"HX-Request": "true"}
    found = await client.get("/enterprise/contracts/buyers", params={"credit_code": buyer.credit_code.lower()}, headers=hx)
    assert found.status_code == 200 and "<html" not in found.text
    assert f'<option value="{world.buyer_id}" selected>{world.buyer_name}</option>' in found.text
    assert f"已选择：{world.buyer_name}" in found.text
    typo = buyer.credit_code[:17] + ("0" if buyer.credit_code[17] != "0" else "1")
    wrong = await client.get("/enterprise/contracts/buyers", params={"credit_code": typo}, headers=hx)
    assert "data-lookup-error" in wrong.text and ("校验位" in wrong.text or "统一社会信用代码" in wrong.text)
    trucks = await client.get("/enterprise/contracts/buyers", params={"credit_code": carrier.credit_code}, headers=hx)
    assert "承运企业不能作为合同买方" in trucks.text
    itself = await client.get("/enterprise/contracts/buyers",
                              params={"credit_code": (await _credit_code(ctx, world.seller_id))}, headers=hx)
    assert "不能选择本机构作为买方" in itself.text
    en = await client.get("/enterprise/contracts/buyers", params={"credit_code": carrier.credit_code, "lang": "en"},
                          headers=hx)
    assert "A carrier cannot buy under a contract" in en.text

    await _draft(client, world)
    known = await client.get("/enterprise/contracts/new?lang=zh")
    assert f'<option value="{world.buyer_id}">{world.buyer_name}</option>' in known.text and "请选择买方" in known.text

    await ph.cookie_login(client, world.buyer_admin)
    refused = await client.get("/enterprise/contracts/new")
    assert refused.status_code == 403 and "只有煤矿、洗选煤厂、集装站或贸易企业" in refused.text
    assert 'data-api="/api/enterprise/contracts"' not in refused.text


async def _credit_code(ctx: Context, org_id: uuid.UUID) -> str:
    async with unit_of_work(ctx) as session:
        org = await organisations.get_org(session, actor=f.platform_principal(uuid.uuid4()), org_id=org_id)
    return org.credit_code
