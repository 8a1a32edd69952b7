"""Transport invoices (电子运输发票) for the enterprise app, the machine interface, the driver app
and the features that read them (payments, the reconciliation).

Recording and its checks live in `recording` (content in `content`, the waybill links in
`matching`); the freight band per region in `bands`.
"""

from __future__ import annotations

import uuid
from decimal import ROUND_HALF_EVEN, Decimal

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.domain.identity.schemas import Principal
from backend.domain.invoices import views
from backend.domain.invoices.access import access_invoice, readable_filter
from backend.domain.invoices.bands import DEFAULT_BAND_MILLI_YUAN_PER_TKM, band_for, set_band
from backend.domain.invoices.content import check_number, tax_of
from backend.domain.invoices.models import TransportInvoice, TransportInvoiceLine, TransportInvoiceWaybill
from backend.domain.invoices.recording import record_invoice
from backend.domain.invoices.schemas import FreightOut, InvoiceOut, InvoicePage, InvoiceParties
from backend.domain.parties.schemas import Standing

__all__ = [
    "DEFAULT_BAND_MILLI_YUAN_PER_TKM",
    "band_for",
    "check_number",
    "driver_freight",
    "get_invoice",
    "invoice_parties",
    "list_invoices",
    "record_invoice",
    "set_band",
    "tax_of",
]


async def get_invoice(
    session: AsyncSession, *, actor: Principal, reading_as: frozenset[Standing], invoice_id: uuid.UUID
) -> InvoiceOut:
    return await views.detail(
        session, await access_invoice(session, actor, invoice_id, reading_as=reading_as)
    )


async def list_invoices(
    session: AsyncSession,
    *,
    actor: Principal,
    reading_as: frozenset[Standing],
    status: str | None = None,
    q: str | None = None,
    offset: int = 0,
    limit: int = 50,
) -> InvoicePage:
    """The invoices the actor sees, newest issue date first (`q`: a number, a name or a plate)."""
    query = select(TransportInvoice).where(readable_filter(actor, reading_as=reading_as))
    if status:
        query = query.where(TransportInvoice.status == status)
    if q and q.strip():
        term = q.strip()
        plates = select(TransportInvoiceLine.invoice_id).where(TransportInvoiceLine.plate == term.upper())
        query = query.where(
            or_(
                TransportInvoice.invoice_no.startswith(term, autoescape=True),
                TransportInvoice.seller_name.contains(term, autoescape=True),
                TransportInvoice.buyer_name.contains(term, autoescape=True),
                TransportInvoice.id.in_(plates),
            )
        )
    total = (await session.execute(select(func.count()).select_from(query.subquery()))).scalar_one()
    rows = await session.execute(
        query.order_by(TransportInvoice.issue_date.desc(), TransportInvoice.invoice_no)
        .offset(offset)
        .limit(limit)
    )
    return InvoicePage(
        total=total, offset=offset, limit=limit, items=[views.header(i) for i in rows.scalars()]
    )


async def invoice_parties(session: AsyncSession, *, invoice_no: str) -> InvoiceParties | None:
    """Who should pay whom under an invoice (no access check: payments decide who asks)."""
    inv = (
        await session.execute(
            select(TransportInvoice).where(TransportInvoice.invoice_no == invoice_no.strip())
        )
    ).scalar_one_or_none()
    if inv is None:
        return None
    orders = (
        await session.execute(
            select(TransportInvoiceWaybill.order_id).where(TransportInvoiceWaybill.invoice_id == inv.id)
        )
    ).scalars()
    return InvoiceParties(
        id=inv.id,
        invoice_no=inv.invoice_no,
        seller_org_id=inv.seller_org_id,
        seller_credit_code=inv.seller_credit_code,
        buyer_org_id=inv.buyer_org_id,
        buyer_credit_code=inv.buyer_credit_code,
        region_code=inv.region_code,
        order_ids=tuple(dict.fromkeys(orders)),
    )


async def driver_freight(
    session: AsyncSession, *, actor: Principal, offset: int = 0, limit: int = 50
) -> list[FreightOut]:
    """The freight billed for the loads this driver drove: only his own, whatever else he is."""
    rows = await session.execute(
        select(TransportInvoiceWaybill, TransportInvoiceLine, TransportInvoice)
        .join(TransportInvoiceLine, TransportInvoiceLine.id == TransportInvoiceWaybill.line_id)
        .join(TransportInvoice, TransportInvoice.id == TransportInvoiceWaybill.invoice_id)
        .where(TransportInvoiceWaybill.driver_user_id == actor.user_id)
        .order_by(TransportInvoice.issue_date.desc(), TransportInvoiceWaybill.waybill_no)
        .offset(offset)
        .limit(limit)
    )
    out = []
    for link, line, inv in rows.all():
        # The line's amount shared by its loads in proportion to what each delivered, half-even: a
        # driver reads his share, the invoice keeps the sum.
        share = (
            line.amount_fen
            if not line.delivered_kg
            else int(
                (Decimal(line.amount_fen) * link.delivered_kg / line.delivered_kg).quantize(
                    Decimal(1), ROUND_HALF_EVEN
                )
            )
        )
        out.append(
            FreightOut(
                invoice_no=inv.invoice_no,
                issue_date=inv.issue_date,
                waybill_no=link.waybill_no,
                order_no=link.order_no,
                plate=line.plate,
                quantity_kg=line.quantity_kg,
                amount_fen=share,
                delivered_kg=link.delivered_kg,
            )
        )
    return out
