"""Who may see and record assays. Read: the chain's one rule (parties.service) over the assay's own
columns: members of the seller or the buyer, regulators of the seller's region, platform admins. Record
by hand: any staff member of either party (their laboratory's people are its staff). Missing and
not-visible answer alike: 404."""

from __future__ import annotations

import uuid

from sqlalchemy import ColumnElement
from sqlalchemy.ext.asyncio import AsyncSession

from backend.domain.assays import errors
from backend.domain.assays.models import Assay
from backend.domain.identity.schemas import ENTERPRISE_ROLES, Principal
from backend.domain.parties import service as parties
from backend.errors import forbidden

ASSAY_PARTIES = parties.PartyColumns(
    region_code=Assay.region_code, seller_org_id=Assay.seller_org_id, buyer_org_id=Assay.buyer_org_id
)


def readable_filter(actor: Principal) -> ColumnElement[bool]:
    return parties.visible_filter(actor, ASSAY_PARTIES)


def recording_org(actor: Principal, seller_org_id: uuid.UUID, buyer_org_id: uuid.UUID) -> uuid.UUID:
    """The party the actor records for (the seller first when it belongs to both); 403 otherwise."""
    for org_id in (seller_org_id, buyer_org_id):
        if actor.is_member(org_id, ENTERPRISE_ROLES):
            return org_id
    raise forbidden()


async def access_assay(session: AsyncSession, actor: Principal, assay_id: uuid.UUID) -> Assay:
    assay = await session.get(Assay, assay_id)
    if assay is None or not parties.may_see(actor, ASSAY_PARTIES.of(assay)):
        raise errors.assay_not_found()
    return assay
