"""A month's monthly_weighted settlement of mixed loads equals the computation written out here by
hand: the kg-weighted average quality (Qnet,ar to the whole kcal/kg, Mt to two decimals, half-even),
one price on it for every load, each line settled_kg × price ÷ 1000 half-even, the total their sum."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_EVEN, Decimal

from tests.settlements import helpers as h

LOADS = [(30_000, 4260, "14"), (25_000, 3720, "16.5"), (35_000, 4050, "15.2"), (28_460, 3890, "13.75")]


def _by_hand() -> tuple[int, list[int]]:
    kg = sum(n for n, _, _ in LOADS)
    qnet = (sum(Decimal(n) * q for n, q, _ in LOADS) / kg).quantize(Decimal(1), rounding=ROUND_HALF_EVEN)
    mt = (sum(Decimal(n) * Decimal(m) for n, _, m in LOADS) / kg).quantize(
        Decimal("0.01"), rounding=ROUND_HALF_EVEN
    )
    assert (qnet, mt) == (Decimal(3995), Decimal("14.82"))  # 473,259,400 ÷ 118,460 and 1,755,825 ÷ 118,460
    price = 30000
    if qnet >= 4000:  # +2.00 yuan/t per full 100 kcal above 4000
        price += 200 * int(((qnet - 4000) / 100).to_integral_value(rounding=ROUND_FLOOR))
    elif qnet >= 3800:  # -3.00 yuan/t per started 100 kcal below 4000
        price -= 300 * int(((4000 - qnet) / 100).to_integral_value(rounding=ROUND_CEILING))
    if mt > 15:  # -1.00 yuan/t per started 1 % above 15
        price -= 100 * int((mt - 15).to_integral_value(rounding=ROUND_CEILING))
    assert price == 29700
    return price, [h.amount(n, price) for n, _, _ in LOADS]


async def test_a_months_weighted_settlement_equals_the_hand_computation(ctx, client, clock):
    clock.freeze(datetime(2026, 11, 28, 4, 0, tzinfo=UTC))
    w = await h.world(ctx, client)
    await h.terms(client, w, settlementMode="monthly_weighted")
    tickets = await h.loads(
        ctx,
        client,
        w,
        [n for n, _, _ in LOADS],
        at=datetime(2026, 11, 3, 2, tzinfo=UTC),
        every=timedelta(days=6),
    )
    outside = await h.loads(ctx, client, w, [31_000], at=datetime(2026, 10, 30, 2, tzinfo=UTC))
    for no, (_, qnet, mt) in zip(tickets, LOADS, strict=True):
        await h.assay(client, w, no, qnet, mt)
    price, amounts = _by_hand()
    nets = [n for n, _, _ in LOADS]
    b = h.with_lines(w, tickets, nets, [price] * len(LOADS), periodFrom="2026-11-01", periodTo="2026-11-30")
    del b["ticketNos"], b["lines"]  # the period names the loads: every valid unsettled ticket in November
    s = await h.issue(client, w.buyer_finance, b)
    assert [x["ticketNo"] for x in s["lines"]] == tickets and outside[0] not in tickets
    assert [x["computedUnitPriceFenPerT"] for x in s["lines"]] == [price] * 4
    assert [x["computedAmountFen"] for x in s["lines"]] == amounts
    assert s["computedAmountFen"] == sum(amounts) == s["amountFen"]
    assert s["computedTaxFen"] == h.tax(sum(amounts)) and s["computedUnitPriceFenPerT"] == price
    assert not s["mismatch"], s["findings"]
    assert s["periodFrom"] == date(2026, 11, 1).isoformat()
    # A second settlement of the month finds nothing left; October's load is still there to settle.
    r = await client.post(
        "/api/enterprise/settlements", headers=w.buyer_finance, json={**b, "settlementNo": "JS-NOV-2"}
    )
    assert (
        r.status_code == 422
        and r.json()["code"] == "settlement_no_loads"
        and r.json()["field"] == "periodFrom"
    )
    october = h.body(w, None, nets=[31_000], no="JS-OCT", periodFrom="2026-10-01", periodTo="2026-10-31")
    later = await h.issue(client, w.buyer_finance, october)
    assert later["previousSettledKg"] == s["settledKg"] and later["previousAmountFen"] == s["amountFen"]
