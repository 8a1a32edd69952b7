"""The invoice and payment pages: the list, the upload form, one suspect invoice with its line's
suspicion in both languages, the payment pages, and the driver's freight page."""

from __future__ import annotations

import httpx
from litestar import Litestar

from backend.context import Context
from tests.invoices import helpers as h


async def test_pages_show_the_lines_waybills_and_suspicions(
    ctx: Context, client: httpx.AsyncClient, app: Litestar
) -> None:
    c = await h.delivered(ctx, client, app)
    doc = h.body(
        c,
        [h.line(c, line_no=1, amount_fen=100_000), h.line(c, line_no=2, plate="蒙A00000", amount_fen=50_000)],
    )
    r = await client.post("/api/enterprise/transport-invoices", json=doc, headers=c.seller)
    assert r.status_code == 201, r.text
    invoice = r.json()
    pay = {
        "flowNo": "P1",
        "payerName": "电厂",
        "payerCreditCode": c.buyer_cc,
        "payeeName": "煤矿",
        "payeeCreditCode": c.seller_cc,
        "payeeAccount": "6222020200112233445",
        "bankCode": "102100099996",
        "amountFen": invoice["totalFen"],
        "paidAt": invoice["createdAt"],
        "means": "32",
        "invoiceNo": doc["invoiceNo"],
    }
    r = await client.post("/api/enterprise/payments", json=pay, headers=c.buyer)
    assert r.status_code == 201, r.text
    payment = r.json()
    page = await client.get("/enterprise/transport-invoices", headers=c.seller)
    assert page.status_code == 200 and doc["invoiceNo"] in page.text, page.text[:500]
    page = await client.get(f"/enterprise/transport-invoices/{invoice['id']}", headers=c.seller)
    assert (
        page.status_code == 200 and c.waybill_no in page.text and 'data-line-status="no_waybill"' in page.text
    )
    assert "疑似虚开" in page.text
    page = await client.get(
        f"/enterprise/transport-invoices/{invoice['id']}", headers={**c.seller, "Cookie": "mt_lang=en"}
    )
    assert "suspected false invoice" in page.text
    for path in (
        "/enterprise/transport-invoices/new",
        "/enterprise/payments",
        "/enterprise/payments/new",
        f"/enterprise/payments/{payment['id']}",
    ):
        page = await client.get(path, headers=c.buyer)
        assert page.status_code == 200, (path, page.text[:300])
    page = await client.get("/driver/freight", headers=c.lw.gw.trucker.headers)
    assert page.status_code == 200 and c.waybill_no in page.text and "运费发票" in page.text
