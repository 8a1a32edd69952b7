"""Reading settlements: mine (filtered in SQL by the parties), one with its lines, its scan, and
the loads of a contract still to settle (the issue page's checkboxes)."""

from __future__ import annotations

import asyncio
import uuid
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend import files
from backend.context import Context
from backend.domain.contracts import service as contracts
from backend.domain.identity.schemas import Principal
from backend.domain.settlements import errors, views
from backend.domain.settlements.access import access_by_no, access_settlement, party_filter
from backend.domain.settlements.loads import unsettled
from backend.domain.settlements.models import Settlement
from backend.domain.settlements.schemas import ScanFile, SettlementOut, SettlementPage, UnsettledTicket


async def list_settlements(session: AsyncSession, *, actor: Principal, status: str | None = None,
                           contract_id: uuid.UUID | None = None, offset: int = 0, limit: int = 50) -> SettlementPage:
    """The caller's settlements as seller or buyer, newest first (superseded versions included)."""
    query = select(Settlement).where(party_filter(actor))
    if status:
        query = query.where(Settlement.status == status)
    if contract_id is not None:
        query = query.where(Settlement.contract_id == contract_id)
    total = (await session.execute(select(func.count()).select_from(query.subquery()))).scalar_one()
    rows = await session.execute(query.order_by(Settlement.issued_at.desc(), Settlement.version.desc(), Settlement.id)
                                 .offset(offset).limit(limit))
    return SettlementPage(total=total, offset=offset, limit=limit, items=await views.many(session, list(rows.scalars()), actor))


async def get_settlement(session: AsyncSession, *, actor: Principal, settlement_id: uuid.UUID) -> SettlementOut:
    return await views.one(session, await access_settlement(session, actor, settlement_id), actor)


async def get_by_no(session: AsyncSession, *, actor: Principal, settlement_no: str) -> SettlementOut:
    return await views.one(session, await access_by_no(session, actor, settlement_no), actor)


async def scan_file(session: AsyncSession, *, ctx: Context, actor: Principal, settlement_id: uuid.UUID) -> ScanFile:
    s = await access_settlement(session, actor, settlement_id)
    if s.scan_sha256 is None or s.scan_media_type is None:
        raise errors.scan_missing()
    store = files.store(ctx.settings)
    if not await asyncio.to_thread(store.exists, s.scan_sha256):
        raise errors.scan_missing()
    return ScanFile(path=str(store.path(s.scan_sha256)), media_type=s.scan_media_type, sha256=s.scan_sha256)


async def unsettled_tickets(session: AsyncSession, *, actor: Principal, contract_id: uuid.UUID, period_from: date,
                            period_to: date) -> list[UnsettledTicket]:
    """The contract's valid tickets in the period that no live settlement holds (a party reads)."""
    await contracts.get_contract(session, actor=actor, contract_id=contract_id)
    return [UnsettledTicket(ticket_no=t.ticket_no, order_no=t.order_no, plate=t.plate, net_kg=t.net_kg, gross_at=t.gross_at)
            for t in await unsettled(session, contract_id=contract_id, period_from=period_from, period_to=period_to)]
