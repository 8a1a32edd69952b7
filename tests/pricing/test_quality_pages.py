"""The contract page's quality sections with cookie logins: the terms version in force as a readable table,
the forms for a new version and an assay (for the parties' staff who may add them), the assays list with
its scan link, in Chinese and in English; nothing of it for a page the viewer may not see."""

from __future__ import annotations

import html

from backend.clock import today_china
from tests.pages import helpers as ph
from tests.pages.test_enterprise_contracts import FETCH, _active, _ok, _squash, world  # noqa: F401 (fixture)
from tests.pricing.worked import WORKED_BODY


async def test_contract_page_shows_terms_and_assays(ctx, client, world):  # noqa: F811
    contract = await _active(ctx, client, world)
    url = f"/enterprise/contracts/{contract['id']}"
    await ph.cookie_login(client, world.sales)
    empty = _squash((await client.get(url)).text)
    assert "质价条款" in empty and "尚未约定质价条款" in empty and "尚无化验结果" in empty
    await _ok(
        await client.post(
            f"/api/enterprise/contracts/{contract['id']}/price-terms", json=WORKED_BODY, headers=FETCH
        ),
        201,
    )
    await ph.cookie_login(client, world.buyer_admin)
    batch = {
        "scope": "batch",
        "batchDate": today_china().isoformat(),
        "lab": "buyer",
        "reportNo": "HY-PAGE-1",
        "testedOn": today_china().isoformat(),
        "qnetArKcalPerKg": "17.83",
        "mtPct": "16.5",
        "labName": "电厂化验室",
    }
    made = await _ok(
        await client.post(f"/api/enterprise/contracts/{contract['id']}/assays", json=batch, headers=FETCH),
        201,
    )
    await _ok(
        await client.put(
            f"/api/enterprise/assays/{made['id']}/scan",
            content=b"%PDF-1.4 scan",
            headers={**FETCH, "Content-Type": "application/pdf"},
        )
    )

    page = await client.get(url)
    assert page.status_code == 200, page.text
    text = html.unescape(_squash(page.text))
    for expected in (
        "第 1 版",
        "300.00 元/吨（4,000 kcal/kg 时）",
        "买方化验室",
        "矿方磅单",
        "0.5%",
        "13%",
        "收到基低位发热量 Qnet,ar",
        "> 4,000 kcal/kg",
        "3,800–4,000 kcal/kg",
        "< 3,800 kcal/kg",
        "+2.00",
        "−3.00",
        "−9.00",
        "−1.00",
        "满档计（舍去）",
        "不足一档按一档（进位）",
        "> 15 %",
        "HY-PAGE-1",
        "4,264 kcal/kg（17.83 MJ/kg）",
        "16.5",
        "报告扫描件",
        "新增版本",
        "手工录入化验单",
    ):
        assert expected in text, expected
    assert page.text.count('data-rule="qnet_ar"') == 3 and 'data-rule="mt"' in page.text
    assert f'href="/api/enterprise/assays/{made["id"]}/scan"' in page.text
    assert "<style" not in page.text and "onclick" not in page.text and "/static/js/quality.js" in page.text

    # The buyer's dispatcher reads both and may enter an assay, but not set the terms.
    await ph.cookie_login(client, world.buyer_staff)
    staff = await client.get(url)
    assert "data-assay-api" in staff.text and "data-terms-api" not in staff.text and "HY-PAGE-1" in staff.text

    client.cookies.set("mt_lang", "en")
    english = _squash((await client.get(url)).text)
    assert "Quality-price terms" in english and "Version 1" in english and "Assays" in english
    assert "full steps only (down)" in english
