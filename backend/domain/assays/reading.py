"""Reading assays: a contract's list, one assay, its scan, and the quality that counts for each ticket
(`quality_for`, what settlements price with)."""

from __future__ import annotations

import asyncio
import re
import uuid
from collections.abc import Sequence

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend import files
from backend.context import Context
from backend.domain.assays import errors, views
from backend.domain.assays.access import access_assay, readable_filter
from backend.domain.assays.models import Assay
from backend.domain.assays.schemas import AssayOut, AssayPage, ScanFile
from backend.domain.contracts import service as contracts
from backend.domain.identity.schemas import Principal
from backend.domain.pricing.schemas import Quality
from backend.domain.weighing import service as weighing

_EXTENSIONS = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}


async def list_assays(
    session: AsyncSession, *, actor: Principal, contract_id: uuid.UUID, offset: int = 0, limit: int = 50
) -> AssayPage:
    """The contract's assays, newest test first (404 for whoever may not read the contract)."""
    await contracts.get_contract(session, actor=actor, contract_id=contract_id)
    query = select(Assay).where(Assay.contract_id == contract_id, readable_filter(actor))
    total = (await session.execute(select(func.count()).select_from(query.subquery()))).scalar_one()
    rows = (
        await session.execute(
            query.order_by(Assay.tested_on.desc(), Assay.created_at.desc(), Assay.id)
            .offset(offset)
            .limit(limit)
        )
    ).scalars()
    return AssayPage(total=total, offset=offset, limit=limit, items=[views.assay_out(a) for a in rows])


async def get_assay(session: AsyncSession, *, actor: Principal, assay_id: uuid.UUID) -> AssayOut:
    return views.assay_out(await access_assay(session, actor, assay_id))


async def scan_file(
    session: AsyncSession, *, ctx: Context, actor: Principal, assay_id: uuid.UUID
) -> ScanFile:
    assay = await access_assay(session, actor, assay_id)
    if assay.scan_sha256 is None or assay.scan_media_type is None:
        raise errors.scan_missing()
    store = files.store(ctx.settings)
    if not await asyncio.to_thread(store.exists, assay.scan_sha256):
        raise errors.scan_missing()
    safe_no = re.sub(r"[^A-Za-z0-9._-]", "_", assay.report_no)
    return ScanFile(
        path=str(store.path(assay.scan_sha256)),
        sha256=assay.scan_sha256,
        filename=f"{safe_no}.{_EXTENSIONS.get(assay.scan_media_type, 'bin')}",
        media_type=assay.scan_media_type,
    )


async def assays_of(
    session: AsyncSession, *, contract_id: uuid.UUID, ticket_nos: Sequence[str]
) -> list[AssayOut]:
    """The contract's assays for these tickets (their own, and their days' batches), for evidence packs
    and the trace (no access check: the caller has decided who asks)."""
    keys = await weighing.ticket_keys(session, ticket_nos=ticket_nos)
    days = {k.day for k in keys.values() if k.contract_id == contract_id}
    query = select(Assay).where(Assay.contract_id == contract_id)
    if ticket_nos:
        query = query.where(or_(Assay.ticket_no.in_(list(ticket_nos)[:5000]), Assay.batch_date.in_(days)))
    rows = (await session.execute(query.order_by(Assay.tested_on, Assay.created_at).limit(5000))).scalars()
    return [views.assay_out(a) for a in rows]


async def quality_for(
    session: AsyncSession, *, contract_id: uuid.UUID, ticket_nos: Sequence[str], lab: str
) -> dict[str, Quality]:
    """The quality that counts for each ticket: its own load assay, else the batch assay of its day, from
    the laboratory the terms name (the newest report when there are several). Tickets with neither, and
    tickets of other contracts, are absent."""
    keys = {
        no: k
        for no, k in (await weighing.ticket_keys(session, ticket_nos=ticket_nos)).items()
        if k.contract_id == contract_id
    }
    if not keys:
        return {}
    rows = (
        await session.execute(
            select(Assay)
            .where(
                Assay.contract_id == contract_id,
                Assay.lab == lab,
                or_(Assay.ticket_no.in_(list(keys)), Assay.batch_date.in_({k.day for k in keys.values()})),
            )
            .order_by(Assay.tested_on, Assay.updated_at, Assay.id)
        )
    ).scalars()
    by_ticket: dict[str, Quality] = {}
    by_day = {}
    for a in rows:  # oldest first: a later report overwrites an earlier one
        if a.scope == "load" and a.ticket_no is not None:
            by_ticket[a.ticket_no] = views.quality_of(a)
        elif a.batch_date is not None:
            by_day[a.batch_date] = views.quality_of(a)
    out: dict[str, Quality] = {}
    for no, key in keys.items():
        quality = by_ticket.get(no) or by_day.get(key.day)
        if quality is not None:
            out[no] = quality
    return out
