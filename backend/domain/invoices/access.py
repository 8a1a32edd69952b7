"""Who sees a transport invoice: staff of its seller (the carrier) and of its buyer (the payer),
regulators of the uploader's region and above, platform admins (the chain's one rule,
parties.service). The carrier stands as the invoice's seller. Missing and not visible answer alike: 404.

Who uploads it: the carrier's admin or finance staff (or its signed system), or any staff of the payer."""

from __future__ import annotations

import uuid

from sqlalchemy import ColumnElement, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.domain.identity.schemas import CARRIER_STAFF, ENTERPRISE_STAFF, Principal, Role
from backend.domain.invoices import errors
from backend.domain.invoices.models import TransportInvoice
from backend.domain.parties import service as parties
from backend.domain.parties.schemas import Standing

INVOICE_PARTIES = parties.PartyColumns(
    region_code=TransportInvoice.region_code,
    seller_org_id=TransportInvoice.seller_org_id,
    buyer_org_id=TransportInvoice.buyer_org_id,
)
# The carrier's people who may issue its invoices into the platform.
SELLER_UPLOADERS = frozenset({Role.CARRIER_ADMIN, Role.FINANCE, Role.ENTERPRISE_ADMIN})
BUYER_UPLOADERS = frozenset(ENTERPRISE_STAFF) | frozenset(CARRIER_STAFF)


def can_read(actor: Principal, invoice: TransportInvoice, *, reading_as: frozenset[Standing]) -> bool:
    return parties.may_see(actor, INVOICE_PARTIES.of(invoice), reading_as=reading_as)


def readable_filter(actor: Principal, *, reading_as: frozenset[Standing]) -> ColumnElement[bool]:
    return parties.visible_filter(actor, INVOICE_PARTIES, reading_as=reading_as)


def uploader_org(
    actor: Principal, *, seller_org_id: uuid.UUID | None, buyer_org_id: uuid.UUID | None
) -> uuid.UUID:
    """The organisation the actor uploads for: the seller (carrier) first, else the buyer (payer); 403 otherwise.
    A signed system acts for its whole organisation."""
    machine = actor.machine_key is not None
    if seller_org_id is not None and actor.is_member(seller_org_id, None if machine else SELLER_UPLOADERS):
        return seller_org_id
    if buyer_org_id is not None and actor.is_member(buyer_org_id, None if machine else BUYER_UPLOADERS):
        return buyer_org_id
    raise errors.not_a_party()


async def access_invoice(
    session: AsyncSession, actor: Principal, invoice_id: uuid.UUID, *, reading_as: frozenset[Standing]
) -> TransportInvoice:
    invoice = (
        await session.execute(select(TransportInvoice).where(TransportInvoice.id == invoice_id))
    ).scalar_one_or_none()
    if invoice is None or not can_read(actor, invoice, reading_as=reading_as):
        raise errors.invoice_not_found()
    return invoice
