"""Terms on the buyer's gate: the platform settles the weight the consignee's weighbridge received
(the waybill's receipt), not the mine's ticket; the real chain: lane ticket, waybill, receipt."""

from __future__ import annotations

from datetime import UTC

from backend import clock as backend_clock
from tests.orders import pass_helpers as ph
from tests.pricing.worked import WORKED_BODY
from tests.settlements import helpers as h
from tests.waybills import helpers as wayh


async def test_buyer_gate_terms_settle_the_received_weight(ctx, client, app):
    lw = await wayh.ticketed(ctx, client, app)
    w, p = lw.gw.w, lw.gw.w.parties
    r = await client.post(
        f"/api/enterprise/contracts/{w.contract['id']}/price-terms",
        headers=p.sales,
        json={**WORKED_BODY, "quantityBasis": "buyer_gate"},
    )
    assert r.status_code == 201, r.text
    ticket = (await client.get(f"/api/mine/sites/{lw.gw.site_id}/tickets", headers=p.sales)).json()["items"][
        0
    ]
    opened = await ph.machine(app, lw.gw.erp).post(
        "/open/v1/waybills", json={"orderNo": lw.gw.order["orderNo"]}
    )
    assert opened.status_code == 201, opened.text
    buyer_key = ph.machine(app, await ph.key(client, p.buyer_id, p.buyer))
    received_kg = ticket["netKg"] - 140
    at = backend_clock.now().astimezone(UTC).isoformat()
    r = await buyer_key.post(
        f"/open/v1/waybills/{opened.json()['waybillNo']}/receipt",
        json={"netKg": received_kg, "weighedAt": at},
    )
    assert r.status_code == 200, r.text
    r = await client.post(
        f"/api/enterprise/contracts/{w.contract['id']}/assays",
        headers=p.buyer,
        json={
            "scope": "load",
            "ticketNo": ticket["ticketNo"],
            "lab": "buyer",
            "reportNo": "HY-GATE-1",
            "testedOn": backend_clock.now().date().isoformat(),
            "qnetArKcalPerKg": 4260,
            "mtPct": "14",
        },
    )
    assert r.status_code == 201, r.text
    world = h.World(p, w.contract, w.site, p.buyer, p.seller)
    b = h.with_lines(world, [ticket["ticketNo"]], [received_kg], [30400], supplierKg=ticket["netKg"])
    s = await h.issue(client, p.buyer, b)
    line = s["lines"][0]
    assert (line["netKg"], line["receivedKg"], line["computedSettledKg"]) == (
        ticket["netKg"],
        received_kg,
        received_kg,
    )
    assert line["waybillNo"] == opened.json()["waybillNo"] and line["computedAmountFen"] == h.amount(
        received_kg, 30400
    )
    assert not s["mismatch"], s["findings"]
