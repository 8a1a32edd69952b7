"""Who sees a chain row: the chain's one rule (backend/domain/parties), over the order's parties.

A chain row is its pickup order's: the seller, the buyer and the carrier see it, regulators of its
region and above, platform admins. The enterprise app reads as a party (AS_ORG_STAFF), the
regulator app as a regulator (AS_REGULATOR)."""

from __future__ import annotations

from sqlalchemy import ColumnElement

from backend.domain.identity.schemas import Principal
from backend.domain.parties import service as parties
from backend.domain.parties.schemas import EVERY, Standing
from backend.domain.reconcile.models import ChainStatus

CHAIN_PARTIES = parties.PartyColumns(
    region_code=ChainStatus.region_code,
    seller_org_id=ChainStatus.seller_org_id,
    buyer_org_id=ChainStatus.buyer_org_id,
    carrier_org_id=ChainStatus.carrier_org_id,
)


def can_read(actor: Principal, row: ChainStatus, *, reading_as: frozenset[Standing] = EVERY) -> bool:
    return parties.may_see(actor, CHAIN_PARTIES.of(row), reading_as=reading_as)


def readable_filter(actor: Principal, *, reading_as: frozenset[Standing] = EVERY) -> ColumnElement[bool]:
    return parties.visible_filter(actor, CHAIN_PARTIES, reading_as=reading_as)
