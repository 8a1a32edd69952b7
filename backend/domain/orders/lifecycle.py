"""A pickup order's life: issued → dispatched → entered → completed, or cancelled / expired.

Every move is one conditional UPDATE (`WHERE status = <from>`), so two people (or a person and
the expiry job) acting at once can never both succeed from the same state; the loser gets 409.
Each move leaves an order_transitions row and an audit entry in the same transaction. Leaving an
open status gives the order's reservation back to its contract in that same transaction.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from backend.context import Context
from backend.db.base import utcnow
from backend.db.unit import savepoint
from backend.domain.audit import service as audit
from backend.domain.audit.schemas import Actor
from backend.domain.contracts import service as contracts
from backend.domain.identity.schemas import Principal
from backend.domain.notices import service as notices
from backend.domain.orders import errors, rules, views
from backend.domain.orders.access import access_order, require_issuer
from backend.domain.orders.events import OrderClosed
from backend.domain.orders.models import OrderTransition, PickupOrder
from backend.domain.orders.schemas import OrderCancel, OrderOut, OrderStatus
from backend.domain.queue import service as queue
from backend.errors import Conflict
from backend.events import announce

# The periodic expiry job acts as nobody in particular.
SYSTEM = Actor(user_id=None, label="系统 (system)", client="worker")
# Orders that lapse when their validity ends (a truck inside is never "expired").
EXPIRING = tuple(status for status in rules.TRANSITIONS if rules.may_move(status, OrderStatus.EXPIRED))


def check_transition(from_status: str, to_status: str) -> None:
    if not rules.may_move(from_status, to_status):
        raise errors.illegal_transition(from_status, to_status)


def record_transition(session: AsyncSession, *, order_id: uuid.UUID, actor: Actor, from_status: str | None,
                      to_status: str, note: str = "") -> None:
    session.add(OrderTransition(order_id=order_id, actor_user_id=actor.user_id, actor_label=actor.label[:100],
                                from_status=from_status, to_status=to_status, note=note[:500]))


async def move(session: AsyncSession, *, actor: Actor, order: PickupOrder, to: str, note: str = "",
               **values: Any) -> None:
    """Move `order` to `to` if it is still where we saw it; 409 (naming where it is now) if not."""
    from_status = order.status
    check_transition(from_status, to)
    before = audit.snapshot(order)
    result = await session.execute(
        update(PickupOrder).where(PickupOrder.id == order.id, PickupOrder.status == from_status)
        .values(status=to, updated_at=utcnow(), **values).execution_options(synchronize_session=False)
    )
    await session.refresh(order)
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise errors.illegal_transition(order.status, to)
    record_transition(session, order_id=order.id, actor=actor, from_status=from_status, to_status=to, note=note)
    await audit.record(session, actor=actor, action=f"order.{to}", entity="pickup_order", entity_id=order.id,
                       before=before, after=audit.snapshot(order))


async def _close(session: AsyncSession, *, ctx: Context, actor: Actor, order: PickupOrder, to: str,
                 note: str) -> None:
    """Cancel or expire: release the reservation, leave the queue, tell the driver."""
    closed_at = utcnow()
    await move(session, actor=actor, order=order, to=to, note=note, closed_at=closed_at)
    await contracts.release(session, contract_id=order.contract_id, kg=order.planned_kg, ref=order.order_no)
    await queue.leave(session, ctx=ctx, order_id=order.id, reason=to)
    if order.driver_user_id is not None:
        zh, en = ("作废", "cancelled") if to == OrderStatus.CANCELLED else ("过期", "expired")
        await notices.enqueue(
            session, user_id=order.driver_user_id, kind=f"order_{to}", title_zh=f"提煤单已{zh}",
            title_en=f"Pickup order {en}", body_zh=f"提煤单 {order.order_no}（{order.plate}）已{zh}。{note}".strip(),
            body_en=f"Pickup order {order.order_no} ({order.plate}) was {en}. {note}".strip(),
            data={"orderId": str(order.id), "orderNo": order.order_no}, sms=True,
        )
    await announce(session, OrderClosed(order_id=order.id, status=to, closed_at=closed_at))


async def cancel_order(session: AsyncSession, *, ctx: Context, actor: Principal, order_id: uuid.UUID,
                       data: OrderCancel) -> OrderOut:
    """The seller's enterprise_admin or sales void an order that has not entered (releases its tonnage)."""
    order = await access_order(session, actor, order_id)
    require_issuer(actor, order)
    await _close(session, ctx=ctx, actor=actor.actor, order=order, to=OrderStatus.CANCELLED, note=data.reason)
    return await views.one(session, order, reader=actor)


async def expire_orders(session: AsyncSession, *, ctx: Context, now: datetime | None = None, batch: int = 200) -> int:
    """The periodic job: orders past their validity that never entered lapse and give their tonnage
    back. Each order in its own savepoint, so one lost race does not undo the others."""
    now = now or utcnow()
    ids = (await session.execute(
        select(PickupOrder.id).where(PickupOrder.status.in_(EXPIRING), PickupOrder.valid_until <= now)
        .limit(batch)
    )).scalars().all()
    expired = 0
    for order_id in ids:
        order = await session.get(PickupOrder, order_id, populate_existing=True)
        if order is None or order.status not in EXPIRING:
            continue
        try:
            async with savepoint(session):
                await _close(session, ctx=ctx, actor=SYSTEM, order=order, to=OrderStatus.EXPIRED, note="")
            expired += 1
        except Conflict:
            pass  # someone moved it first (entered, cancelled): nothing to do
    return expired
