"""Pickup orders for readers, for the driver, and for the features downstream (gate, weighbridge).

Issuing is in `issuing`, dispatch in `dispatch`, status changes (cancel, expiry) in `lifecycle`,
check-in and the gate in `checkin` and `gate`.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.domain.identity.schemas import Principal
from backend.domain.orders import views
from backend.domain.orders.access import access_order, readable_filter
from backend.domain.orders.checkin import book_slot, check_in, queue_card, site_slots
from backend.domain.orders.choices import dispatch_choices
from backend.domain.orders.dispatch import dispatch_order
from backend.domain.orders.errors import order_not_found
from backend.domain.orders.gate import offline_passages, verify_by_guard, verify_pass
from backend.domain.orders.issuing import issue_orders
from backend.domain.orders.lane import (
    complete,
    enter,
    machine_actor,
    message,
    order_by_pass,
    order_by_plate,
    set_exit_block,
)
from backend.domain.orders.lifecycle import cancel_order
from backend.domain.orders.models import OrderTransition, PickupOrder
from backend.domain.orders.passes import driver_pass, pass_bundle, pass_qr_svg
from backend.domain.orders.rules import CHINA_TZ, as_utc
from backend.domain.orders.schemas import (
    OPEN_STATUSES,
    OrderBrief,
    OrderDetail,
    OrderOut,
    OrderPage,
    OrderStatus,
)
from backend.domain.parties.schemas import EVERY, OWN_LOADS

__all__ = ["CHINA_TZ", "as_utc", "book_slot", "cancel_order", "check_in", "complete", "completed_order_at",
    "dispatch_choices", "dispatch_order", "driver_pass", "enter", "get_order", "issue_orders", "list_orders",
    "machine_actor", "message", "offline_passages", "order_brief", "order_by_pass", "order_by_plate",
    "order_id_by_no", "order_not_found", "order_numbers", "order_out", "pass_bundle", "pass_qr_svg", "queue_card",
    "set_exit_block", "site_slots", "verify_by_guard", "verify_pass"]


async def get_order(session: AsyncSession, *, actor: Principal, order_id: uuid.UUID) -> OrderDetail:
    order = await access_order(session, actor, order_id)
    rows = (await session.execute(
        select(OrderTransition).where(OrderTransition.order_id == order.id).order_by(OrderTransition.at)
    )).scalars().all()
    return OrderDetail(order=await views.one(session, order, reader=actor),
                       transitions=[views.transition_out(t) for t in rows])


async def list_orders(
    session: AsyncSession, *, actor: Principal, status: str | None = None, open_only: bool = False,
    contract_id: uuid.UUID | None = None, site_id: uuid.UUID | None = None, q: str | None = None,
    mine_only: bool = False, closed_only: bool = False, offset: int = 0, limit: int = 50,
) -> OrderPage:
    """Orders the caller may see, newest first. `mine_only`: those where the caller drives;
    `closed_only`: completed, cancelled and expired ones."""
    where = [readable_filter(actor, reading_as=OWN_LOADS if mine_only else EVERY)]
    if status:
        where.append(PickupOrder.status == status)
    if open_only:
        where.append(PickupOrder.status.in_(OPEN_STATUSES))
    if closed_only:
        where.append(PickupOrder.status.not_in(OPEN_STATUSES))
    if contract_id:
        where.append(PickupOrder.contract_id == contract_id)
    if site_id:
        where.append(PickupOrder.site_id == site_id)
    if q:
        term = f"%{q.strip().upper()}%"
        where.append(or_(PickupOrder.order_no.like(term), PickupOrder.plate.like(term)))
    total = (await session.execute(select(func.count()).select_from(PickupOrder).where(*where))).scalar_one()
    rows = (await session.execute(
        select(PickupOrder).where(*where).order_by(PickupOrder.created_at.desc(), PickupOrder.order_no)
        .offset(offset).limit(limit)
    )).scalars().all()
    return OrderPage(total=total, offset=offset, limit=limit, items=await views.outs(session, list(rows), reader=actor))


async def order_brief(session: AsyncSession, *, order_id: uuid.UUID) -> OrderBrief | None:
    """For other features (no access check: the caller has decided who asks)."""
    order = await session.get(PickupOrder, order_id)
    return None if order is None else views.brief(order)


async def order_numbers(session: AsyncSession, *, order_ids: set[uuid.UUID]) -> dict[uuid.UUID, str]:
    """Order numbers by id, for other features' lists (no access check: the caller has decided)."""
    if not order_ids:
        return {}
    rows = await session.execute(select(PickupOrder.id, PickupOrder.order_no).where(PickupOrder.id.in_(order_ids)))
    return {i: n for i, n in rows.all()}


async def order_id_by_no(session: AsyncSession, *, order_no: str) -> uuid.UUID | None:
    """An order's id by its number (no access check: the caller has decided who asks)."""
    return (await session.execute(select(PickupOrder.id).where(
        PickupOrder.order_no == order_no.strip().upper()))).scalars().first()


async def completed_order_at(session: AsyncSession, *, vehicle_id: uuid.UUID, site_id: uuid.UUID,
                             since: datetime) -> uuid.UUID | None:
    """The newest order of this vehicle at this site completed (ticketed) since `since`: the load a
    truck leaving the site's fence carries (no access check: the caller has decided who asks)."""
    return (await session.execute(select(PickupOrder.id).where(
        PickupOrder.vehicle_id == vehicle_id, PickupOrder.site_id == site_id, PickupOrder.status == OrderStatus.COMPLETED,
        PickupOrder.closed_at >= since,
    ).order_by(PickupOrder.closed_at.desc()).limit(1))).scalars().first()


async def order_out(session: AsyncSession, *, order_id: uuid.UUID) -> OrderOut:
    order = await session.get(PickupOrder, order_id, populate_existing=True)
    assert order is not None
    return await views.one(session, order)
