"""What the invoices feature holds that proves an alert: the invoice as sent with its lines, the
waybills each line was linked to and the checks' results (catalogue evidence name "invoice").
The alert's details carry "invoiceId" (the invoice checks and the payments that pay one)."""

from __future__ import annotations

import uuid

import msgspec
from sqlalchemy.ext.asyncio import AsyncSession

from backend.context import Context
from backend.domain.alerts import service as alerts
from backend.domain.alerts.schemas import AlertOut, PackFile
from backend.domain.invoices import views
from backend.domain.invoices.models import TransportInvoice


@alerts.evidence_collector("invoice")
async def invoice(session: AsyncSession, ctx: Context, alert: AlertOut) -> list[PackFile]:
    raw = alert.details.get("invoiceId")
    try:
        invoice_id = uuid.UUID(str(raw)) if raw else None
    except ValueError:
        return []
    row = await session.get(TransportInvoice, invoice_id) if invoice_id else None
    if row is None:
        return []
    doc = msgspec.to_builtins(await views.detail(session, row))
    return [alerts.json_file(f"invoice/{row.invoice_no}.json", doc)]
