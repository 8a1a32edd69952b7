"""A settlement after its issue: confirmed by the other party, corrected by a new version,
withdrawn while pending; and the machine's idempotent upsert by number."""

from __future__ import annotations

import uuid

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from backend.context import Context
from backend.db.base import utcnow
from backend.domain.audit import service as audit
from backend.domain.identity.schemas import Principal
from backend.domain.settlements import errors, issuing, rules, views
from backend.domain.settlements.access import access_by_no, access_settlement
from backend.domain.settlements.events import SettlementConfirmed
from backend.domain.settlements.models import Settlement
from backend.domain.settlements.schemas import SettlementIssue, SettlementOut, SettlementStatus
from backend.errors import NotFound
from backend.events import announce


async def confirm(session: AsyncSession, *, actor: Principal, settlement_id: uuid.UUID) -> SettlementOut:
    s = await access_settlement(session, actor, settlement_id)
    refusal = rules.may_confirm(actor, s)
    if refusal is not None:
        raise refusal
    before = issuing.snapshot(s)
    now = utcnow()
    column = (
        Settlement.seller_confirmed_at
        if s.issued_by_org_id == s.buyer_org_id
        else Settlement.buyer_confirmed_at
    )
    # Conditional: a racing withdrawal or version wins or loses whole.
    moved = await session.execute(
        update(Settlement)
        .where(Settlement.id == s.id, Settlement.status == SettlementStatus.PENDING)
        .values({column: now, "status": SettlementStatus.CONFIRMED.value})
        .returning(Settlement.id)
    )
    if moved.first() is None:
        await session.refresh(s)
        raise errors.not_pending(s.status)
    await session.refresh(s)
    await audit.record(
        session,
        actor=actor.actor,
        action="settlement.confirm",
        entity="settlement",
        entity_id=s.id,
        before=before,
        after=issuing.snapshot(s),
    )
    lines = await views.lines_of(session, s.id)
    await announce(
        session,
        SettlementConfirmed(
            settlement_id=s.id,
            settlement_no=s.settlement_no,
            version=s.version,
            contract_id=s.contract_id,
            order_ids=tuple(x.order_id for x in lines),
        ),
    )
    return await views.one(session, s, actor)


async def withdraw(session: AsyncSession, *, actor: Principal, settlement_id: uuid.UUID) -> SettlementOut:
    s = await access_settlement(session, actor, settlement_id)
    refusal = rules.may_withdraw(actor, s)
    if refusal is not None:
        raise refusal
    before = issuing.snapshot(s)
    await issuing.close(session, s, to=SettlementStatus.WITHDRAWN, allowed=(SettlementStatus.PENDING.value,))
    await audit.record(
        session,
        actor=actor.actor,
        action="settlement.withdraw",
        entity="settlement",
        entity_id=s.id,
        before=before,
        after=issuing.snapshot(s),
    )
    return await views.one(session, s, actor)


async def new_version(
    session: AsyncSession,
    *,
    ctx: Context,
    actor: Principal,
    settlement_id: uuid.UUID,
    data: SettlementIssue,
    via_open: bool = False,
) -> SettlementOut:
    """A correction: the old version is superseded and frees its tickets, the new one claims them,
    in one transaction — never an overwrite."""
    s = await access_settlement(session, actor, settlement_id)
    refusal = rules.may_correct(actor, s)
    if refusal is not None:
        raise refusal
    if data.settlement_no != s.settlement_no:
        raise errors.number_changed()
    await issuing.close(session, s, to=SettlementStatus.SUPERSEDED, allowed=rules.OPEN)
    return await issuing.issue(session, ctx=ctx, actor=actor, data=data, via_open=via_open, supersedes=s)


async def upsert_by_machine(
    session: AsyncSession, *, ctx: Context, actor: Principal, settlement_no: str, data: SettlementIssue
) -> tuple[SettlementOut, bool]:
    """PUT /open/v1/settlements/{no}: the same body again answers the standing version (no new row);
    a changed body is a new version. Returns (the settlement, whether a row was created)."""
    try:
        current = await access_by_no(session, actor, settlement_no)
    except NotFound:
        if await number_exists(session, settlement_no):
            raise  # another party's number: the same 404 as none at all
        current = None
    if data.settlement_no != settlement_no:
        raise errors.number_changed()
    if current is None:
        return await issuing.issue(session, ctx=ctx, actor=actor, data=data, via_open=True), True
    if current.body_sha256 == issuing.body_sha256(data) and current.status in rules.OPEN:
        return await views.one(session, current, actor), False
    return await new_version(
        session, ctx=ctx, actor=actor, settlement_id=current.id, data=data, via_open=True
    ), True


async def number_exists(session: AsyncSession, settlement_no: str) -> bool:
    return (
        await session.execute(select(Settlement.id).where(Settlement.settlement_no == settlement_no).limit(1))
    ).first() is not None
