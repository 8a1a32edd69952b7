"""Reading settlements: mine (filtered in SQL by the parties), one with its lines, its scan, and
the loads of a contract still to settle (the issue page's checkboxes)."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Sequence
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend import files
from backend.context import Context
from backend.domain.contracts import service as contracts
from backend.domain.identity.schemas import Principal
from backend.domain.settlements import computing, errors, views
from backend.domain.settlements.access import access_by_no, access_settlement, party_filter, settles_for
from backend.domain.settlements.loads import Load, unsettled
from backend.domain.settlements.models import Settlement, SettlementLine
from backend.domain.settlements.schemas import (
    PreviewLine,
    ScanFile,
    SettlementOut,
    SettlementPage,
    SettlementParties,
    SettlementPreview,
    SettlementStatus,
    UnsettledTicket,
)
from backend.domain.waybills import service as waybills
from backend.domain.weighing import service as weighing


async def list_settlements(
    session: AsyncSession,
    *,
    actor: Principal,
    status: str | None = None,
    contract_id: uuid.UUID | None = None,
    offset: int = 0,
    limit: int = 50,
) -> SettlementPage:
    """The caller's settlements as seller or buyer, newest first (superseded versions included)."""
    query = select(Settlement).where(party_filter(actor))
    if status:
        query = query.where(Settlement.status == status)
    if contract_id is not None:
        query = query.where(Settlement.contract_id == contract_id)
    total = (await session.execute(select(func.count()).select_from(query.subquery()))).scalar_one()
    rows = await session.execute(
        query.order_by(Settlement.issued_at.desc(), Settlement.version.desc(), Settlement.id)
        .offset(offset)
        .limit(limit)
    )
    return SettlementPage(
        total=total, offset=offset, limit=limit, items=await views.many(session, list(rows.scalars()), actor)
    )


async def get_settlement(
    session: AsyncSession, *, actor: Principal, settlement_id: uuid.UUID
) -> SettlementOut:
    return await views.one(session, await access_settlement(session, actor, settlement_id), actor)


async def get_by_no(session: AsyncSession, *, actor: Principal, settlement_no: str) -> SettlementOut:
    return await views.one(session, await access_by_no(session, actor, settlement_no), actor)


async def scan_file(
    session: AsyncSession, *, ctx: Context, actor: Principal, settlement_id: uuid.UUID
) -> ScanFile:
    s = await access_settlement(session, actor, settlement_id)
    if s.scan_sha256 is None or s.scan_media_type is None:
        raise errors.scan_missing()
    store = files.store(ctx.settings)
    if not await asyncio.to_thread(store.exists, s.scan_sha256):
        raise errors.scan_missing()
    return ScanFile(path=str(store.path(s.scan_sha256)), media_type=s.scan_media_type, sha256=s.scan_sha256)


async def preview(
    session: AsyncSession,
    *,
    actor: Principal,
    contract_id: uuid.UUID,
    period_from: date,
    period_to: date,
    include: Sequence[str] = (),
) -> SettlementPreview:
    """The platform's figures for the contract's unsettled loads in the period (nothing stored);
    `include`: the tickets of the version being corrected, which it still holds."""
    contract = await contracts.get_contract(session, actor=actor, contract_id=contract_id)
    tickets = await unsettled(session, contract_id=contract_id, period_from=period_from, period_to=period_to)
    if include:
        held = [
            t
            for t in await weighing.ticket_loads(
                session, ticket_nos=list(include), contract_id=contract_id, valid_only=True
            )
            if t.ticket_no not in {x.ticket_no for x in tickets}
        ]
        tickets = sorted([*tickets, *held], key=lambda t: (t.gross_at, t.ticket_no))
    received = await waybills.received_loads(session, order_ids={t.order_id for t in tickets})
    loads = [Load(ticket=t, received=received.get(t.order_id), figures=None) for t in tickets]
    calc = await computing.compute(session, contract=contract, loads=loads, on=period_from)
    lines = []
    for ld in loads:
        c = calc.lines[ld.ticket.ticket_no]
        lines.append(
            PreviewLine(
                ticket_no=ld.ticket.ticket_no,
                order_no=ld.ticket.order_no,
                plate=ld.ticket.plate,
                gross_at=ld.ticket.gross_at,
                net_kg=ld.ticket.net_kg,
                received_kg=ld.received.received_net_kg if ld.received else None,
                settled_kg=c.settled_kg,
                unit_price_fen_per_t=c.unit_price_fen_per_t,
                amount_fen=c.amount_fen,
                quality=c.quality,
            )
        )
    return SettlementPreview(
        contract_id=contract.id,
        contract_no=contract.contract_no,
        seller_name=contract.seller_name,
        buyer_name=contract.buyer_name,
        period_from=period_from,
        period_to=period_to,
        basis=calc.basis,
        terms_version=calc.terms_version,
        supplier_kg=sum(t.net_kg for t in tickets),
        settled_kg=calc.settled_kg,
        unit_price_fen_per_t=calc.unit_price_fen_per_t,
        amount_fen=calc.amount_fen,
        tax_rate_bp=calc.tax_rate_bp,
        tax_fen=calc.tax_fen,
        total_fen=calc.total_fen,
        adjustments=calc.adjustments,
        lines=lines,
        i_am_buyer=settles_for(actor, contract.buyer_org_id),
        i_am_seller=settles_for(actor, contract.seller_org_id),
    )


async def unsettled_tickets(
    session: AsyncSession, *, actor: Principal, contract_id: uuid.UUID, period_from: date, period_to: date
) -> list[UnsettledTicket]:
    """The contract's valid tickets in the period that no live settlement holds (a party reads)."""
    await contracts.get_contract(session, actor=actor, contract_id=contract_id)
    return [
        UnsettledTicket(
            ticket_no=t.ticket_no, order_no=t.order_no, plate=t.plate, net_kg=t.net_kg, gross_at=t.gross_at
        )
        for t in await unsettled(
            session, contract_id=contract_id, period_from=period_from, period_to=period_to
        )
    ]


async def parties_of(session: AsyncSession, *, settlement_no: str) -> SettlementParties | None:
    """The standing version of a settlement number (pending or confirmed) and its parties, for the
    features that check money against it; None for an unknown, withdrawn or only superseded number."""
    s = (
        await session.execute(
            select(Settlement).where(
                Settlement.settlement_no == settlement_no,
                Settlement.status.in_((SettlementStatus.PENDING.value, SettlementStatus.CONFIRMED.value)),
            )
        )
    ).scalar_one_or_none()
    if s is None:
        return None
    orders = (
        (
            await session.execute(
                select(SettlementLine.order_id).where(SettlementLine.settlement_id == s.id).distinct()
            )
        )
        .scalars()
        .all()
    )
    return SettlementParties(
        id=s.id,
        settlement_no=s.settlement_no,
        buyer_org_id=s.buyer_org_id,
        seller_org_id=s.seller_org_id,
        order_ids=tuple(sorted(orders)),
    )
