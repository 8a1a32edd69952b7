"""Who sees a waybill: staff of its seller, carrier or buyer; regulators of the origin's region and
above; the driver who drives it; platform admins (the chain's one rule, parties.service). Readers
say in which standing they read (parties.schemas: AS_ORG_STAFF, AS_REGULATOR, AS_DRIVER), so a
list shows what that reader reads as, not every waybill the same person could see some other way.
Missing and forbidden answer alike (404)."""

from __future__ import annotations

import uuid

from sqlalchemy import ColumnElement
from sqlalchemy.ext.asyncio import AsyncSession

from backend.domain.identity.schemas import Principal
from backend.domain.parties import service as parties
from backend.domain.parties.schemas import Standing
from backend.domain.waybills import errors
from backend.domain.waybills.models import Waybill

WAYBILL_PARTIES = parties.PartyColumns(
    region_code=Waybill.region_code, seller_org_id=Waybill.seller_org_id, buyer_org_id=Waybill.buyer_org_id,
    carrier_org_id=Waybill.carrier_org_id, driver_user_id=Waybill.driver_user_id,
)


def can_read(actor: Principal, w: Waybill, *, reading_as: frozenset[Standing]) -> bool:
    return parties.may_see(actor, WAYBILL_PARTIES.of(w), reading_as=reading_as)


def readable_filter(actor: Principal, *, reading_as: frozenset[Standing]) -> ColumnElement[bool]:
    return parties.visible_filter(actor, WAYBILL_PARTIES, reading_as=reading_as)


async def access_waybill(session: AsyncSession, actor: Principal, waybill_id: uuid.UUID, *,
                         reading_as: frozenset[Standing]) -> Waybill:
    w = await session.get(Waybill, waybill_id)
    if w is None or not can_read(actor, w, reading_as=reading_as):
        raise errors.waybill_not_found()
    return w
