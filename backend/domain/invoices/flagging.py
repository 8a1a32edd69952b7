"""Raise a chain alert once per finding: `invoice_alerts` (unique (kind, ref)) records what was raised,
so an invoice sent again, or the same duplicate tried twice, never raises a second alert."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from backend.db.unit import savepoint
from backend.domain.alerts import service as alerts
from backend.domain.alerts.schemas import AlertRaise
from backend.domain.invoices.models import InvoiceAlert


async def raise_once(session: AsyncSession, *, data: AlertRaise) -> bool:
    """True when this finding is new and its alert was raised now."""
    seen = (
        await session.execute(
            select(InvoiceAlert.id).where(InvoiceAlert.kind == data.kind, InvoiceAlert.ref == data.ref)
        )
    ).first()
    if seen is not None:
        return False
    record = InvoiceAlert(kind=data.kind, ref=data.ref)
    try:
        async with savepoint(session):  # a racing upload of the same finding records it first
            session.add(record)
            await session.flush()
    except IntegrityError:
        return False
    record.alert_id = (await alerts.raise_alert(session, data=data)).id
    await session.flush()
    return True
