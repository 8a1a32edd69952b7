"""A contract without price terms: the platform recomputes at the contract's flat price and says so."""

from __future__ import annotations

from tests.settlements import helpers as h


async def test_buyer_issues_and_seller_confirms_at_the_flat_price(ctx, client):
    w = await h.world(ctx, client)
    nets = [31_020, 29_480]
    tickets = await h.loads(ctx, client, w, nets)
    s = await h.issue(client, w.buyer_finance, h.body(w, tickets, nets=nets))
    assert s["status"] == "pending" and s["source"] == "buyer" and s["loadCount"] == 2
    assert s["computedBasis"] == "flat_price" and not s["mismatch"], s["findings"]
    assert s["computedAmountFen"] == s["amountFen"] and s["evidenceSeq"] is not None
    assert [x["ticketNo"] for x in s["lines"]] == tickets
    r = await client.post(f"/api/enterprise/settlements/{s['id']}/confirm", headers=w.buyer_finance)
    assert r.status_code == 403, r.text
    r = await client.post(f"/api/enterprise/settlements/{s['id']}/confirm", headers=w.seller_finance)
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "confirmed"
