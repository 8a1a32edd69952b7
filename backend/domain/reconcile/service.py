"""Reconciliation across the six documents: the public face (other features, the apps, the jobs).

The chain rows are recomputed set-based (compute.py) when a document of the chain arrives
(subscribers.py, in the same transaction) and hourly over the open period (jobs.py); new findings
raise their alert once (findings.py). The boards (boards.py) sum the rows in SQL; the trace
(trace.py) opens a whole chain from any document's number.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import ColumnElement, or_
from sqlalchemy.ext.asyncio import AsyncSession

from backend.db.base import utcnow
from backend.domain.identity.schemas import Principal
from backend.domain.reconcile import boards, compute, findings, xlsx
from backend.domain.reconcile.boards import Group, enterprise_board, regulator_board
from backend.domain.reconcile.chains import ChainFilter, enterprise_chains, regulator_chains
from backend.domain.reconcile.models import ChainStatus
from backend.domain.reconcile.rules import SWEEP_DAYS
from backend.domain.reconcile.schemas import ReconcileView
from backend.domain.reconcile.trace import trace

__all__ = [
    "ChainFilter",
    "Group",
    "enterprise_board",
    "enterprise_board_xlsx",
    "enterprise_chains",
    "recompute_assay",
    "recompute_contract",
    "recompute_orders",
    "recompute_since",
    "regulator_board",
    "regulator_board_xlsx",
    "regulator_chains",
    "sweep",
    "trace",
]

# The mismatches sheet of an export lists at most this many chains (the newest).
XLSX_MAX_CHAINS = 5000


async def _recompute(
    session: AsyncSession,
    *,
    where: ColumnElement[bool],
    chain_where: ColumnElement[bool],
    now: datetime | None,
    alert: bool,
    narrow: bool = True,
) -> int:
    now = now or utcnow()
    count = await compute.recompute(session, where=where, now=now, narrow=narrow)
    if alert:
        await findings.raise_new(session, where=chain_where, now=now)
    return count


async def recompute_orders(
    session: AsyncSession,
    *,
    order_ids: Collection[uuid.UUID],
    now: datetime | None = None,
    alert: bool = True,
) -> int:
    """The chain rows of these orders, and the alerts of their new findings."""
    if not order_ids:
        return 0
    ids = sorted(set(order_ids), key=str)
    return await _recompute(
        session,
        where=compute.for_orders(ids),
        chain_where=ChainStatus.order_id.in_(ids),
        now=now,
        alert=alert,
    )


async def recompute_contract(
    session: AsyncSession, *, contract_id: uuid.UUID, now: datetime | None = None, alert: bool = True
) -> int:
    return await _recompute(
        session,
        where=compute.for_contract(contract_id),
        chain_where=ChainStatus.contract_id == contract_id,
        now=now,
        alert=alert,
    )


async def recompute_since(
    session: AsyncSession, *, since: datetime, now: datetime | None = None, alert: bool = True
) -> int:
    """Every order valid or weighed since `since`, in one statement (a period, a month of a city)."""
    now = now or utcnow()
    return await _recompute(
        session,
        where=compute.since(since),
        chain_where=ChainStatus.updated_at == now,
        now=now,
        alert=alert,
        narrow=False,
    )


async def recompute_assay(
    session: AsyncSession,
    *,
    contract_id: uuid.UUID,
    ticket_nos: Collection[str],
    batch_date: date | None,
    now: datetime | None = None,
) -> int:
    """The orders an assay concerns: its loads' tickets, or the contract's loads of its batch day."""
    now = now or utcnow()
    where = compute.for_tickets(ticket_nos)
    if batch_date is not None:
        # The batch day is a Chinese calendar day: its UTC bounds.
        start = datetime(batch_date.year, batch_date.month, batch_date.day, tzinfo=UTC) - timedelta(hours=8)
        where = or_(where, compute.for_contract_between(contract_id, start, start + timedelta(days=1)))
    return await _recompute(
        session, where=where, chain_where=ChainStatus.updated_at == now, now=now, alert=True
    )


async def sweep(session: AsyncSession, *, now: datetime | None = None) -> int:
    """The hourly recomputation of the open period: catches what no event announces (time passing:
    a settlement falling overdue, a waybill that never arrived)."""
    now = now or utcnow()
    return await recompute_since(session, since=now - timedelta(days=SWEEP_DAYS), now=now)


async def enterprise_board_xlsx(
    session: AsyncSession,
    *,
    actor: Principal,
    contract_id: uuid.UUID | None,
    date_from: date | None,
    date_to: date | None,
) -> bytes:
    """The enterprise board as a workbook: by day, by month, the mismatches."""
    start, to = boards.period(date_from, date_to)
    by_day = await enterprise_board(
        session, actor=actor, contract_id=contract_id, group="day", date_from=start, date_to=to
    )
    by_month = await enterprise_board(
        session, actor=actor, contract_id=contract_id, group="month", date_from=start, date_to=to
    )
    chains = await enterprise_chains(
        session,
        actor=actor,
        state=ChainFilter.MISMATCH,
        contract_id=contract_id,
        date_from=start,
        date_to=to,
        offset=0,
        limit=XLSX_MAX_CHAINS,
    )
    return xlsx.workbook(by_day=by_day, by_month=by_month, chains=chains, first=("合同", "Contract"))


async def regulator_board_xlsx(
    session: AsyncSession,
    *,
    actor: Principal,
    district: str | None,
    date_from: date | None,
    date_to: date | None,
) -> bytes:
    """The regulator's board per district as a workbook: by day, by month, the mismatches."""
    start, to = boards.period(date_from, date_to)
    by_day = await regulator_board(
        session, actor=actor, district=district, group="day", date_from=start, date_to=to
    )
    by_month = await regulator_board(
        session, actor=actor, district=district, group="month", date_from=start, date_to=to
    )
    chains = await regulator_chains(
        session,
        actor=actor,
        district=district,
        state=ChainFilter.MISMATCH,
        date_from=start,
        date_to=to,
        offset=0,
        limit=XLSX_MAX_CHAINS,
    )
    return xlsx.workbook(by_day=by_day, by_month=by_month, chains=chains, first=("辖区", "District"))


