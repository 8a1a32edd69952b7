"""What a weighbridge lane does to pickup orders, for the weighing feature: find the order a truck
came for (by its pass, or by plate where the site allows it), let it in, block or free its exit,
and close it when its ticket is issued. The lane is also a gate: a dispatched, called truck that
drives onto the scale has entered."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from backend.context import Context
from backend.db.base import utcnow
from backend.domain.audit.schemas import Actor
from backend.domain.machines.schemas import MachineCaller
from backend.domain.orders import gate, lifecycle, views
from backend.domain.orders.events import OrderCompleted
from backend.domain.orders.gate_schemas import PassVerify
from backend.domain.orders.models import OCCUPYING, PickupOrder
from backend.domain.orders.passes import epoch_s, totp_secret
from backend.domain.orders.schemas import OrderBrief, OrderStatus
from backend.domain.queue import service as queue
from backend.events import announce
from devices.passcode import normalise_plate

message = gate.message


async def _load(session: AsyncSession, order_id: uuid.UUID) -> PickupOrder | None:
    return await session.get(PickupOrder, order_id, populate_existing=True)


async def order_by_pass(session: AsyncSession, *, ctx: Context, site_id: uuid.UUID, code: str,
                        plate_read: str | None) -> tuple[str, OrderBrief | None]:
    """The pass's order with "ok", or a refusal code (pass_forged, pass_expired, pass_wrong_plate…).
    The pass's signature, site, validity, plate and rolling code are checked as at any gate."""
    data = PassVerify(code=code, site_id=site_id, transition="in", plate_read=plate_read or None)
    at_s = epoch_s(utcnow())
    verdict = gate._verify(ctx, data, at_s=at_s, secret_for=lambda _: None)
    claims = verdict.claims
    order = await _load(session, claims.order_id) if claims is not None and site_id in claims.site_ids else None
    if verdict.code == "pass_totp_stale" and order is not None:
        secret, own_id = totp_secret(ctx, order), order.id
        verdict = gate._verify(ctx, data, at_s=at_s, secret_for=lambda oid: secret if oid == own_id else None)
    if verdict.code == "pass_signature_invalid":
        return await gate.forged_or_altered(session, ctx=ctx, code=code), None
    if not verdict.ok:
        return verdict.code, None if order is None else views.brief(order)
    if order is None:
        return "order_unknown", None
    if order.plate is None or claims is None or normalise_plate(order.plate) != claims.plate:
        return "order_redispatched", views.brief(order)
    return "ok", views.brief(order)


async def order_by_plate(session: AsyncSession, *, site_id: uuid.UUID, plate: str) -> OrderBrief | None:
    """The truck's open order at this site (one at most: a truck carries one load at a time)."""
    row = (await session.execute(
        select(PickupOrder).where(PickupOrder.site_id == site_id, PickupOrder.plate == plate,
                                  PickupOrder.status.in_(OCCUPYING))
        .order_by(PickupOrder.dispatched_at.desc()).limit(1)
    )).scalars().first()
    return None if row is None else views.brief(row)


async def enter(session: AsyncSession, *, ctx: Context, machine: MachineCaller, order_id: uuid.UUID,
                at: datetime, plate_read: str | None, require_call: bool) -> str | None:
    """A dispatched truck at the lane enters (passage "in", order → entered); None when it did (or
    was inside already), else the refusal code. Online it must have been called from the queue;
    a weighing the lane made offline is evidence that it entered, called or not."""
    order = await _load(session, order_id)
    if order is None:
        return "order_unknown"
    if order.status != OrderStatus.DISPATCHED:
        return None if order.status in (OrderStatus.ENTERED, OrderStatus.COMPLETED) else f"order_{order.status}"
    if require_call and await queue.entry_state(session, order_id=order.id) != "called":
        return "order_not_called"
    await gate.record(session, ctx=ctx, machine=machine, order=order, transition="in", site_id=order.site_id,
                      note="地磅车道 (weighbridge lane)", at=at, totp_step=None, plate_read=plate_read,
                      mode="lane" if require_call else "offline")
    return None


async def set_exit_block(session: AsyncSession, *, order_id: uuid.UUID, block: str | None) -> None:
    await session.execute(update(PickupOrder).where(PickupOrder.id == order_id)
                          .values(exit_block=block).execution_options(synchronize_session=False))


async def complete(session: AsyncSession, *, actor: Actor, order_id: uuid.UUID, ticket_no: str,
                   at: datetime) -> None:
    """The ticket closes the order: entered → completed, its exit freed (the caller books the
    contract's execution in the same transaction)."""
    order = await _load(session, order_id)
    assert order is not None
    await lifecycle.move(session, actor=actor, order=order, to=OrderStatus.COMPLETED, note=f"磅单 {ticket_no}",
                         closed_at=at, exit_block=None)
    await announce(session, OrderCompleted(order_id=order.id, completed_at=at))


def machine_actor(machine: MachineCaller) -> Actor:
    return gate.machine_actor(machine)
