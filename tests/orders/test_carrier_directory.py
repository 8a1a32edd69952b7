"""The carrier directory issuers name a carrier from (GET /api/mine/carriers): active carriers only,
by part of the name or the start of the credit code, names beginning with the search first; closed to
those who do not issue or dispatch orders."""

from __future__ import annotations

from backend.db.unit import unit_of_work
from backend.domain.organisations import service as organisations
from backend.domain.organisations.schemas import OrgStatusChange
from tests import factories as f
from tests.drivers import helpers as dh
from tests.orders import helpers as oh
from tests.pages import helpers as ph

URL = "/api/mine/carriers"


async def _carriers(ctx) -> dict[str, str]:
    names = {
        "shunda": "鄂尔多斯市顺达物流有限公司",
        "yida": "顺达通运输（伊金霍洛旗）有限公司",
        "hongtu": "乌海宏图汽车运输有限公司",
        "suspended": "鄂尔多斯顺达货运有限公司",
    }
    ids = {key: await f.make_org(ctx, kind="carrier", name=name, region_code="150627") for key, name in names.items()}
    admin_id, _ = await f.make_user(ctx, name="平台", admin=True)
    async with unit_of_work(ctx) as session:
        await organisations.change_status(session, actor=f.platform_principal(admin_id), org_id=ids["suspended"],
                                          data=OrgStatusChange(status="suspended", reason="未按期年检"))
    # A mine whose name matches too: not a carrier, never offered.
    await f.make_org(ctx, kind="mine", name="顺达煤业有限公司")
    return {key: str(org_id) for key, org_id in ids.items()}


async def test_sales_find_active_carriers_by_name_and_credit_code(ctx, client):
    w = await oh.world(ctx, client)
    ids = await _carriers(ctx)

    r = await client.get(URL, params={"q": "顺达"}, headers=w.parties.sales)
    assert r.status_code == 200, r.text
    found = r.json()
    # Active carriers only; names that begin with the search come first.
    assert [c["id"] for c in found] == [ids["yida"], ids["shunda"]], found
    first = found[0]
    assert first["name"] == "顺达通运输（伊金霍洛旗）有限公司"
    assert first["regionCode"] == "150627" and first["regionName"] == "伊金霍洛旗" and first["regionNameEn"]
    assert len(first["creditCode"]) == 18  # public registry data, in full

    code = (await client.get(URL, params={"q": "宏图"}, headers=w.parties.sales)).json()[0]["creditCode"]
    by_code = (await client.get(URL, params={"q": code[:12].lower()}, headers=w.dispatcher)).json()
    assert ids["hongtu"] in [c["id"] for c in by_code]

    everyone = (await client.get(URL, headers=w.parties.seller)).json()
    assert {c["id"] for c in everyone} == {ids["shunda"], ids["yida"], ids["hongtu"]}
    assert [c["name"] for c in everyone] == sorted(c["name"] for c in everyone)
    assert len((await client.get(URL, params={"limit": 2}, headers=w.parties.sales)).json()) == 2
    assert (await client.get(URL, params={"q": "没有这家"}, headers=w.parties.sales)).json() == []
    assert (await client.get(URL, params={"limit": 0}, headers=w.parties.sales)).status_code == 400

    # The carrier found is one the issue form may name.
    order = await oh.issue(client, w, carrierOrgId=found[0]["id"])
    assert order["carrierName"] == first["name"]


async def test_the_directory_is_for_issuers_only(ctx, client):
    await _carriers(ctx)
    _, carrier = await dh.member(client, ctx, role="carrier_admin", kind="carrier")
    _, finance = await dh.member(client, ctx, role="finance")
    _, driver = await dh.driver(client, ctx)
    for headers in (carrier, finance, driver):
        r = await client.get(URL, headers=headers)
        assert r.status_code == 403 and r.json()["code"] == "role_required", r.text
    assert (await client.get(URL)).status_code == 401


async def test_the_issue_form_searches_the_directory(ctx, client):
    w = await oh.world(ctx, client)
    _, phone, _ = await f.staff(ctx, role="sales", org_id=w.parties.seller_id)
    await ph.cookie_login(client, phone)
    r = await client.get("/mine/orders/new")
    assert r.status_code == 200, r.text
    assert 'data-carrier-pick data-api="/api/mine/carriers"' in r.text and 'role="combobox"' in r.text
    assert '<input type="hidden" name="carrierOrgId">' in r.text
    assert "/static/js/issue.js" in r.text and "输入承运单位名称或信用代码搜索" in r.text
