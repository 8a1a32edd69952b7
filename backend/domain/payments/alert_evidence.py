"""What the payments feature holds that proves an alert: the payment as recorded with its checks
(catalogue evidence name "payment"; the alert's details carry "paymentId")."""

from __future__ import annotations

import uuid

import msgspec
from sqlalchemy.ext.asyncio import AsyncSession

from backend.context import Context
from backend.domain.alerts import service as alerts
from backend.domain.alerts.schemas import AlertOut, PackFile
from backend.domain.payments import views
from backend.domain.payments.models import Payment


@alerts.evidence_collector("payment")
async def payment(session: AsyncSession, ctx: Context, alert: AlertOut) -> list[PackFile]:
    raw = alert.details.get("paymentId")
    try:
        payment_id = uuid.UUID(str(raw)) if raw else None
    except ValueError:
        return []
    row = await session.get(Payment, payment_id) if payment_id else None
    if row is None:
        return []
    return [alerts.json_file(f"payment/{row.flow_no}.json", msgspec.to_builtins(views.payment_out(row)))]
