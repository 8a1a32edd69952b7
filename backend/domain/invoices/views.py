"""Invoice rows as the API shows them: the header, then each line with its waybills and findings."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.domain.invoices.models import TransportInvoice, TransportInvoiceLine, TransportInvoiceWaybill
from backend.domain.invoices.schemas import (
    LINE_STATUS_LABELS,
    STATUS_LABELS,
    Finding,
    InvoiceLineOut,
    InvoiceOut,
    LinkedWaybill,
)


def finding(item: dict[str, Any]) -> Finding:
    return Finding(
        code=str(item.get("code", "")),
        message_zh=str(item.get("zh", "")),
        message_en=str(item.get("en", "")),
        line_no=item.get("lineNo"),
    )


def header(inv: TransportInvoice, lines: list[InvoiceLineOut] | None = None) -> InvoiceOut:
    zh, en = STATUS_LABELS.get(inv.status, (inv.status, inv.status))
    return InvoiceOut(
        id=inv.id,
        invoice_no=inv.invoice_no,
        issue_date=inv.issue_date,
        kind=inv.kind,
        seller_name=inv.seller_name,
        seller_credit_code=inv.seller_credit_code,
        seller_org_id=inv.seller_org_id,
        buyer_name=inv.buyer_name,
        buyer_credit_code=inv.buyer_credit_code,
        buyer_org_id=inv.buyer_org_id,
        payer_side=inv.payer_side,
        amount_fen=inv.amount_fen,
        tax_rate_bp=inv.tax_rate_bp,
        tax_fen=inv.tax_fen,
        total_fen=inv.total_fen,
        region_code=inv.region_code,
        source=inv.source,
        status=inv.status,
        status_zh=zh,
        status_en=en,
        findings=[finding(f) for f in inv.findings or []],
        created_at=inv.created_at,
        lines=lines or [],
    )


async def detail(session: AsyncSession, inv: TransportInvoice) -> InvoiceOut:
    lines = list(
        (
            await session.execute(
                select(TransportInvoiceLine)
                .where(TransportInvoiceLine.invoice_id == inv.id)
                .order_by(TransportInvoiceLine.line_no)
            )
        ).scalars()
    )
    links: dict[Any, list[LinkedWaybill]] = defaultdict(list)
    for link in (
        await session.execute(
            select(TransportInvoiceWaybill)
            .where(TransportInvoiceWaybill.invoice_id == inv.id)
            .order_by(TransportInvoiceWaybill.waybill_no)
        )
    ).scalars():
        links[link.line_id].append(
            LinkedWaybill(
                waybill_id=link.waybill_id,
                waybill_no=link.waybill_no,
                order_no=link.order_no,
                delivered_kg=link.delivered_kg,
            )
        )
    outs = []
    for line in lines:
        zh, en = LINE_STATUS_LABELS.get(line.status, (line.status, line.status))
        outs.append(
            InvoiceLineOut(
                line_no=line.line_no,
                origin=line.origin,
                destination=line.destination,
                mode=line.mode,
                plate=line.plate,
                goods=line.goods,
                quantity_kg=line.quantity_kg,
                amount_fen=line.amount_fen,
                service_date=line.service_date,
                status=line.status,
                status_zh=zh,
                status_en=en,
                delivered_kg=line.delivered_kg,
                rate_milli_yuan_per_tkm=line.rate_milli_yuan_per_tkm,
                waybills=links.get(line.id, []),
                findings=[finding(f) for f in line.findings or []],
            )
        )
    return header(inv, outs)
