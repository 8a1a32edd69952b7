"""Recording assays: by hand on a contract (with the report's scan), or upserted by report number from a
party's laboratory system over /open/v1. Both check the same things before anything is stored: the
values within the bounds of commercial coal, a load assay's ticket valid and of this contract, a batch's
day; then the row, its audit entry and the AssayRecorded fact, in the caller's transaction."""

from __future__ import annotations

import asyncio
import uuid
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from backend import files
from backend.context import Context
from backend.db.base import utcnow
from backend.db.unit import savepoint
from backend.domain.assays import errors, views
from backend.domain.assays.access import access_assay, recording_org
from backend.domain.assays.events import AssayRecorded
from backend.domain.assays.models import Assay
from backend.domain.assays.schemas import AssayIn, AssayOut, AssayPut, AssayValues
from backend.domain.audit import service as audit
from backend.domain.contracts import service as contracts
from backend.domain.contracts.schemas import ContractOut
from backend.domain.identity.schemas import ENTERPRISE_ROLES, Principal
from backend.domain.pricing import service as pricing
from backend.domain.pricing.schemas import Quality
from backend.domain.weighing import service as weighing
from backend.errors import DomainError, forbidden
from backend.events import announce

MAX_SCAN_BYTES = 10 * 1024 * 1024
# What a report's scan may be, told by its first bytes (never by the name or the Content-Type sent).
_MAGIC = ((b"%PDF-", "application/pdf"), (b"\xff\xd8\xff", "image/jpeg"), (b"\x89PNG\r\n\x1a\n", "image/png"))
_FIRST_DAY, _LAST_DAY = date(2000, 1, 1), date(2099, 12, 31)
_PCT_FIELDS = ("mt", "mad", "ad", "vdaf", "st_d")
_AUDITED = (
    "contract_id",
    "scope",
    "ticket_no",
    "batch_date",
    "lab",
    "lab_name",
    "sample_no",
    "standard",
    "qnet_ar_kcal_per_kg",
    "qnet_input_value",
    "mt_bp",
    "mad_bp",
    "ad_bp",
    "vdaf_bp",
    "st_d_bp",
    "size_mm",
    "tested_on",
    "scan_sha256",
)


def _quality(data: AssayValues) -> Quality:
    return Quality(
        qnet_ar_kcal_per_kg=data.qnet_ar_kcal_per_kg,
        mt_pct=data.mt_pct,
        mad_pct=data.mad_pct,
        ad_pct=data.ad_pct,
        vdaf_pct=data.vdaf_pct,
        st_d_pct=data.st_d_pct,
    )


def _day(value: date | None, field: str) -> None:
    if value is not None and not _FIRST_DAY <= value <= _LAST_DAY:
        raise errors.invalid(field, "日期须在 2000 至 2099 年之间", "The date must be in 2000–2099")


async def _check(session: AsyncSession, contract_id: uuid.UUID, data: AssayValues) -> None:
    """Bounds first, then the ticket: a refusal names the field and nothing is stored."""
    _day(data.tested_on, "testedOn")
    if data.scope == "load" and data.ticket_no is None:
        raise errors.invalid("ticketNo", "单车化验须给出磅单号", "A load assay names its weigh ticket")
    if data.scope == "batch":
        if data.batch_date is None:
            raise errors.invalid("batchDate", "批次化验须给出批次日期", "A batch assay names its day")
        _day(data.batch_date, "batchDate")
    quality = _quality(data)
    if all(getattr(quality, f) is None for f in quality.__struct_fields__):
        raise errors.invalid(
            "qnetArKcalPerKg", "化验单至少须有一项指标", "An assay states at least one value"
        )
    pricing.check_quality(quality)
    if data.scope == "load" and data.ticket_no is not None:
        key = (await weighing.ticket_keys(session, ticket_nos=[data.ticket_no])).get(data.ticket_no)
        if key is None:
            raise errors.ticket_unknown()
        if key.contract_id != contract_id:
            raise errors.ticket_other_contract()


def _bp(value: Decimal | None) -> int | None:
    return None if value is None else int(value * 100)


def _fields(contract: ContractOut, data: AssayValues) -> dict[str, Any]:
    qnet = data.qnet_ar_kcal_per_kg
    values: dict[str, Any] = dict(
        contract_id=contract.id,
        contract_no=contract.contract_no,
        seller_org_id=contract.seller_org_id,
        buyer_org_id=contract.buyer_org_id,
        region_code=contract.seller_region_code,
        scope=data.scope,
        ticket_no=data.ticket_no if data.scope == "load" else None,
        batch_date=data.batch_date if data.scope == "batch" else None,
        lab=data.lab,
        lab_name=data.lab_name,
        sample_no=data.sample_no,
        standard=data.standard,
        size_mm=data.size_mm,
        tested_on=data.tested_on,
        qnet_ar_kcal_per_kg=None if qnet is None else pricing.kcal_per_kg(qnet),
        qnet_input_value=None if qnet is None else str(qnet),
        qnet_input_unit=None if qnet is None else ("mj_per_kg" if qnet < 100 else "kcal_per_kg"),
    )
    for name in _PCT_FIELDS:
        values[f"{name}_bp"] = _bp(getattr(data, f"{name}_pct"))
    return values


async def _recorded(session: AsyncSession, assay: Assay) -> None:
    await announce(
        session,
        AssayRecorded(
            assay_id=assay.id,
            contract_id=assay.contract_id,
            ticket_nos=(assay.ticket_no,) if assay.ticket_no else (),
            batch_date=assay.batch_date,
        ),
    )


