"""Who may see and act on a pickup order. Missing and not-visible answer alike: 404.

Read (the chain's one rule, parties.service): members of the seller, the buyer and the assigned
carrier; the assigned driver; regulators whose region holds the site; platform admins. Act: the seller's enterprise_admin or sales issue and
cancel; the seller's enterprise_admin, sales or dispatcher dispatch, and so do the carrier's
carrier_admin or dispatcher when the order names that carrier. Others who may read get 403.
"""

from __future__ import annotations

import uuid

from sqlalchemy import ColumnElement, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.domain.identity.schemas import CARRIER_DISPATCHERS, ISSUERS, SITE_STAFF, Principal
from backend.domain.orders import errors
from backend.domain.orders.models import PickupOrder
from backend.domain.parties import service as parties
from backend.domain.parties.schemas import EVERY, OWN_LOADS, Standing
from backend.errors import forbidden

ORDER_PARTIES = parties.PartyColumns(
    region_code=PickupOrder.region_code, seller_org_id=PickupOrder.seller_org_id,
    buyer_org_id=PickupOrder.buyer_org_id, carrier_org_id=PickupOrder.carrier_org_id,
    driver_user_id=PickupOrder.driver_user_id,
)


def can_read(actor: Principal, order: PickupOrder) -> bool:
    return parties.may_see(actor, ORDER_PARTIES.of(order))


def readable_filter(actor: Principal, *, reading_as: frozenset[Standing] = EVERY) -> ColumnElement[bool]:
    return parties.visible_filter(actor, ORDER_PARTIES, reading_as=reading_as)


def can_dispatch(actor: Principal, order: PickupOrder) -> bool:
    if actor.is_member(order.seller_org_id, SITE_STAFF):
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
    if order is None or not parties.may_see(actor, ORDER_PARTIES.of(order), reading_as=OWN_LOADS):
        raise errors.order_not_found()
    return order
