"""Issuing a settlement, or a new version of one: check, claim the loads, recompute, record.

The loads are claimed by inserting their lines inside a savepoint: the partial unique index on
settlement_lines(ticket_id) WHERE live lets exactly one of two racing settlements hold a ticket;
the loser's savepoint is undone and it answers 409 naming the ticket, and since the request's unit
then rolls back, nothing of it is stored. The evidence entry is appended last (it holds the
chain's write lock until the commit).
"""

from __future__ import annotations

import asyncio
import hashlib
import uuid
from typing import Any

import msgspec
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from backend import files
from backend.context import Context
from backend.db.base import utcnow
from backend.db.unit import savepoint
from backend.domain.audit import service as audit
from backend.domain.contracts import service as contracts
from backend.domain.contracts.schemas import ContractOut
from backend.domain.evidence import service as evidence
from backend.domain.identity.schemas import Principal
from backend.domain.settlements import checks, errors, recompute, record, views
from backend.domain.settlements.access import settles_for
from backend.domain.settlements.events import SettlementIssued
from backend.domain.settlements.loads import Load, resolve
from backend.domain.settlements.models import Settlement, SettlementLine
from backend.domain.settlements.schemas import (
    SettlementIssue,
    SettlementOut,
    SettlementSource,
    SettlementStatus,
)
from backend.events import announce

MAX_SCAN_BYTES = 10 * 1024 * 1024
_AUDITED = ("settlement_no", "version", "status", "settled_kg", "amount_fen", "tax_fen", "total_fen")


def body_sha256(data: SettlementIssue) -> str:
    return hashlib.sha256(msgspec.json.encode(data)).hexdigest()


async def _contract(session: AsyncSession, actor: Principal, data: SettlementIssue) -> ContractOut:
    if data.contract_id is not None:
        return await contracts.get_contract(session, actor=actor, contract_id=data.contract_id)
    if data.contract_no is None:
        raise errors.contract_required()
    for org_id in actor.org_ids():
        found = await contracts.contract_of_party(session, org_id=org_id, contract_no=data.contract_no)
        if found is not None:
            return found
    raise errors.contract_not_found("contractNo")


def _source(actor: Principal, contract: ContractOut, *, via_open: bool, scan: bytes | None) -> str:
    if settles_for(actor, contract.buyer_org_id):
        return SettlementSource.OPEN_API if via_open else SettlementSource.BUYER
    if settles_for(actor, contract.seller_org_id) and not via_open:
        if scan is None:
            raise errors.scan_required()
        return SettlementSource.SELLER_UPLOAD
    raise errors.not_a_party()


async def _store_scan(ctx: Context, scan: bytes) -> tuple[str, str]:
    media_type = files.document_type(scan)
    if len(scan) > MAX_SCAN_BYTES or media_type is None:
        raise errors.scan_invalid()
    return await asyncio.to_thread(files.store(ctx.settings).put, scan), media_type


async def _previous(session: AsyncSession, contract_id: uuid.UUID, settlement_no: str) -> tuple[int, int]:
    """What the contract's standing settlements (other numbers) settled before: partial settlements."""
    row = (
        await session.execute(
            select(
                func.coalesce(func.sum(Settlement.settled_kg), 0),
                func.coalesce(func.sum(Settlement.amount_fen), 0),
            ).where(
                Settlement.contract_id == contract_id,
                Settlement.settlement_no != settlement_no,
                Settlement.status.in_((SettlementStatus.PENDING, SettlementStatus.CONFIRMED)),
            )
        )
    ).one()
    return int(row[0]), int(row[1])


def _issued_lines(settlement_id: uuid.UUID, loads: list[Load], data: SettlementIssue) -> list[SettlementLine]:
    """The issuer's lines: as sent, or (none sent) each load at the settlement's price on its net."""
    out = []
    for i, ld in enumerate(loads):
        t, fig = ld.ticket, ld.figures
        settled = fig.settled_kg if fig else t.net_kg
        price = fig.unit_price_fen_per_t if fig else data.unit_price_fen_per_t
        out.append(
            SettlementLine(
                id=uuid.uuid4(),
                settlement_id=settlement_id,
                position=i + 1,
                ticket_id=t.id,
                ticket_no=t.ticket_no,
                order_id=t.order_id,
                order_no=t.order_no,
                waybill_no=ld.received.waybill_no if ld.received else None,
                gross_at=t.gross_at,
                net_kg=t.net_kg,
                received_kg=ld.received.received_net_kg if ld.received else None,
                deduction_kg=fig.deduction_kg if fig else 0,
                settled_kg=settled,
                unit_price_fen_per_t=price,
                amount_fen=fig.amount_fen if fig else checks.amount_of(settled, price),
                live=True,
            )
        )
    return out


async def _claim(session: AsyncSession, s: Settlement, lines: list[SettlementLine]) -> None:
    try:
        async with savepoint(session):
            session.add(s)
            await session.flush()
            session.add_all(lines)
            await session.flush()
    except IntegrityError:
        # What is true now: a number taken, or a ticket another settlement holds (the winner of a race).
        taken = (
            await session.execute(
                select(Settlement.id).where(
                    Settlement.settlement_no == s.settlement_no, Settlement.version == s.version
                )
            )
        ).first()
        if taken is not None:
            raise errors.number_taken() from None
        held = (
            (
                await session.execute(
                    select(SettlementLine.ticket_no)
                    .where(
                        SettlementLine.ticket_id.in_([x.ticket_id for x in lines]),
                        SettlementLine.live.is_(True),
                    )
                    .order_by(SettlementLine.ticket_no)
                )
            )
            .scalars()
            .first()
        )
        if held is not None:
            raise errors.ticket_already_settled(held) from None
        raise errors.number_taken() from None