async def _insert(session: AsyncSession, assay: Assay) -> None:
    try:
        async with savepoint(session):
            session.add(assay)
            await session.flush()
    except IntegrityError:
        raise errors.report_taken() from None


def scan_type(data: bytes) -> str:
    """The scan's media type by its magic number; 413 above 10 MB, 422 for anything else."""
    if len(data) > MAX_SCAN_BYTES:
        raise errors.scan_too_large(MAX_SCAN_BYTES)
    for magic, media_type in _MAGIC:
        if data.startswith(magic):
            return media_type
    raise errors.scan_invalid()


async def _store(ctx: Context, data: bytes) -> str:
    return await asyncio.to_thread(files.store(ctx.settings).put, data)


async def record_assay(
    session: AsyncSession,
    *,
    ctx: Context,
    actor: Principal,
    contract_id: uuid.UUID,
    data: AssayIn,
    scan: bytes | None = None,
) -> AssayOut:
    """An assay entered by hand by a party's staff, with the report's scan if given (PDF, JPEG or PNG)."""
    contract = await contracts.get_contract(session, actor=actor, contract_id=contract_id)
    org_id = recording_org(actor, contract.seller_org_id, contract.buyer_org_id)
    await _check(session, contract.id, data)
    media_type = None if scan is None else scan_type(scan)
    exists = (
        await session.execute(
            select(Assay.id).where(Assay.uploaded_by_org_id == org_id, Assay.report_no == data.report_no)
        )
    ).first()
    if exists is not None:
        raise errors.report_taken()
    assay = Assay(
        report_no=data.report_no,
        source="hand",
        uploaded_by_org_id=org_id,
        created_at=utcnow(),
        updated_at=utcnow(),
        **_fields(contract, data),
    )
    if scan is not None:
        assay.scan_sha256, assay.scan_media_type = await _store(ctx, scan), media_type
    await _insert(session, assay)
    await audit.record(
        session,
        actor=actor.actor,
        action="assay.record",
        entity="assay",
        entity_id=assay.id,
        before=None,
        after=audit.snapshot(assay, fields=_AUDITED),
    )
    await _recorded(session, assay)
    return views.assay_out(assay)


async def attach_scan(
    session: AsyncSession, *, ctx: Context, actor: Principal, assay_id: uuid.UUID, data: bytes
) -> AssayOut:
    """The report's scan for an assay: by the staff of the party that recorded it."""
    assay = await access_assay(session, actor, assay_id)
    if not actor.is_member(assay.uploaded_by_org_id, ENTERPRISE_ROLES):
        raise forbidden()
    media_type = scan_type(data)
    before = audit.snapshot(assay, fields=("scan_sha256", "scan_media_type"))
    assay.scan_sha256, assay.scan_media_type = await _store(ctx, data), media_type
    assay.updated_at = utcnow()
    await session.flush()
    await audit.record(
        session,
        actor=actor.actor,
        action="assay.scan",
        entity="assay",
        entity_id=assay.id,
        before=before,
        after=audit.snapshot(assay, fields=("scan_sha256", "scan_media_type")),
    )
    return views.assay_out(assay)


async def _contract_by_no(session: AsyncSession, actor: Principal, contract_no: str) -> ContractOut:
    page = await contracts.list_contracts(session, actor=actor, q=contract_no, limit=200)
    found = [c for c in page.items if c.contract_no == contract_no]
    if len(found) != 1:
        raise errors.contract_unknown()
    return found[0]


async def _by_report(session: AsyncSession, org_id: uuid.UUID, report_no: str) -> Assay | None:
    query = select(Assay).where(Assay.uploaded_by_org_id == org_id, Assay.report_no == report_no)
    return (await session.execute(query.execution_options(populate_existing=True))).scalar_one_or_none()


async def upsert_assay(
    session: AsyncSession, *, actor: Principal, report_no: str, data: AssayPut
) -> tuple[AssayOut, bool]:
    """A laboratory system's assay by its report number: (assay, created). The same body again changes
    nothing; a corrected body updates the row (audited) and is announced again."""
    contract = await _contract_by_no(session, actor, data.contract_no)
    org_id = recording_org(actor, contract.seller_org_id, contract.buyer_org_id)
    await _check(session, contract.id, data)
    values = _fields(contract, data)
    assay = await _by_report(session, org_id, report_no)
    if assay is None:
        made = Assay(
            report_no=report_no,
            source="open_api",
            uploaded_by_org_id=org_id,
            created_at=utcnow(),
            updated_at=utcnow(),
            **values,
        )
        try:
            await _insert(session, made)
        except DomainError:
            # Lost a race with the same report sent twice at once: the other request's row stands,
            # and this one is then the same upsert again (an update, or nothing).
            assay = await _by_report(session, org_id, report_no)
            if assay is None:
                raise
        else:
            await audit.record(
                session,
                actor=actor.actor,
                action="assay.record",
                entity="assay",
                entity_id=made.id,
                before=None,
                after=audit.snapshot(made, fields=_AUDITED),
            )
            await _recorded(session, made)
            return views.assay_out(made), True
    before = audit.snapshot(assay, fields=_AUDITED)
    for name, value in values.items():
        setattr(assay, name, value)
    after = audit.snapshot(assay, fields=_AUDITED)
    if after != before:
        assay.updated_at = utcnow()
        await session.flush()
        await audit.record(
            session,
            actor=actor.actor,
            action="assay.update",
            entity="assay",
            entity_id=assay.id,
            before=before,
            after=after,
        )
        await _recorded(session, assay)
    return views.assay_out(assay), False
