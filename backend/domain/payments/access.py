"""Who sees a payment: staff of its payer (as the buyer) and of its payee (as the seller), regulators
of the uploader's region and above, platform admins (parties.service). Missing and not visible: 404.
Who records it: staff of the payer or of the payee, or their signed systems."""

from __future__ import annotations

import uuid

from sqlalchemy import ColumnElement, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.domain.identity.schemas import CARRIER_STAFF, ENTERPRISE_STAFF, Principal
from backend.domain.parties import service as parties
from backend.domain.parties.schemas import Standing
from backend.domain.payments import errors
from backend.domain.payments.models import Payment

PAYMENT_PARTIES = parties.PartyColumns(
    region_code=Payment.region_code, seller_org_id=Payment.payee_org_id, buyer_org_id=Payment.payer_org_id
)
RECORDERS = frozenset(ENTERPRISE_STAFF) | frozenset(CARRIER_STAFF)


def can_read(actor: Principal, p: Payment, *, reading_as: frozenset[Standing]) -> bool:
    return parties.may_see(actor, PAYMENT_PARTIES.of(p), reading_as=reading_as)


def readable_filter(actor: Principal, *, reading_as: frozenset[Standing]) -> ColumnElement[bool]:
    return parties.visible_filter(actor, PAYMENT_PARTIES, reading_as=reading_as)


def recorder_org(
    actor: Principal, *, payer_org_id: uuid.UUID | None, payee_org_id: uuid.UUID | None
) -> uuid.UUID:
    roles = None if actor.machine_key is not None else RECORDERS
    for org_id in (payer_org_id, payee_org_id):
        if org_id is not None and actor.is_member(org_id, roles):
            return org_id
    raise errors.not_a_party()


async def access_payment(
    session: AsyncSession, actor: Principal, payment_id: uuid.UUID, *, reading_as: frozenset[Standing]
) -> Payment:
    p = (await session.execute(select(Payment).where(Payment.id == payment_id))).scalar_one_or_none()
    if p is None or not can_read(actor, p, reading_as=reading_as):
        raise errors.payment_not_found()
    return p
