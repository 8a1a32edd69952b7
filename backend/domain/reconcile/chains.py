"""The chain rows themselves, listed with their states and reasons (the mismatches lists)."""

from __future__ import annotations

import uuid
from datetime import date
from enum import StrEnum

from sqlalchemy import ColumnElement, and_, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.domain.contracts import service as contracts
from backend.domain.identity.schemas import Principal
from backend.domain.parties.schemas import AS_ORG_STAFF
from backend.domain.reconcile import access, boards
from backend.domain.reconcile.models import ChainStatus
from backend.domain.reconcile.schemas import ChainPage
from backend.domain.reconcile.views import row_out


class ChainFilter(StrEnum):
    ALL = "all"
    MISMATCH = "mismatch"


async def _page(
    session: AsyncSession,
    *,
    where: ColumnElement[bool],
    state: ChainFilter,
    start: date,
    to: date,
    offset: int,
    limit: int,
) -> ChainPage:
    where = and_(where, ChainStatus.day >= start, ChainStatus.day <= to)
    if state == ChainFilter.MISMATCH:
        where = and_(where, ChainStatus.mismatch.is_(True))
    total = (await session.execute(select(func.count()).select_from(ChainStatus).where(where))).scalar_one()
    rows = (
        await session.execute(
            select(ChainStatus)
            .where(where)
            .order_by(ChainStatus.day.desc(), ChainStatus.order_no)
            .offset(offset)
            .limit(limit)
        )
    ).scalars()
    return ChainPage(total=int(total), offset=offset, limit=limit, items=[row_out(r) for r in rows])


async def enterprise_chains(
    session: AsyncSession,
    *,
    actor: Principal,
    state: ChainFilter,
    contract_id: uuid.UUID | None,
    date_from: date | None,
    date_to: date | None,
    offset: int,
    limit: int,
) -> ChainPage:
    start, to = boards.period(date_from, date_to)
    where = access.readable_filter(actor, reading_as=AS_ORG_STAFF)
    if contract_id is not None:
        await contracts.get_contract(session, actor=actor, contract_id=contract_id)  # 404 for a stranger
        where = and_(where, ChainStatus.contract_id == contract_id)
    return await _page(session, where=where, state=state, start=start, to=to, offset=offset, limit=limit)


async def regulator_chains(
    session: AsyncSession,
    *,
    actor: Principal,
    district: str | None,
    state: ChainFilter,
    date_from: date | None,
    date_to: date | None,
    offset: int,
    limit: int,
) -> ChainPage:
    start, to = boards.period(date_from, date_to)
    return await _page(
        session,
        where=boards.district_filter(actor, district),
        state=state,
        start=start,
        to=to,
        offset=offset,
        limit=limit,
    )
