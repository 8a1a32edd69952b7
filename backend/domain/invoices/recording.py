"""Recording a transport invoice: check its content (422, nothing stored), answer a repeat from what
is stored (same uploader, same content: the same answer, no new row), refuse a number taken by
another party or with other content (409, with its alert kept), else store it with every line
linked to its waybills and every finding raised once."""

from __future__ import annotations

import hashlib
import uuid
from typing import Any

import msgspec
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from backend.db.unit import keep_on_error, savepoint
from backend.domain.alerts.schemas import AlertRaise
from backend.domain.audit import service as audit
from backend.domain.identity.schemas import Principal
from backend.domain.invoices import errors, views
from backend.domain.invoices.access import uploader_org
from backend.domain.invoices.content import CleanInvoice, check_invoice
from backend.domain.invoices.events import InvoiceRecorded
from backend.domain.invoices.findings import ALERT_KINDS, line_finding, parties_finding
from backend.domain.invoices.flagging import raise_once
from backend.domain.invoices.matching import LineCheck, check_lines
from backend.domain.invoices.models import TransportInvoice, TransportInvoiceLine, TransportInvoiceWaybill
from backend.domain.invoices.schemas import InvoiceIn, InvoiceOut, InvoiceStatus
from backend.domain.organisations import service as organisations
from backend.events import announce


def _sha256(clean: CleanInvoice) -> str:
    doc = {
        "no": clean.invoice_no,
        "data": msgspec.to_builtins(clean.data),
        "seller": clean.seller_credit_code,
        "buyer": clean.buyer_credit_code,
        "lines": [msgspec.to_builtins(x) for x in clean.lines],
    }
    for key in ("lines", "invoiceNo"):  # the hand form carries the number in its body, a PUT in its path
        doc["data"].pop(key, None)
    return hashlib.sha256(msgspec.json.encode(doc, order="sorted")).hexdigest()


async def _by_no(session: AsyncSession, invoice_no: str) -> TransportInvoice | None:
    query = select(TransportInvoice).where(TransportInvoice.invoice_no == invoice_no)
    return (await session.execute(query.execution_options(populate_existing=True))).scalar_one_or_none()


async def _repeat(
    session: AsyncSession, existing: TransportInvoice, *, org_id: uuid.UUID, sha256: str
) -> InvoiceOut:
    """The same upload again is answered from what is stored; anything else is the duplicate number."""
    if existing.uploaded_by_org_id == org_id and existing.content_sha256 == sha256:
        return await views.detail(session, existing)
    await raise_once(
        session,
        data=AlertRaise(
            kind="invoice_number_duplicate",
            org_id=existing.seller_org_id or existing.uploaded_by_org_id,
            site_id=None,
            region_code=existing.region_code,
            ref=f"invoice:{existing.invoice_no}",
            message_zh=f"发票号码 {existing.invoice_no} 被重复上传（其他机构或不同内容）",
            message_en=f"Invoice number {existing.invoice_no} uploaded again by another party or with other content",
            details={
                "invoiceId": str(existing.id),
                "invoiceNo": existing.invoice_no,
                "uploadedByOrgId": str(org_id),
            },
        ),
    )
    keep_on_error(session)  # the alert stands though the upload is refused
    raise errors.number_duplicate()


def _parties(inv: TransportInvoice, checks: list[LineCheck]) -> tuple[str | None, dict[str, Any] | None]:
    linked = [w for c in checks for w in c.linked]
    if not linked:
        return None, None
    carrier_differs = any((w.carrier_org_id or w.seller_org_id) != inv.seller_org_id for w in linked)
    side = None
    if inv.buyer_org_id is not None and all(w.buyer_org_id == inv.buyer_org_id for w in linked):
        side = "buyer"
    elif inv.buyer_org_id is not None and all(w.seller_org_id == inv.buyer_org_id for w in linked):
        side = "seller"
    if carrier_differs or side is None:
        return side, parties_finding(carrier_differs, side is None)
    return side, None


def _store(session: AsyncSession, inv: TransportInvoice, checks: list[LineCheck]) -> list[dict[str, Any]]:
    findings: list[dict[str, Any]] = []
    for c in checks:
        line_findings = [line_finding(code, c) for code in c.codes]
        findings += line_findings
        first = c.linked[0] if c.linked else (c.twice[0] if c.twice else None)
        row = TransportInvoiceLine(
            id=uuid.uuid4(),
            invoice_id=inv.id,
            line_no=c.line.line_no,
            origin=c.line.origin,
            destination=c.line.destination,
            mode=c.line.mode,
            plate=c.line.plate,
            goods=c.line.goods,
            quantity_kg=c.line.quantity_kg,
            amount_fen=c.line.amount_fen,
            service_date=c.line.service_date,
            waybill_id=first.id if first else None,
            waybill_no=first.waybill_no if first else None,
            order_id=first.order_id if first else None,
            order_no=first.order_no if first else None,
            status=c.status,
            delivered_kg=c.delivered_kg,
            rate_milli_yuan_per_tkm=c.rate_milli_yuan_per_tkm,
            findings=line_findings,
        )
        session.add(row)
        for w in c.linked:
            session.add(
                TransportInvoiceWaybill(
                    line_id=row.id,
                    invoice_id=inv.id,
                    waybill_id=w.id,
                    waybill_no=w.waybill_no,
                    order_id=w.order_id,
                    order_no=w.order_no,
                    delivered_kg=w.delivered_kg or 0,
                    driver_user_id=w.driver_user_id,
                )
            )
    return findings


