"""The issue's worked example end to end over HTTP: two loads assayed 4,260 kcal/kg at Mt 14 % and
3,720 at Mt 16.5 % recompute to 304.00 and 283.00 yuan/t to the fen; a settlement that says more is a
mismatch and a price above the contract, each alert raised once however often it is recomputed."""

from __future__ import annotations

import uuid

from backend.db.unit import unit_of_work
from backend.domain.settlements import service as settlements
from tests.factories import platform_principal
from tests.settlements import helpers as h


async def _worked(ctx, client):
    w = await h.world(ctx, client)
    await h.terms(client, w)
    nets = [30_000, 25_000]
    tickets = await h.loads(ctx, client, w, nets)
    await h.assay(client, w, tickets[0], 4260, "14")
    await h.assay(client, w, tickets[1], 3720, "16.5")
    return w, tickets, nets


async def test_two_loads_recompute_to_30400_and_28300_fen_per_tonne(ctx, client):
    w, tickets, nets = await _worked(ctx, client)
    s = await h.issue(client, w.buyer_finance, h.with_lines(w, tickets, nets, [30400, 28300]))
    assert s["computedBasis"] == "terms" and s["computedTermsVersion"] == 1
    assert [(x["computedUnitPriceFenPerT"], x["computedAmountFen"]) for x in s["lines"]] == [
        (30400, 912_000),
        (28300, 707_500),
    ]
    assert s["computedAmountFen"] == 1_619_500 and s["computedTaxFen"] == 210_535
    assert s["computedTotalFen"] == 1_830_035 == s["totalFen"]
    assert not s["mismatch"] and s["findings"] == [], s["findings"]
    assert s["lines"][0]["quality"]["qnetArKcalPerKg"] == "4260"
    got = await client.get(f"/api/enterprise/settlements/{s['id']}", headers=w.p.seller)
    assert got.status_code == 200 and got.json()["lines"][1]["computedUnitPriceFenPerT"] == 28300


async def test_a_higher_price_is_a_mismatch_raised_once_however_often_recomputed(ctx, client):
    w, tickets, nets = await _worked(ctx, client)
    s = await h.issue(client, w.buyer_finance, h.with_lines(w, tickets, nets, [30400, 29300]))
    assert s["mismatch"]
    codes = {f["code"] for f in s["findings"]}
    assert {
        "line_price_differs",
        "line_amount_differs",
        "unit_price_differs",
        "amount_differs",
        "price_above_contract",
    } <= codes
    differs = next(f for f in s["findings"] if f["code"] == "line_price_differs")
    assert differs["field"] == "lines[1].unitPriceFenPerT" and "283.00" in differs["zh"] and differs["en"]
    assert s["lines"][1]["differs"] == ["unitPriceFenPerT", "amountFen"] and s["lines"][0]["differs"] == []
    ref = f"settlement:{s['settlementNo']}:v1"
    assert await h.alert_count(ctx, ref, "settlement_mismatch") == 1
    assert await h.alert_count(ctx, ref, "price_above_contract") == 1
    admin = platform_principal(uuid.uuid4())
    for _ in range(2):
        async with unit_of_work(ctx) as session:
            again = await settlements.recompute(session, actor=admin, settlement_id=uuid.UUID(s["id"]))
        assert again.mismatch
    assert await h.alert_count(ctx, ref, "settlement_mismatch") == 1
    assert await h.alert_count(ctx, ref, "price_above_contract") == 1
    async with unit_of_work(ctx) as session:
        assert await settlements.alerts_raised(session, settlement_id=uuid.UUID(s["id"])) == [
            "price_above_contract",
            "settlement_mismatch",
        ]


async def test_without_terms_the_flat_price_is_used_and_said(ctx, client):
    w = await h.world(ctx, client)
    nets = [30_000]
    tickets = await h.loads(ctx, client, w, nets)
    s = await h.issue(client, w.buyer_finance, h.body(w, tickets, nets=nets))
    assert s["computedBasis"] == "flat_price" and s["computedTermsVersion"] is None
    assert s["computedUnitPriceFenPerT"] == w.contract["priceFenPerT"] and not s["mismatch"]


async def test_the_mismatch_alerts_evidence_pack_holds_the_settlement(ctx, client):
    import io
    import json
    import zipfile

    w, tickets, nets = await _worked(ctx, client)
    s = await h.issue(client, w.buyer_finance, h.with_lines(w, tickets, nets, [30400, 29300]))
    from backend.domain.settlements.models import SettlementAlert

    async with unit_of_work(ctx) as session:
        mark = await session.get(SettlementAlert, (uuid.UUID(s["id"]), "settlement_mismatch"))
        assert mark is not None and mark.alert_id is not None
    detail = (await client.get(f"/api/alerts/{mark.alert_id}", headers=w.p.seller)).json()
    assert s["settlementNo"] in str(detail), detail
    r = await client.get(f"/api/alerts/{mark.alert_id}/evidence.zip", headers=w.p.seller)
    assert r.status_code == 200, r.text
    names = zipfile.ZipFile(io.BytesIO(r.content)).namelist()
    base = f"settlement/{s['settlementNo']}-v1"
    assert any(n.endswith(f"{base}.json") for n in names) and any(n.endswith(f"{base}.pdf") for n in names), (
        names
    )
    record = json.loads(
        zipfile.ZipFile(io.BytesIO(r.content)).read(next(n for n in names if n.endswith(f"{base}.json")))
    )
    assert record["lines"][1]["computedUnitPriceFenPerT"] == 28300 and record["mismatch"]
    assert any("price_terms" in n or "terms" in n for n in names), names


async def test_an_assay_arriving_later_recomputes_the_pending_settlement(ctx, client):
    w = await h.world(ctx, client)
    await h.terms(client, w)
    nets = [30_000, 25_000]
    tickets = await h.loads(ctx, client, w, nets)
    await h.assay(client, w, tickets[0], 4260, "14")
    s = await h.issue(client, w.buyer_finance, h.with_lines(w, tickets, nets, [30400, 28300]))
    # Without the second load's assay it is priced at the base quality: 300.00, not 283.00.
    assert s["lines"][1]["computedUnitPriceFenPerT"] == 30000 and s["mismatch"]
    assert "quality_missing" in {f["code"] for f in s["findings"]}
    await h.assay(client, w, tickets[1], 3720, "16.5")
    again = (await client.get(f"/api/enterprise/settlements/{s['id']}", headers=w.p.seller)).json()
    assert again["lines"][1]["computedUnitPriceFenPerT"] == 28300
    assert not again["mismatch"] and again["findings"] == []
    ref = f"settlement:{s['settlementNo']}:v1"
    assert await h.alert_count(ctx, ref, "settlement_mismatch") == 1  # raised at issue, not again
