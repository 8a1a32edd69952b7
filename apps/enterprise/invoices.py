"""JSON API of transport invoices (电子运输发票) and payments (资金流) in the enterprise app.

POST /api/enterprise/transport-invoices        upload one (the carrier's admin/finance, or the payer's staff);
                                               201, or 200 with the stored one when sent again unchanged
GET  /api/enterprise/transport-invoices        the invoices I see (status, q, offset, limit)
GET  /api/enterprise/transport-invoices/{id}   one, its lines with their waybills and the checks' results
POST /api/enterprise/payments                  record a payment (the payer's or the payee's staff)
GET  /api/enterprise/payments                  the payments I see (status, q, offset, limit)
GET  /api/enterprise/payments/{id}             one payment with its four-flow check
"""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Response, Router, get, post
from litestar.params import FromPath, FromQuery, JSONBody

from backend.domain.invoices import service as invoices
from backend.domain.invoices.schemas import InvoiceCreate, InvoiceOut, InvoicePage, InvoiceStatus
from backend.domain.parties.schemas import AS_ORG_STAFF
from backend.domain.payments import service as payments
from backend.domain.payments.schemas import PaymentCreate, PaymentOut, PaymentPage, PaymentStatus
from backend.http.auth import signed_in
from backend.http.deps import Db, Limit, Me, Offset, Search


@post("/transport-invoices", summary="Upload a transport invoice (数电票): checked against the waybills")
async def create_invoice(data: JSONBody[InvoiceCreate], me: Me, db: Db) -> Response[Any]:
    out, created = await invoices.record_invoice(
        db, actor=me, invoice_no=data.invoice_no, data=data, source="hand"
    )
    return Response(content=out, status_code=201 if created else 200)


@get("/transport-invoices", summary="The transport invoices I see")
async def list_invoices(
    me: Me,
    db: Db,
    status: FromQuery[InvoiceStatus | None] = None,
    q: Search = None,
    offset: FromQuery[Offset] = 0,
    limit: FromQuery[Limit] = 50,
) -> InvoicePage:
    return await invoices.list_invoices(
        db, actor=me, reading_as=AS_ORG_STAFF, status=status, q=q, offset=offset, limit=limit
    )


@get(
    "/transport-invoices/{invoice_id:uuid}",
    summary="One transport invoice with its lines, waybills and checks",
)
async def get_invoice(invoice_id: FromPath[uuid.UUID], me: Me, db: Db) -> InvoiceOut:
    return await invoices.get_invoice(db, actor=me, reading_as=AS_ORG_STAFF, invoice_id=invoice_id)


@post("/payments", summary="Record a payment (cash is not accepted)")
async def create_payment(data: JSONBody[PaymentCreate], me: Me, db: Db) -> Response[Any]:
    out, created = await payments.record_payment(db, actor=me, flow_no=data.flow_no, data=data, source="hand")
    return Response(content=out, status_code=201 if created else 200)


@get("/payments", summary="The payments I see")
async def list_payments(
    me: Me,
    db: Db,
    status: FromQuery[PaymentStatus | None] = None,
    q: Search = None,
    offset: FromQuery[Offset] = 0,
    limit: FromQuery[Limit] = 50,
) -> PaymentPage:
    return await payments.list_payments(
        db, actor=me, reading_as=AS_ORG_STAFF, status=status, q=q, offset=offset, limit=limit
    )


@get("/payments/{payment_id:uuid}", summary="One payment with its four-flow check")
async def get_payment(payment_id: FromPath[uuid.UUID], me: Me, db: Db) -> PaymentOut:
    return await payments.get_payment(db, actor=me, reading_as=AS_ORG_STAFF, payment_id=payment_id)


router = Router(
    path="/api/enterprise",
    route_handlers=[create_invoice, list_invoices, get_invoice, create_payment, list_payments, get_payment],
    guards=[signed_in],
    tags=["enterprise", "invoices", "payments"],
)