async def _alert(
    session: AsyncSession, inv: TransportInvoice, checks: list[LineCheck], parties: dict[str, Any] | None
) -> None:
    org_id = inv.seller_org_id or inv.uploaded_by_org_id
    for c in checks:
        waybill = c.linked[0] if c.linked else (c.twice[0] if c.twice else None)
        for item in [line_finding(code, c) for code in c.codes]:
            await raise_once(
                session,
                data=AlertRaise(
                    kind=ALERT_KINDS[item["code"]],
                    org_id=org_id,
                    site_id=None,
                    region_code=inv.region_code,
                    ref=f"invoice:{inv.invoice_no}:line:{c.line.line_no}",
                    message_zh=item["zh"],
                    message_en=item["en"],
                    plate=c.line.plate,
                    order_no=waybill.order_no if waybill else None,
                    details={
                        "invoiceId": str(inv.id),
                        "invoiceNo": inv.invoice_no,
                        "lineNo": c.line.line_no,
                        "waybillNo": waybill.waybill_no if waybill else None,
                        "quantityKg": c.line.quantity_kg,
                        "deliveredKg": c.delivered_kg,
                        "rateMilliYuanPerTkm": c.rate_milli_yuan_per_tkm,
                    },
                ),
            )
    if parties is not None:
        await raise_once(
            session,
            data=AlertRaise(
                kind="parties_differ",
                org_id=org_id,
                site_id=None,
                region_code=inv.region_code,
                ref=f"invoice:{inv.invoice_no}",
                message_zh=parties["zh"],
                message_en=parties["en"],
                details={"invoiceId": str(inv.id), "invoiceNo": inv.invoice_no},
            ),
        )


async def record_invoice(
    session: AsyncSession, *, actor: Principal, invoice_no: str, data: InvoiceIn, source: str
) -> tuple[InvoiceOut, bool]:
    """(the invoice with its checks, created). Idempotent: the same upload again answers the same."""
    clean = check_invoice(invoice_no, data)
    seller_org_id = await organisations.id_by_credit_code(session, credit_code=clean.seller_credit_code)
    buyer_org_id = await organisations.id_by_credit_code(session, credit_code=clean.buyer_credit_code)
    org_id = uploader_org(actor, seller_org_id=seller_org_id, buyer_org_id=buyer_org_id)
    sha256 = _sha256(clean)
    existing = await _by_no(session, clean.invoice_no)
    if existing is not None:
        return await _repeat(session, existing, org_id=org_id, sha256=sha256), False
    region_code = next(m.region_code for m in actor.memberships if m.org_id == org_id)
    inv = TransportInvoice(
        id=uuid.uuid4(),
        invoice_no=clean.invoice_no,
        issue_date=data.issue_date,
        kind=data.kind,
        seller_name=data.seller_name.strip(),
        seller_credit_code=clean.seller_credit_code,
        seller_org_id=seller_org_id,
        buyer_name=data.buyer_name.strip(),
        buyer_credit_code=clean.buyer_credit_code,
        buyer_org_id=buyer_org_id,
        amount_fen=data.amount_fen,
        tax_rate_bp=data.tax_rate_bp,
        tax_fen=data.tax_fen,
        total_fen=data.total_fen,
        region_code=region_code,
        uploaded_by_org_id=org_id,
        uploaded_by_user_id=None if actor.machine_key else actor.user_id,
        source=source,
        content_sha256=sha256,
        status=InvoiceStatus.CHECKED.value,
        findings=[],
    )
    checks = await check_lines(session, lines=clean.lines)
    inv.payer_side, parties = _parties(inv, checks)
    try:
        async with savepoint(
            session
        ):  # a racing upload of the same number, or of the same waybill, lands first
            session.add(inv)
            await session.flush()
            findings = _store(session, inv, checks) + ([parties] if parties else [])
            inv.findings = findings
            inv.status = (InvoiceStatus.SUSPECT if findings else InvoiceStatus.CHECKED).value
            await session.flush()
    except IntegrityError:
        existing = await _by_no(session, clean.invoice_no)
        if existing is None:  # not the number: a waybill linked by a racing invoice first
            raise errors.raced() from None
        return await _repeat(session, existing, org_id=org_id, sha256=sha256), False
    await _alert(session, inv, checks, parties)
    await audit.record(
        session,
        actor=actor.actor,
        action="invoice.record",
        entity="transport_invoice",
        entity_id=inv.id,
        after={
            "invoiceNo": inv.invoice_no,
            "status": inv.status,
            "source": source,
            "totalFen": inv.total_fen,
        },
    )
    order_ids = tuple(dict.fromkeys(w.order_id for c in checks for w in c.linked))
    await announce(session, InvoiceRecorded(invoice_id=inv.id, order_ids=order_ids))
    return await views.detail(session, inv), True
