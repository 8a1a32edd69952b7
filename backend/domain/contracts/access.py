"""Who may see and act on a contract. Missing and not-visible answer alike: 404.

Read (the chain's one rule, parties.service): members of the seller or the buyer (any role),
regulators whose region holds the seller, platform admins. Act: the seller's enterprise_admin or sales draft, edit, file and complete; the
buyer's enterprise_admin confirms; either side's enterprise_admin terminates. A contract binds two
parties, so nobody else acts on it, the platform included: others who may read it get 403.
"""

from __future__ import annotations

import uuid

from sqlalchemy import ColumnElement, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.domain.contracts import errors
from backend.domain.contracts.models import Contract
from backend.domain.identity.schemas import Principal
from backend.domain.parties import service as parties
from backend.domain.parties.schemas import Standing
from backend.errors import forbidden

# A contract binds two organisations and is filed where the seller is: no carrier, no driver.
CONTRACT_PARTIES = parties.PartyColumns(
    region_code=Contract.seller_region_code, seller_org_id=Contract.seller_org_id, buyer_org_id=Contract.buyer_org_id,
)
_SIDES = frozenset({Standing.SELLER, Standing.BUYER})


def can_read(actor: Principal, contract: Contract) -> bool:
    return parties.may_see(actor, CONTRACT_PARTIES.of(contract))


def readable_filter(actor: Principal) -> ColumnElement[bool]:
    return parties.visible_filter(actor, CONTRACT_PARTIES)


def party_filter(actor: Principal, role: str | None = None) -> ColumnElement[bool]:
    """The caller's own contracts, as seller, as buyer, or either (platform admins who belong to no
    organisation, and so own none: all of them)."""
    sides = frozenset({Standing(role)}) if role in ("seller", "buyer") else _SIDES
    platform = frozenset({Standing.PLATFORM}) if not actor.memberships else frozenset()
    return parties.visible_filter(actor, CONTRACT_PARTIES, reading_as=sides | platform)


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
