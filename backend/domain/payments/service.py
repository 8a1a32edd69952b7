"""Payments (资金流) for the enterprise app, the machine interface and the reconciliation.

Recording and the four-flow check live in `recording` and `against` (`check_flow` takes the
expected payer and payee of any document: invoices now, settlements once wired there).
"""

from __future__ import annotations

import uuid

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.domain.identity.schemas import Principal
from backend.domain.parties.schemas import Standing
from backend.domain.payments import views
from backend.domain.payments.access import access_payment, readable_filter
from backend.domain.payments.against import check_flow
from backend.domain.payments.models import Payment
from backend.domain.payments.recording import record_payment
from backend.domain.payments.schemas import PaymentOut, PaymentPage

__all__ = ["check_flow", "get_payment", "list_payments", "record_payment"]


async def get_payment(
    session: AsyncSession, *, actor: Principal, reading_as: frozenset[Standing], payment_id: uuid.UUID
) -> PaymentOut:
    return views.payment_out(await access_payment(session, actor, payment_id, reading_as=reading_as))


async def list_payments(
    session: AsyncSession,
    *,
    actor: Principal,
    reading_as: frozenset[Standing],
    status: str | None = None,
    q: str | None = None,
    offset: int = 0,
    limit: int = 50,
) -> PaymentPage:
    query = select(Payment).where(readable_filter(actor, reading_as=reading_as))
    if status:
        query = query.where(Payment.status == status)
    if q and q.strip():
        term = q.strip()
        query = query.where(
            or_(
                Payment.flow_no.startswith(term, autoescape=True),
                Payment.invoice_no == term,
                Payment.settlement_no == term,
                Payment.payer_name.contains(term, autoescape=True),
                Payment.payee_name.contains(term, autoescape=True),
            )
        )
    total = (await session.execute(select(func.count()).select_from(query.subquery()))).scalar_one()
    rows = await session.execute(
        query.order_by(Payment.paid_at.desc(), Payment.flow_no).offset(offset).limit(limit)
    )
    return PaymentPage(
        total=total, offset=offset, limit=limit, items=[views.payment_out(p) for p in rows.scalars()]
    )
