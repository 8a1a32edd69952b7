"""Payments: the buyer pays the carrier's invoice (matched, idempotent), cash is refused, a third
party paying is raised once, unknown documents and bad input store nothing, strangers get 404."""

from __future__ import annotations

import io
import zipfile
from datetime import timedelta
from typing import Any

import httpx
from litestar import Litestar

from backend import clock
from backend.context import Context
from tests.invoices import helpers as h
from tests.sites import helpers as sh

PAYMENTS = "/api/enterprise/payments"


async def _invoiced(ctx: Context, client: httpx.AsyncClient, app: Litestar) -> tuple[h.Chain, dict[str, Any]]:
    c = await h.delivered(ctx, client, app)
    r = await client.post("/api/enterprise/transport-invoices", json=h.body(c), headers=c.seller)
    assert r.status_code == 201, r.text
    return c, r.json()


def _payment(c: h.Chain, invoice: dict[str, Any], **change: Any) -> dict[str, Any]:
    return {
        "flowNo": f"F{h.number()}",
        "payerName": "电厂",
        "payerCreditCode": c.buyer_cc,
        "payeeName": "煤矿",
        "payeeCreditCode": c.seller_cc,
        "payeeAccount": "6222020200112233445",
        "bankCode": "102100099996",
        "amountFen": invoice["totalFen"],
        "paidAt": (clock.now() - timedelta(hours=1)).isoformat(),
        "means": "32",
        "invoiceNo": invoice["invoiceNo"],
        **change,
    }


async def test_the_buyer_pays_the_invoice_and_a_repeat_stores_nothing(
    ctx: Context, client: httpx.AsyncClient, app: Litestar
) -> None:
    c, invoice = await _invoiced(ctx, client, app)
    doc = _payment(c, invoice)
    r = await client.post(PAYMENTS, json=doc, headers=c.buyer)
    assert (
        r.status_code == 201 and r.json()["status"] == "matched" and r.json()["invoiceId"] == invoice["id"]
    ), r.text
    assert r.json()["meansZh"] == "银行转账"
    again = await client.post(PAYMENTS, json=doc, headers=c.buyer)
    assert again.status_code == 200 and again.json()["id"] == r.json()["id"], again.text
    flow = doc["flowNo"]
    body = {k: v for k, v in doc.items() if k != "flowNo"}
    r2 = await c.buyer_key.put(f"/open/v1/payments/{flow}", json=body)
    assert r2.status_code == 200 and r2.json()["id"] == r.json()["id"], r2.text
    r3 = await c.buyer_key.put(f"/open/v1/payments/{flow}", json={**body, "amountFen": 1})
    assert r3.status_code == 409 and r3.json()["code"] == "payment_flow_taken", r3.text
    assert await h.count(ctx, "SELECT COUNT(*) FROM payments") == 1
    r = await client.get(f"{PAYMENTS}/{r.json()['id']}", headers=c.seller)
    assert r.status_code == 200 and r.json()["flowNo"] == flow, r.text
    assert await h.count(ctx, "SELECT COUNT(*) FROM alerts WHERE ref LIKE 'payment:%'") == 0


async def test_cash_and_bad_input_are_refused_and_store_nothing(
    ctx: Context, client: httpx.AsyncClient, app: Litestar
) -> None:
    c, invoice = await _invoiced(ctx, client, app)
    for means in ("cash", "0", "10", "5"):
        r = await client.post(PAYMENTS, json=_payment(c, invoice, means=means), headers=c.buyer)
        assert r.status_code == 422 and r.json()["field"] == "means", r.text
        assert (
            r.json()["message_zh"].startswith("不接受现金")
            and "cash is not accepted" in r.json()["message_en"]
        )
    cases = [
        ({"invoiceNo": h.number()}, "invoiceNo"),
        ({"invoiceNo": None}, "invoiceNo"),
        ({"amountFen": 0}, "amountFen"),
        ({"flowNo": "流水 1"}, "flowNo"),
        ({"payeeAccount": "12ab"}, "payeeAccount"),
        ({"bankCode": "x"}, "bankCode"),
        ({"paidAt": (clock.now() + timedelta(days=1)).isoformat()}, "paidAt"),
        ({"payerCreditCode": "123"}, "payerCreditCode"),
    ]
    for change, field in cases:
        r = await client.post(PAYMENTS, json=_payment(c, invoice, **change), headers=c.buyer)
        assert r.status_code == 422 and r.json()["field"] == field, (change, r.text)
    assert await h.count(ctx, "SELECT COUNT(*) FROM payments") == 0


