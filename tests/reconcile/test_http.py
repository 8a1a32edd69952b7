"""The boards, their xlsx, the chain lists and the trace over HTTP: sums, access, bounds."""

from __future__ import annotations

import io
import re
import zipfile
from typing import Any

import httpx

from backend.context import Context
from tests import factories as f
from tests.reconcile import chain as ch
from tests.reconcile.helpers import recompute
from tests.sites import helpers as sh

STAGES = (
    "orderedKg",
    "loadedKg",
    "deliveredKg",
    "settledKg",
    "settledFen",
    "invoicedKg",
    "invoicedFen",
    "paidFen",
)


async def _chains(ctx: Context, client: httpx.AsyncClient) -> tuple[ch.Chain, dict[str, Any]]:
    """Three orders: one whole chain, one short-weighed and settled, one waiting for its truck."""
    c = await ch.world(ctx, client, count=3)
    o1, o2, _ = c.orders
    t1 = await ch.ticket(ctx, c, o1, net_kg=30_000)
    w1 = await ch.waybill(ctx, c, o1, t1, received_kg=29_980)
    t2 = await ch.ticket(ctx, c, o2, net_kg=32_000)
    await ch.waybill(ctx, c, o2, t2, received_kg=31_000)
    s = await ch.settlement(ctx, c, [(t1, 29_980, 30_000, 30_000), (t2, 31_000, 30_000, 30_000)])
    inv = await ch.invoice(ctx, c, [(w1, 29_980, 120_000, "matched")])
    pay = await ch.payment(ctx, c, amount_fen=s.amount_fen, settlement=s)
    await recompute(ctx, *c.orders)
    return c, {
        "ticket": t1.ticket_no,
        "waybill": w1.waybill_no,
        "settlement": s.settlement_no,
        "invoice": inv.invoice_no,
        "payment": pay.flow_no,
        "order": o1["orderNo"],
        "contract": c.w.contract["contractNo"],
    }


async def test_the_board_sums_the_rows_and_exports_them(ctx, client) -> None:
    c, _ = await _chains(ctx, client)
    headers = c.w.parties.buyer
    r = await client.get("/api/enterprise/reconcile/orders", params={"state": "all"}, headers=headers)
    assert r.status_code == 200, r.text
    rows = r.json()["items"]
    assert r.json()["total"] == 3
    board = (
        await client.get(
            "/api/enterprise/reconcile/board", params={"contract_id": c.w.contract["id"]}, headers=headers
        )
    ).json()
    assert len(board["rows"]) == 1 and board["rows"][0]["orders"] == 3 and board["rows"][0]["mismatches"] == 1
    for stage in STAGES:
        assert board["totals"][stage] == sum(x[stage] for x in rows) == board["rows"][0][stage], stage
    assert board["totals"]["loadedKg"] == 62_000 and board["totals"]["settledKg"] == 60_980
    month = (
        await client.get("/api/enterprise/reconcile/board", params={"group": "month"}, headers=headers)
    ).json()
    assert re.fullmatch(r"\d{4}-\d{2}", month["rows"][0]["period"]) and month["totals"] == board["totals"]

    x = await client.get("/api/enterprise/reconcile/board.xlsx", headers=c.w.parties.seller)
    assert x.status_code == 200 and x.headers["content-type"].startswith("application/vnd.openxmlformats")
    book = zipfile.ZipFile(io.BytesIO(x.content))
    workbook = book.read("xl/workbook.xml").decode()
    assert all(name in workbook for name in ("按日 By day", "按月 By month", "不符 Mismatches"))
    strings = book.read("xl/sharedStrings.xml").decode()
    assert "计划吨数" in strings and "Ordered (t)" in strings and c.w.contract["contractNo"] in strings
    day_sheet = book.read("xl/worksheets/sheet1.xml").decode()
    assert (
        "<v>62</v>" in day_sheet and "<v>90</v>" in day_sheet
    )  # loaded 62 t, ordered 90 t: numbers, not text


async def test_the_mismatches_list_carries_the_reasons(ctx, client) -> None:
    c, _ = await _chains(ctx, client)
    r = await client.get(
        "/api/enterprise/reconcile/orders", params={"state": "mismatch"}, headers=c.w.parties.buyer
    )
    items = r.json()["items"]
    assert [i["reasons"] for i in items] == [["short_weight"]] and items[0]["states"]["waybill"] == "mismatch"


async def test_a_stranger_gets_404_for_the_contract_and_an_empty_board(ctx, client) -> None:
    c, numbers = await _chains(ctx, client)
    _, _, stranger = await sh.member(
        ctx, client, role="enterprise_admin", kind="consumer_power", region_code="150621"
    )
    for path in (
        "/api/enterprise/reconcile/board",
        "/api/enterprise/reconcile/board.xlsx",
        "/api/enterprise/reconcile/orders",
    ):
        r = await client.get(path, params={"contract_id": c.w.contract["id"]}, headers=stranger)
        assert r.status_code == 404, (path, r.text)
    board = (await client.get("/api/enterprise/reconcile/board", headers=stranger)).json()
    assert board["rows"] == [] and board["totals"]["orders"] == 0
    for number in numbers.values():
        assert (await client.get("/api/trace", params={"no": number}, headers=stranger)).status_code == 404


