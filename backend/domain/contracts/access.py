"""Who may see and act on a contract. Missing and not-visible answer alike: 404.

Read: members of the seller or the buyer (any role), regulators whose region holds the seller,
platform admins. Act: the seller's enterprise_admin or sales draft, edit, file and complete; the
buyer's enterprise_admin confirms; either side's enterprise_admin terminates. A contract binds two
parties, so nobody else acts on it, the platform included: others who may read it get 403.
"""

from __future__ import annotations

import uuid

from sqlalchemy import ColumnElement, or_, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from backend.checks.regions import is_within
from backend.domain.contracts import errors
from backend.domain.contracts.models import Contract
from backend.domain.identity.schemas import Principal
from backend.domain.regions.service import within_scopes
from backend.errors import forbidden

SELLER_WRITERS = frozenset({"enterprise_admin", "sales"})
PARTY_ADMINS = frozenset({"enterprise_admin"})


def can_read(actor: Principal, contract: Contract) -> bool:
    if actor.is_platform_admin or actor.is_member(contract.seller_org_id) or actor.is_member(contract.buyer_org_id):
        return True
    return any(is_within(contract.seller_region_code, scope) for scope in actor.regulator_scopes)


def readable_filter(actor: Principal) -> ColumnElement[bool]:
    if actor.is_platform_admin:
        return true()
    orgs = actor.org_ids()
    return or_(Contract.seller_org_id.in_(orgs), Contract.buyer_org_id.in_(orgs),
               within_scopes(Contract.seller_region_code, actor.regulator_scopes))


def party_filter(actor: Principal, role: str | None = None) -> ColumnElement[bool]:
    """The caller's own contracts, as seller, as buyer, or either (platform admins: all of them)."""
    if actor.is_platform_admin and not actor.memberships:
        return true()
    orgs = actor.org_ids()
    if role == "seller":
        return Contract.seller_org_id.in_(orgs)
    if role == "buyer":
        return Contract.buyer_org_id.in_(orgs)
    return or_(Contract.seller_org_id.in_(orgs), Contract.buyer_org_id.in_(orgs))


def require_role(actor: Principal, org_id: uuid.UUID, roles: frozenset[str]) -> None:
    """For a contract the actor may read: 403 unless it holds one of `roles` in `org_id`."""
    if not actor.is_member(org_id, roles):
        raise forbidden()


async def access_contract(session: AsyncSession, actor: Principal, contract_id: uuid.UUID) -> Contract:
    # populate_existing: a status moved by a conditional UPDATE earlier in this session is re-read.
    query = select(Contract).where(Contract.id == contract_id).execution_options(populate_existing=True)
    contract = (await session.execute(query)).scalar_one_or_none()
    if contract is None or not can_read(actor, contract):
        raise errors.contract_not_found()
    return contract
