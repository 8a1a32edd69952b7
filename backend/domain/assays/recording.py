"""Recording assays: by hand on a contract (with the report's scan), or upserted by report number from a
party's laboratory system over /open/v1. Both check the same things before anything is stored: the
values within the bounds of commercial coal, a load assay's ticket valid and of this contract, a batch's
day; then the row, its audit entry and the AssayRecorded fact, in the caller's transaction."""

from __future__ import annotations

import asyncio
import uuid

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from backend import files
from backend.context import Context
from backend.db.base import utcnow
from backend.db.unit import savepoint
from backend.domain.assays import errors, views
from backend.domain.assays.access import access_assay, recording_org
from backend.domain.assays.checks import check_values, row_values, scan_type
from backend.domain.assays.events import AssayRecorded
from backend.domain.assays.models import Assay
from backend.domain.assays.schemas import AssayIn, AssayOut, AssayPut
from backend.domain.audit import service as audit
from backend.domain.contracts import service as contracts
from backend.domain.contracts.schemas import ContractOut
from backend.domain.identity.schemas import ENTERPRISE_ROLES, Principal
from backend.errors import DomainError, forbidden
from backend.events import announce

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
    await check_values(session, contract.id, data)
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
        **row_values(contract, data),
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
    await check_values(session, contract.id, data)
    values = row_values(contract, data)
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