# A board page shows the newest mismatches; the xlsx has them all.
PAGE_MISMATCHES = 50


async def enterprise_view(
    session: AsyncSession,
    *,
    actor: Principal,
    contract_id: uuid.UUID | None,
    group: Group,
    date_from: date | None,
    date_to: date | None,
) -> ReconcileView:
    """The enterprise board page: the board, its mismatches, the contracts to choose from."""
    start, to = boards.period(date_from, date_to)
    board = await enterprise_board(
        session, actor=actor, contract_id=contract_id, group=group, date_from=start, date_to=to
    )
    chains = await enterprise_chains(
        session,
        actor=actor,
        state=ChainFilter.MISMATCH,
        contract_id=contract_id,
        date_from=start,
        date_to=to,
        offset=0,
        limit=PAGE_MISMATCHES,
    )
    return ReconcileView(
        board=board,
        mismatches=chains,
        choices=await boards.enterprise_choices(session, actor=actor, start=start, to=to),
    )


async def regulator_view(
    session: AsyncSession,
    *,
    actor: Principal,
    district: str | None,
    group: Group,
    date_from: date | None,
    date_to: date | None,
) -> ReconcileView:
    """The regulator's board page per district."""
    start, to = boards.period(date_from, date_to)
    board = await regulator_board(
        session, actor=actor, district=district, group=group, date_from=start, date_to=to
    )
    chains = await regulator_chains(
        session,
        actor=actor,
        district=district,
        state=ChainFilter.MISMATCH,
        date_from=start,
        date_to=to,
        offset=0,
        limit=PAGE_MISMATCHES,
    )
    return ReconcileView(
        board=board,
        mismatches=chains,
        choices=await boards.regulator_choices(session, actor=actor, start=start, to=to),
    )