async def test_a_third_party_paying_is_raised_once(
    ctx: Context, client: httpx.AsyncClient, app: Litestar
) -> None:
    c, invoice = await _invoiced(ctx, client, app)
    _, third, _ = await sh.member(ctx, client, role="enterprise_admin", kind="trader")
    doc = _payment(c, invoice, payerCreditCode=await h.credit_code(ctx, third), payerName="第三方")
    for _ in range(2):  # the payee records the money it received
        r = await client.post(PAYMENTS, json=doc, headers=c.seller)
        assert r.status_code in (200, 201), r.text
    assert r.json()["status"] == "suspect" and r.json()["findings"][0]["code"] == "payer_not_buyer", r.text
    assert await h.alerts_of(ctx, "payer_not_buyer", f"payment:{doc['flowNo']}") == 1
    # The payee handles it; its evidence pack holds the payment and the invoice it pays.
    alerts = (await c.erp.get("/open/v1/alerts?state=all&limit=200")).json()["items"]
    found = [a for a in alerts if a["kind"] == "payer_not_buyer"]
    assert len(found) == 1, alerts
    r = await c.erp.get(f"/open/v1/alerts/{found[0]['id']}/evidence.zip")
    assert r.status_code == 200, r.text
    names = zipfile.ZipFile(io.BytesIO(r.content)).namelist()
    assert f"payment/{doc['flowNo']}.json" in names and f"invoice/{invoice['invoiceNo']}.json" in names, names


async def test_strangers_get_404_and_cannot_record(
    ctx: Context, client: httpx.AsyncClient, app: Litestar
) -> None:
    c, invoice = await _invoiced(ctx, client, app)
    r = await client.post(PAYMENTS, json=_payment(c, invoice), headers=c.buyer)
    assert r.status_code == 201, r.text
    _, _, stranger = await sh.member(ctx, client, role="enterprise_admin", kind="trader")
    assert (await client.get(f"{PAYMENTS}/{r.json()['id']}", headers=stranger)).status_code == 404
    assert (await client.get(PAYMENTS, headers=stranger)).json()["total"] == 0
    assert (await client.get(PAYMENTS, headers=c.seller)).json()["total"] == 1
    r = await client.post(PAYMENTS, json=_payment(c, invoice), headers=stranger)
    assert r.status_code == 403 and r.json()["code"] == "payment_not_party", r.text


async def test_the_invoice_and_the_payment_are_announced_with_their_orders(
    ctx: Context, client: httpx.AsyncClient, app: Litestar
) -> None:
    from backend import events
    from backend.domain.invoices.events import InvoiceRecorded
    from backend.domain.payments.events import PaymentRecorded

    heard: list[events.Event] = []

    async def hear(session: object, ctx: Context, event: events.Event) -> None:
        heard.append(event)

    events.subscribe(InvoiceRecorded, hear)
    events.subscribe(PaymentRecorded, hear)
    try:
        c, invoice = await _invoiced(ctx, client, app)
        r = await client.post(PAYMENTS, json=_payment(c, invoice), headers=c.buyer)
        assert r.status_code == 201, r.text
    finally:
        events._IN_TRANSACTION[InvoiceRecorded].remove(hear)
        events._IN_TRANSACTION[PaymentRecorded].remove(hear)
    order_id = c.lw.gw.order_id
    assert [type(e).__name__ for e in heard] == ["InvoiceRecorded", "PaymentRecorded"], heard
    assert [str(o) for o in heard[0].order_ids] == [order_id] == [str(o) for o in heard[1].order_ids]  # type: ignore[attr-defined]
    assert str(heard[1].payment_id) == r.json()["id"]  # type: ignore[attr-defined]
