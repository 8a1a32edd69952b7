"""Pages of transport invoices (运输发票) and payments (付款): the lists, the upload and record forms,
one invoice with each line's waybills or its suspicion, one payment with its four-flow check.

Pages only read; the forms post to the JSON API (apps/enterprise/invoices.py), whose errors name the
field ("lines[0].plate") for the form to show beside it.
"""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Request, get
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from backend.domain.contracts.service import china_today
from backend.domain.invoices import service as invoices
from backend.domain.invoices.schemas import STATUS_LABELS as INVOICE_STATUS
from backend.domain.parties.schemas import AS_ORG_STAFF
from backend.domain.payments import service as payments
from backend.domain.payments.schemas import MEANS_LABELS
from backend.domain.payments.schemas import STATUS_LABELS as PAYMENT_STATUS
from backend.http.deps import Db, Offset
from backend.http.pages import page_user, render

PAGE_SIZE = 20
MODES = {
    1: ("铁路", "rail"),
    2: ("公路", "road"),
    3: ("水路", "water"),
    4: ("航空", "air"),
    5: ("管道", "pipeline"),
}


def yuan(fen: int | None) -> str:
    return "—" if fen is None else f"{fen / 100:,.2f}"


def tonnes(kg: int | None) -> str:
    return "—" if kg is None else f"{kg / 1000:,.3f}"


FORMAT: dict[str, Any] = {"yuan": yuan, "tonnes": tonnes, "modes": MODES, "means": MEANS_LABELS}


def _staff(request: Request[Any, Any, Any]) -> Any:
    return page_user(request, "enterprise", lambda me: me.is_staff)


@get("/transport-invoices")
async def invoice_list(
    request: Request[Any, Any, Any],
    db: Db,
    status: FromQuery[str | None] = None,
    q: FromQuery[str | None] = None,
    offset: FromQuery[Offset] = 0,
) -> Template | Redirect:
    me = _staff(request)
    status = status if status in INVOICE_STATUS else None
    term = " ".join((q or "").split())[:64]
    page = await invoices.list_invoices(
        db, actor=me, reading_as=AS_ORG_STAFF, status=status, q=term or None, offset=offset, limit=PAGE_SIZE
    )
    return render(
        request,
        "enterprise/invoices.html",
        app="enterprise",
        page=page,
        status=status or "",
        q=term,
        status_options=list(INVOICE_STATUS.items()),
        offset=offset,
        limit=PAGE_SIZE,
        **FORMAT,
    )


@get("/transport-invoices/new")
async def invoice_new(request: Request[Any, Any, Any]) -> Template | Redirect:
    _staff(request)
    return render(
        request, "enterprise/invoice_new.html", app="enterprise", today=china_today().isoformat(), **FORMAT
    )


@get("/transport-invoices/{invoice_id:uuid}")
async def invoice_page(
    request: Request[Any, Any, Any], db: Db, invoice_id: FromPath[uuid.UUID]
) -> Template | Redirect:
    me = _staff(request)
    invoice = await invoices.get_invoice(db, actor=me, reading_as=AS_ORG_STAFF, invoice_id=invoice_id)
    return render(request, "enterprise/invoice.html", app="enterprise", inv=invoice, **FORMAT)


@get("/payments")
async def payment_list(
    request: Request[Any, Any, Any],
    db: Db,
    status: FromQuery[str | None] = None,
    q: FromQuery[str | None] = None,
    offset: FromQuery[Offset] = 0,
) -> Template | Redirect:
    me = _staff(request)
    status = status if status in PAYMENT_STATUS else None
    term = " ".join((q or "").split())[:64]
    page = await payments.list_payments(
        db, actor=me, reading_as=AS_ORG_STAFF, status=status, q=term or None, offset=offset, limit=PAGE_SIZE
    )
    return render(
        request,
        "enterprise/payments.html",
        app="enterprise",
        page=page,
        status=status or "",
        q=term,
        status_options=list(PAYMENT_STATUS.items()),
        offset=offset,
        limit=PAGE_SIZE,
        **FORMAT,
    )


@get("/payments/new")
async def payment_new(
    request: Request[Any, Any, Any], invoice_no: FromQuery[str | None] = None
) -> Template | Redirect:
    _staff(request)
    number = invoice_no if invoice_no and invoice_no.isdigit() and len(invoice_no) == 20 else ""
    return render(request, "enterprise/payment_new.html", app="enterprise", invoice_no=number, **FORMAT)


@get("/payments/{payment_id:uuid}")
async def payment_page(
    request: Request[Any, Any, Any], db: Db, payment_id: FromPath[uuid.UUID]
) -> Template | Redirect:
    me = _staff(request)
    payment = await payments.get_payment(db, actor=me, reading_as=AS_ORG_STAFF, payment_id=payment_id)
    return render(request, "enterprise/payment.html", app="enterprise", p=payment, **FORMAT)


ROUTES = [invoice_list, invoice_new, invoice_page, payment_list, payment_new, payment_page]
