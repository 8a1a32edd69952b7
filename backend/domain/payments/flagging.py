"""Raise a payment's alert once per finding: `payment_alerts` (unique (kind, ref)) records what was raised."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from backend.db.unit import savepoint
from backend.domain.alerts import service as alerts
from backend.domain.alerts.schemas import AlertRaise
from backend.domain.payments.models import PaymentAlert


async def raise_once(session: AsyncSession, *, data: AlertRaise) -> bool:
    seen = (
        await session.execute(
            select(PaymentAlert.id).where(PaymentAlert.kind == data.kind, PaymentAlert.ref == data.ref)
        )
    ).first()
    if seen is not None:
        return False
    record = PaymentAlert(kind=data.kind, ref=data.ref)
    try:
        async with savepoint(session):
            session.add(record)
            await session.flush()
    except IntegrityError:
        return False
    record.alert_id = (await alerts.raise_alert(session, data=data)).id
    await session.flush()
    return True
