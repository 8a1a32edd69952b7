"""Who may see and act on a settlement. Missing and not-visible answer alike: 404.

Read (the chain's one rule, parties.service): members of the seller or the buyer, regulators of the
contract's region, platform admins. Act: the admin, sales or finance staff of a party. The buyer
issues (or the seller uploads the buyer's signed scan); the other party confirms; the issuer
corrects (a new version) or withdraws while pending.
"""

from __future__ import annotations

import uuid

from sqlalchemy import ColumnElement, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.domain.identity.schemas import Principal, Role
from backend.domain.parties import service as parties
from backend.domain.parties.schemas import Standing
from backend.domain.settlements import errors
from backend.domain.settlements.models import Settlement

SETTLEMENT_PARTIES = parties.PartyColumns(
    region_code=Settlement.region_code,
    seller_org_id=Settlement.seller_org_id,
    buyer_org_id=Settlement.buyer_org_id,
)
# Who settles for an organisation: its admin, its sales desk (a machine key acts as sales) and finance.
SETTLERS = frozenset({Role.ENTERPRISE_ADMIN, Role.SALES, Role.FINANCE})
_SIDES = frozenset({Standing.SELLER, Standing.BUYER})


def can_read(actor: Principal, s: Settlement) -> bool:
    return parties.may_see(actor, SETTLEMENT_PARTIES.of(s))


def party_filter(actor: Principal) -> ColumnElement[bool]:
    """The caller's own settlements, as seller or buyer (a platform admin who belongs to no
    organisation: all of them)."""
    platform = frozenset({Standing.PLATFORM}) if not actor.memberships else frozenset()
    return parties.visible_filter(actor, SETTLEMENT_PARTIES, reading_as=_SIDES | platform)


def settles_for(actor: Principal, org_id: uuid.UUID) -> bool:
    return actor.is_member(org_id, SETTLERS)


async def access_settlement(session: AsyncSession, actor: Principal, settlement_id: uuid.UUID) -> Settlement:
    query = select(Settlement).where(Settlement.id == settlement_id).execution_options(populate_existing=True)
    s = (await session.execute(query)).scalar_one_or_none()
    if s is None or not can_read(actor, s):
        raise errors.settlement_not_found()
    return s


async def access_by_no(session: AsyncSession, actor: Principal, settlement_no: str) -> Settlement:
    """The current version of a number (the newest, whatever its status) the actor may read."""
    query = (
        select(Settlement)
        .where(Settlement.settlement_no == settlement_no)
        .order_by(Settlement.version.desc())
        .limit(1)
        .execution_options(populate_existing=True)
    )
    s = (await session.execute(query)).scalar_one_or_none()
    if s is None or not can_read(actor, s):
        raise errors.settlement_not_found()
    return s
