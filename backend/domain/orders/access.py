"""Who may see and act on a pickup order. Missing and not-visible answer alike: 404.

Read: members of the seller, the buyer and the assigned carrier; the assigned driver; regulators
whose region holds the site; platform admins. Act: the seller's enterprise_admin or sales issue and
cancel; the seller's enterprise_admin, sales or dispatcher dispatch, and so do the carrier's
carrier_admin or dispatcher when the order names that carrier. Others who may read get 403.
"""

from __future__ import annotations

import uuid

from sqlalchemy import ColumnElement, or_, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from backend.checks.regions import is_within
from backend.domain.identity.schemas import Principal
from backend.domain.orders import errors
from backend.domain.orders.models import PickupOrder
from backend.domain.regions.service import within_scopes
from backend.errors import forbidden

ISSUERS = frozenset({"enterprise_admin", "sales"})
SELLER_DISPATCHERS = frozenset({"enterprise_admin", "sales", "dispatcher"})
CARRIER_DISPATCHERS = frozenset({"carrier_admin", "dispatcher"})


def can_read(actor: Principal, order: PickupOrder) -> bool:
    if actor.is_platform_admin or order.driver_user_id == actor.user_id:
        return True
    if any(actor.is_member(org) for org in (order.seller_org_id, order.buyer_org_id, order.carrier_org_id) if org):
        return True
    return any(is_within(order.region_code, scope) for scope in actor.regulator_scopes)


def readable_filter(actor: Principal) -> ColumnElement[bool]:
    if actor.is_platform_admin:
        return true()
    orgs = actor.org_ids()
    return or_(PickupOrder.seller_org_id.in_(orgs), PickupOrder.buyer_org_id.in_(orgs),
               PickupOrder.carrier_org_id.in_(orgs), PickupOrder.driver_user_id == actor.user_id,
               within_scopes(PickupOrder.region_code, actor.regulator_scopes))


def can_dispatch(actor: Principal, order: PickupOrder) -> bool:
    if actor.is_member(order.seller_org_id, SELLER_DISPATCHERS):
        return True
    return order.carrier_org_id is not None and actor.is_member(order.carrier_org_id, CARRIER_DISPATCHERS)


def require_issuer(actor: Principal, order: PickupOrder) -> None:
    if not actor.is_member(order.seller_org_id, ISSUERS):
        raise forbidden()


async def access_order(session: AsyncSession, actor: Principal, order_id: uuid.UUID) -> PickupOrder:
    # populate_existing: a status moved by a conditional UPDATE earlier in this session is re-read.
    query = select(PickupOrder).where(PickupOrder.id == order_id).execution_options(populate_existing=True)
    order = (await session.execute(query)).scalar_one_or_none()
    if order is None or not can_read(actor, order):
        raise errors.order_not_found()
    return order


async def own_order(session: AsyncSession, actor: Principal, order_id: uuid.UUID) -> PickupOrder:
    """The caller's order as its driver: anyone else's is not found."""
    query = select(PickupOrder).where(PickupOrder.id == order_id).execution_options(populate_existing=True)
    order = (await session.execute(query)).scalar_one_or_none()
    if order is None or order.driver_user_id != actor.user_id:
        raise errors.order_not_found()
    return order