async def test_the_regulator_sees_his_districts_only(ctx, client) -> None:
    await _chains(ctx, client)
    _, here = await sh.regulator(ctx, client, "150623")
    _, there = await sh.regulator(ctx, client, "150621")
    mine = (await client.get("/api/regulator/reconcile/board", headers=here)).json()
    assert [r["key"] for r in mine["rows"]] == ["150623"] and mine["totals"]["orders"] == 3
    assert "鄂托克前旗" in mine["rows"][0]["label"]
    assert (await client.get("/api/regulator/reconcile/board", headers=there)).json()["rows"] == []
    assert (await client.get("/api/regulator/reconcile/mismatches", headers=there)).json()["total"] == 0
    assert (await client.get("/api/regulator/reconcile/mismatches", headers=here)).json()["total"] == 1
    r = await client.get("/api/regulator/reconcile/board", params={"district": "150623"}, headers=there)
    assert r.status_code == 404 and r.json()["field"] == "district"
    x = await client.get("/api/regulator/reconcile/board.xlsx", params={"district": "150623"}, headers=here)
    assert x.status_code == 200 and zipfile.ZipFile(io.BytesIO(x.content)).testzip() is None


async def test_bad_parameters_are_refused_with_their_field(ctx, client) -> None:
    _, _, headers = await sh.member(
        ctx, client, role="enterprise_admin", kind="consumer_power", region_code="150621"
    )
    _, regulator = await sh.regulator(ctx, client, "150623")
    cases = [
        ("/api/enterprise/reconcile/board", {"from": "1999-12-31"}, headers, 422, "from"),
        ("/api/enterprise/reconcile/board", {"to": "2100-01-01"}, headers, 422, "to"),
        ("/api/enterprise/reconcile/board", {"from": "2026-03-02", "to": "2026-03-01"}, headers, 422, "to"),
        ("/api/enterprise/reconcile/board", {"from": "2024-01-01", "to": "2026-01-01"}, headers, 422, "from"),
        ("/api/enterprise/reconcile/board", {"group": "week"}, headers, 400, None),
        ("/api/enterprise/reconcile/board", {"from": "yesterday"}, headers, 400, None),
        ("/api/enterprise/reconcile/orders", {"limit": "100000"}, headers, 400, None),
        ("/api/enterprise/reconcile/orders", {"state": "weird"}, headers, 400, None),
        ("/api/regulator/reconcile/board", {"district": "15x623"}, regulator, 400, None),
        ("/api/regulator/reconcile/board", {"district": "999999"}, regulator, 422, "district"),
        ("/api/trace", {"no": "x" * 65}, headers, 400, None),
        ("/api/trace", {"no": ""}, headers, 400, None),
    ]
    for path, params, h, status, field in cases:
        r = await client.get(path, params=params, headers=h)
        assert r.status_code == status, (path, params, r.text)
        if field:
            assert r.json()["field"] == field, (path, params, r.text)


async def test_the_trace_opens_the_chain_from_every_kind_of_number(ctx, client) -> None:
    c, numbers = await _chains(ctx, client)
    for kind, number in numbers.items():
        r = await client.get("/api/trace", params={"no": number}, headers=c.w.parties.buyer)
        assert r.status_code == 200, (kind, r.text)
        body = r.json()
        assert body["kind"] == kind, (kind, body["kind"])
        first = next(x for x in body["chains"] if x["orderNo"] == numbers["order"])
        kinds = [d["kind"] for d in first["docs"]]
        assert kinds[:4] == ["contract", "order", "ticket", "waybill"], kinds
        assert {"receipt", "settlement", "invoice", "payment"} <= set(kinds), kinds
        assert first["status"]["states"]["invoice"] == "present"
        ticket = next(d for d in first["docs"] if d["kind"] == "ticket")
        assert ticket["facts"]["onEvidenceChain"] is True
    many = (
        await client.get("/api/trace", params={"no": numbers["settlement"]}, headers=c.w.parties.buyer)
    ).json()
    assert len(many["chains"]) == 2  # a settlement of two loads maps to both orders
    contract = (
        await client.get("/api/trace", params={"no": numbers["contract"]}, headers=c.w.parties.buyer)
    ).json()
    assert len(contract["chains"]) == 3


async def test_the_trace_for_regulators_and_the_seller_links_the_track(ctx, client) -> None:
    c, numbers = await _chains(ctx, client)
    _, here = await sh.regulator(ctx, client, "150623")
    _, there = await sh.regulator(ctx, client, "150621")
    r = await client.get("/api/trace", params={"no": numbers["waybill"]}, headers=here)
    waybill = next(d for d in r.json()["chains"][0]["docs"] if d["kind"] == "waybill")
    assert waybill["link"] == f"/regulator/waybills/{numbers['waybill']}"
    assert (
        await client.get("/api/trace", params={"no": numbers["waybill"]}, headers=there)
    ).status_code == 404
    seller = (
        await client.get("/api/trace", params={"no": numbers["waybill"]}, headers=c.w.parties.seller)
    ).json()
    assert (
        next(d for d in seller["chains"][0]["docs"] if d["kind"] == "waybill")["link"]
        == f"/mine/waybills/{numbers['waybill']}"
    )
    unknown = await client.get("/api/trace", params={"no": "NO-SUCH-NUMBER"}, headers=c.w.parties.seller)
    assert unknown.status_code == 404 and unknown.json()["field"] == "no"
    _, number = await f.make_user(ctx)
    nobody = await f.login(client, number)
    assert (
        await client.get("/api/trace", params={"no": numbers["order"]}, headers=nobody)
    ).status_code == 404
