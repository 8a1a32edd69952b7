"""The 对账 and 溯源 pages render the board, the mismatches and the trace (zh first, en on request)."""

from __future__ import annotations

from tests.reconcile.test_http import _chains
from tests.sites import helpers as sh


async def test_the_enterprise_board_and_trace_pages(ctx, client) -> None:
    c, numbers = await _chains(ctx, client)
    r = await client.get("/enterprise/reconcile", headers=c.w.parties.buyer)
    assert r.status_code == 200, r.text
    assert "对账看板" in r.text and c.w.contract["contractNo"] in r.text and 'data-reason="short_weight"' in r.text
    assert "/api/enterprise/reconcile/board.xlsx?" in r.text and "62.000" in r.text
    en = await client.get("/enterprise/reconcile", params={"group": "month", "lang": "en"}, headers=c.w.parties.buyer)
    assert "Reconciliation board" in en.text and "Short weight beyond the allowed transit loss" in en.text
    t = await client.get("/enterprise/trace", params={"no": numbers["invoice"], "lang": "zh"}, headers=c.w.parties.buyer)
    assert t.status_code == 200 and 'data-doc="invoice"' in t.text and 'data-doc="payment"' in t.text
    assert "已存证" in t.text
    _, _, stranger = await sh.member(ctx, client, role="enterprise_admin", kind="consumer_power", region_code="150621")
    s = await client.get("/enterprise/trace", params={"no": numbers["invoice"]}, headers=stranger)
    assert s.status_code == 200 and "data-not-found" in s.text and numbers["order"] not in s.text


async def test_the_regulator_board_and_trace_pages(ctx, client) -> None:
    _, numbers = await _chains(ctx, client)
    _, here = await sh.regulator(ctx, client, "150623")
    r = await client.get("/regulator/reconcile", headers=here)
    assert r.status_code == 200 and "鄂托克前旗" in r.text and 'data-reason="short_weight"' in r.text
    t = await client.get("/regulator/trace", params={"no": numbers["waybill"]}, headers=here)
    assert t.status_code == 200 and f"/regulator/waybills/{numbers['waybill']}" in t.text
