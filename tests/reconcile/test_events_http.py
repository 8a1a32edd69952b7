"""The chain follows the other features' documents as they arrive over HTTP: a settlement issued by
the buyer (SettlementIssued), a transport invoice and its payment (InvoiceRecorded, PaymentRecorded)."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import httpx
from litestar import Litestar
from sqlalchemy import select

from backend import clock as backend_clock
from backend.context import Context
from backend.db.unit import unit_of_work
from backend.domain.reconcile.models import ChainStatus
from tests.invoices import helpers as ih
from tests.settlements import helpers as sh


async def _row(ctx: Context, order_no: str) -> ChainStatus:
    async with unit_of_work(ctx) as session:
        r = (await session.execute(select(ChainStatus).where(ChainStatus.order_no == order_no))).scalar_one()
        session.expunge(r)
        return r


async def test_a_settlement_issued_over_http_settles_its_chains(
    ctx: Context, client: httpx.AsyncClient
) -> None:
    w = await sh.world(ctx, client)
    tickets = await sh.loads(ctx, client, w, [30_000, 31_000])  # written as rows: no event, no chain row yet
    b = sh.body(w, tickets, nets=[30_000, 31_000])
    settlement = await sh.issue(client, w.p.buyer, b)
    async with unit_of_work(ctx) as session:
        rows = list(
            (
                await session.execute(
                    select(ChainStatus)
                    .where(ChainStatus.contract_id == uuid.UUID(w.contract["id"]))
                    .order_by(ChainStatus.loaded_kg)
                )
            ).scalars()
        )
    assert [(r.loaded_kg, r.settled_kg, r.settlement_state) for r in rows] == [
        (30_000, 30_000, "present"),
        (31_000, 31_000, "present"),
    ]
    assert sum(r.settled_fen for r in rows) == settlement["amountFen"]


async def test_an_invoice_and_its_payment_over_http_complete_the_chain(
    ctx: Context, client: httpx.AsyncClient, app: Litestar
) -> None:
    c = await ih.delivered(ctx, client, app)
    order_no = c.lw.gw.order["orderNo"]
    before = await _row(ctx, order_no)
    assert before.delivered_kg == ih.RECEIVED_KG and before.invoice_state == "missing"
    r = await client.post("/api/enterprise/transport-invoices", json=ih.body(c), headers=c.seller)
    assert r.status_code == 201, r.text
    invoice: dict[str, Any] = r.json()
    invoiced = await _row(ctx, order_no)
    assert invoiced.invoice_state == "present" and invoiced.invoiced_kg == ih.RECEIVED_KG
    assert invoiced.payment_state == "missing"
    pay = {
        "flowNo": f"F{ih.number()}",
        "payerName": "电厂",
        "payerCreditCode": c.buyer_cc,
        "payeeName": "煤矿",
        "payeeCreditCode": c.seller_cc,
        "payeeAccount": "6222020200112233445",
        "bankCode": "102100099996",
        "amountFen": invoice["amountFen"],
        "paidAt": (backend_clock.now() - timedelta(hours=1)).isoformat(),
        "means": "32",
        "invoiceNo": invoice["invoiceNo"],
    }
    r = await client.post("/api/enterprise/payments", json=pay, headers=c.buyer)
    assert r.status_code == 201, r.text
    paid = await _row(ctx, order_no)
    assert paid.payment_state == "present" and paid.paid_fen == invoice["amountFen"]
    trace = await client.get("/api/trace", params={"no": pay["flowNo"]}, headers=c.buyer)
    assert trace.status_code == 200 and trace.json()["kind"] == "payment", trace.text
    # The driver carried the load but is no trade party: prices and payments are not his to read.
    driver = await client.get("/api/trace", params={"no": order_no}, headers=c.lw.gw.trucker.headers)
    assert driver.status_code == 404, driver.text