async def issue(
    session: AsyncSession,
    *,
    ctx: Context,
    actor: Principal,
    data: SettlementIssue,
    via_open: bool = False,
    supersedes: Settlement | None = None,
) -> SettlementOut:
    """A settlement by the buyer (or over /open/v1 with its key), or uploaded by the seller with the
    buyer's signed scan; with `supersedes`, the next version of that one (already marked superseded)."""
    checks.check_figures(data)
    contract = await _contract(session, actor, data)
    if supersedes is not None and contract.id != supersedes.contract_id:
        raise errors.contract_changed()
    source = _source(actor, contract, via_open=via_open, scan=data.scan)
    scan = await _store_scan(ctx, data.scan) if data.scan is not None else None
    if (
        supersedes is None
        and (
            await session.execute(
                select(Settlement.id).where(Settlement.settlement_no == data.settlement_no).limit(1)
            )
        ).first()
        is not None
    ):
        raise errors.number_taken()
    loads = await resolve(session, contract_id=contract.id, data=data)
    previous_kg, previous_fen = await _previous(session, contract.id, data.settlement_no)
    now = utcnow()
    issuer = contract.buyer_org_id if source != SettlementSource.SELLER_UPLOAD else contract.seller_org_id
    s = Settlement(
        id=uuid.uuid4(),
        settlement_no=data.settlement_no,
        version=supersedes.version + 1 if supersedes else 1,
        supersedes_id=supersedes.id if supersedes else None,
        status=SettlementStatus.PENDING,
        contract_id=contract.id,
        contract_no=contract.contract_no,
        seller_org_id=contract.seller_org_id,
        buyer_org_id=contract.buyer_org_id,
        region_code=contract.seller_region_code,
        issued_by_org_id=issuer,
        issued_by_user_id=actor.user_id,
        source=source,
        period_from=data.period_from,
        period_to=data.period_to,
        settled_on=data.settled_on or data.period_to,
        load_count=len(loads),
        supplier_kg=data.supplier_kg,
        settled_kg=data.settled_kg,
        short_kg=data.short_kg,
        deduction_kg=data.deduction_kg,
        unit_price_fen_per_t=data.unit_price_fen_per_t,
        amount_fen=data.amount_fen,
        tax_rate_bp=data.tax_rate_bp,
        tax_fen=data.tax_fen,
        total_fen=data.total_fen,
        quality=msgspec.to_builtins(data.quality) if data.quality else {},
        adjustments=[msgspec.to_builtins(a) for a in data.adjustments],
        previous_settled_kg=previous_kg,
        previous_amount_fen=previous_fen,
        issued_at=now,
        bank=msgspec.to_builtins(data.bank),
        remarks=data.remarks,
        scan_sha256=scan[0] if scan else None,
        scan_media_type=scan[1] if scan else None,
        scan_size_bytes=len(data.scan) if data.scan is not None else None,
        body_sha256=body_sha256(data) if via_open else None,
        buyer_confirmed_at=now if issuer == contract.buyer_org_id else None,
        seller_confirmed_at=now if issuer == contract.seller_org_id else None,
    )
    lines = _issued_lines(s.id, loads, data)
    await _claim(session, s, lines)
    await recompute.apply(session, settlement=s, lines=lines, contract=contract, loads=loads)
    await audit.record(
        session,
        actor=actor.actor,
        action="settlement.version" if supersedes else "settlement.issue",
        entity="settlement",
        entity_id=s.id,
        after=audit.snapshot(s, fields=_AUDITED),
    )
    await announce(
        session,
        SettlementIssued(
            settlement_id=s.id,
            settlement_no=s.settlement_no,
            version=s.version,
            contract_id=s.contract_id,
            order_ids=tuple(x.order_id for x in lines),
        ),
    )
    # Last: from here to the commit this transaction holds the evidence chain's write lock.
    entry = await evidence.append(
        session, settings=ctx.settings, kind=record.KIND, ref=str(s.id), payload=record.payload(s, lines)
    )
    s.evidence_seq = entry.seq
    await session.flush()
    return await views.one(session, s, actor)


async def close(
    session: AsyncSession, s: Settlement, *, to: SettlementStatus, allowed: tuple[str, ...]
) -> None:
    """Move a standing settlement to superseded or withdrawn and free its tickets, in one
    transaction; a conditional UPDATE so that a racing confirm or version loses cleanly (409)."""
    moved = await session.execute(
        update(Settlement)
        .where(Settlement.id == s.id, Settlement.status.in_(allowed))
        .values(status=to.value, closed_at=utcnow())
        .returning(Settlement.id)
    )
    if moved.first() is None:
        await session.refresh(s)
        raise errors.not_pending(s.status)
    await session.execute(
        update(SettlementLine).where(SettlementLine.settlement_id == s.id).values(live=False)
    )
    await session.refresh(s)


def snapshot(s: Settlement) -> dict[str, Any]:
    return audit.snapshot(s, fields=_AUDITED)
