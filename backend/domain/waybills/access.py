"""Who sees a waybill: staff of its seller, carrier or buyer; regulators of the origin's region and
above; the driver who drives it. Missing and forbidden answer alike (404)."""

from __future__ import annotations

import uuid

from sqlalchemy import ColumnElement, false, or_, true
from sqlalchemy.ext.asyncio import AsyncSession

from backend.checks.regions import is_within
from backend.domain.identity.schemas import Principal
from backend.domain.regions.service import within_scopes
from backend.domain.waybills import errors
from backend.domain.waybills.models import Waybill


def _party(actor: Principal, w: Waybill) -> bool:
    orgs = actor.org_ids()
    return w.seller_org_id in orgs or w.buyer_org_id in orgs or (w.carrier_org_id is not None and w.carrier_org_id in orgs)


def can_read(actor: Principal, w: Waybill, *, as_role: str) -> bool:
    if actor.is_platform_admin:
        return True
    if as_role == "mine":
        return _party(actor, w)
    if as_role == "regulator":
        return any(is_within(w.region_code, s) for s in actor.regulator_scopes)
    return w.driver_user_id == actor.user_id


def readable_filter(actor: Principal, *, as_role: str) -> ColumnElement[bool]:
    if actor.is_platform_admin:
        return true()
    if as_role == "mine":
        orgs = list(actor.org_ids())
        if not orgs:
            return false()
        return or_(Waybill.seller_org_id.in_(orgs), Waybill.buyer_org_id.in_(orgs), Waybill.carrier_org_id.in_(orgs))
    if as_role == "regulator":
        return within_scopes(Waybill.region_code, actor.regulator_scopes)
    return Waybill.driver_user_id == actor.user_id


async def access_waybill(session: AsyncSession, actor: Principal, waybill_id: uuid.UUID, *, as_role: str) -> Waybill:
    w = await session.get(Waybill, waybill_id)
    if w is None or not can_read(actor, w, as_role=as_role):
        raise errors.waybill_not_found()
    return w
