"""Bad settlements are refused naming the field, in both languages, and nothing is stored."""

from __future__ import annotations

import base64
from typing import Any

import pytest

from tests.settlements import helpers as h
from tests.sites import helpers as sh

NETS = [30_000, 28_000]


def _unknown(b, ctx):
    b["ticketNos"] = [b["ticketNos"][0], "BD-NO-SUCH"]


def _repeated(b, ctx):
    b["ticketNos"] = [b["ticketNos"][0], b["ticketNos"][0]]


def _negative(b, ctx):
    b["amountFen"] = -1


def _absurd_price(b, ctx):
    b["unitPriceFenPerT"] = 10**9


def _absurd_kg(b, ctx):
    b["settledKg"] = 10**13


def _tax(b, ctx):
    b["taxFen"] += 2
    b["totalFen"] += 2


def _total(b, ctx):
    b["totalFen"] += 1


def _rate(b, ctx):
    b["taxRateBp"] = 90000


def _period(b, ctx):
    b["periodFrom"], b["periodTo"] = b["periodTo"], b["periodFrom"]


def _year(b, ctx):
    b["periodFrom"] = "1999-12-31"


def _lines_kg(b, ctx):
    b["lines"] = [
        {"ticketNo": no, "settledKg": 1, "unitPriceFenPerT": 1, "amountFen": 0} for no in b["ticketNos"]
    ]


def _quality(b, ctx):
    b["quality"] = {"mtBp": 12000}


def _zero(b, ctx):
    b["settledKg"] = 0


def _no_contract(b, ctx):
    del b["contractId"]


CASES: list[tuple[Any, int, str, str]] = [
    (_unknown, 422, "settlement_ticket_unknown", "ticketNos[1]"),
    (_repeated, 422, "settlement_ticket_repeated", "ticketNos[1]"),
    (_negative, 422, "settlement_figure_negative", "amountFen"),
    (_absurd_price, 422, "settlement_figure_absurd", "unitPriceFenPerT"),
    (_absurd_kg, 422, "settlement_figure_absurd", "settledKg"),
    (_tax, 422, "settlement_tax_mismatch", "taxFen"),
    (_total, 422, "settlement_total_mismatch", "totalFen"),
    (_rate, 422, "settlement_figure_absurd", "taxRateBp"),
    (_period, 422, "settlement_period_order", "periodTo"),
    (_year, 422, "settlement_date_range", "periodFrom"),
    (_lines_kg, 422, "settlement_lines_kg", "settledKg"),
    (_quality, 422, "settlement_figure_absurd", "quality.mtBp"),
    (_zero, 422, "settlement_kg_zero", "settledKg"),
    (_no_contract, 422, "settlement_contract_required", "contractId"),
]


async def _nothing_stored(client, w) -> None:
    for headers in (w.p.buyer, w.p.seller):
        listing = (await client.get("/api/enterprise/settlements", headers=headers)).json()
        assert listing["total"] == 0, listing


def _refused(r, status: int, code: str, field: str | None) -> None:
    assert r.status_code == status, r.text
    body = r.json()
    assert (body["code"], body["field"]) == (code, field), body
    assert body["message_zh"] and body["message_en"] and body["message_zh"] != body["message_en"]


@pytest.mark.parametrize(
    ("change", "status", "code", "field"), CASES, ids=[c[0].__name__.strip("_") for c in CASES]
)
async def test_bad_figures_are_refused_naming_the_field(ctx, client, change, status, code, field):
    w = await h.world(ctx, client)
    tickets = await h.loads(ctx, client, w, NETS)
    b = h.body(w, tickets, nets=NETS)
    change(b, ctx)
    _refused(
        await client.post("/api/enterprise/settlements", json=b, headers=w.buyer_finance), status, code, field
    )
    await _nothing_stored(client, w)


async def test_void_and_foreign_tickets_and_who_may_issue(ctx, client):
    w = await h.world(ctx, client)
    tickets = await h.loads(ctx, client, w, NETS)
    other = await h.world(ctx, client)
    foreign = await h.loads(ctx, client, other, [30_000])
    b = h.body(w, [tickets[0], foreign[0]], nets=[NETS[0], 30_000])
    _refused(
        await client.post("/api/enterprise/settlements", json=b, headers=w.buyer_finance),
        422,
        "settlement_ticket_other_contract",
        "ticketNos[1]",
    )
    await h.void(ctx, tickets[1])
    b = h.body(w, tickets, nets=NETS)
    _refused(
        await client.post("/api/enterprise/settlements", json=b, headers=w.buyer_finance),
        422,
        "settlement_ticket_void",
        "ticketNos[1]",
    )
    good = h.body(w, tickets[:1], nets=NETS[:1])
    # The buyer's dispatcher reads but does not settle; the seller must bring the buyer's scan.
    _refused(
        await client.post("/api/enterprise/settlements", json=good, headers=w.p.buyer_staff),
        403,
        "settlement_not_party",
        "contractId",
    )
    _refused(
        await client.post("/api/enterprise/settlements", json=good, headers=w.seller_finance),
        422,
        "settlement_scan_required",
        "scan",
    )
    bad_scan = {**good, "scan": base64.b64encode(b"GIF89a not a scan").decode()}
    _refused(
        await client.post("/api/enterprise/settlements", json=bad_scan, headers=w.seller_finance),
        422,
        "settlement_scan_invalid",
        "scan",
    )
    _, _, stranger = await sh.member(ctx, client, role="finance", kind="consumer_power", region_code="150621")
    _refused(
        await client.post("/api/enterprise/settlements", json=good, headers=stranger), 404, "not_found", None
    )
    await _nothing_stored(client, w)
    pdf_scan = {**good, "scan": base64.b64encode(b"%PDF-1.4\n% the buyer's signed settlement\n").decode()}
    s = await h.issue(client, w.seller_finance, pdf_scan)
    assert (
        s["source"] == "seller_upload"
        and s["hasScan"]
        and s["sellerConfirmedAt"]
        and not s["buyerConfirmedAt"]
    )
    scan = await client.get(f"/api/enterprise/settlements/{s['id']}/scan", headers=w.p.buyer)
    assert scan.status_code == 200 and scan.content.startswith(b"%PDF-")
    _refused(
        await client.post(
            "/api/enterprise/settlements", json={**good, "settlementNo": "JS-OTHER"}, headers=w.buyer_finance
        ),
        409,
        "ticket_already_settled",
        "ticketNos",
    )
    _refused(
        await client.post(
            "/api/enterprise/settlements",
            json={**h.body(w, tickets[1:], nets=NETS[1:]), "settlementNo": s["settlementNo"]},
            headers=w.buyer_finance,
        ),
        409,
        "settlement_no_taken",
        "settlementNo",
    )


async def test_a_scan_above_10_mb_is_refused(ctx, client):
    w = await h.world(ctx, client)
    tickets = await h.loads(ctx, client, w, NETS[:1])
    big = b"%PDF-1.4\n" + b"0" * (10 * 1024 * 1024)
    b = {**h.body(w, tickets, nets=NETS[:1]), "scan": base64.b64encode(big).decode()}
    _refused(
        await client.post("/api/enterprise/settlements", json=b, headers=w.seller_finance),
        422,
        "settlement_scan_invalid",
        "scan",
    )
    await _nothing_stored(client, w)
