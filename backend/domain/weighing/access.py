"""Who may see weighings and tickets. A ticket is read by its seller, buyer and carrier, its
driver, the regulators whose region holds the site, platform admins; a site's weighings, refusals
and lanes by the site organisation's staff and those regulators. Re-weigh overrides are given by
the seller's supervisors (enterprise_admin, or sales as the mine's 磅房主管)."""

from __future__ import annotations

import uuid

from sqlalchemy import ColumnElement, or_, true

from backend.checks.regions import is_within
from backend.domain.identity.schemas import Principal
from backend.domain.regions.service import within_scopes
from backend.domain.weighing.models import WeighTicket

SUPERVISORS = frozenset({"enterprise_admin", "sales"})
SITE_STAFF = frozenset({"enterprise_admin", "sales", "dispatcher"})


def can_read_ticket(actor: Principal, t: WeighTicket) -> bool:
    if actor.is_platform_admin or t.driver_user_id == actor.user_id:
        return True
    if any(actor.is_member(org) for org in (t.seller_org_id, t.buyer_org_id, t.carrier_org_id) if org):
        return True
    return any(is_within(t.region_code, scope) for scope in actor.regulator_scopes)


def tickets_filter(actor: Principal) -> ColumnElement[bool]:
    if actor.is_platform_admin:
        return true()
    orgs = actor.org_ids()
    return or_(WeighTicket.seller_org_id.in_(orgs), WeighTicket.buyer_org_id.in_(orgs),
               WeighTicket.carrier_org_id.in_(orgs), WeighTicket.driver_user_id == actor.user_id,
               within_scopes(WeighTicket.region_code, actor.regulator_scopes))


def can_watch_site(actor: Principal, *, org_id: uuid.UUID, region_code: str) -> bool:
    if actor.is_platform_admin or actor.is_member(org_id, SITE_STAFF):
        return True
    return any(is_within(region_code, scope) for scope in actor.regulator_scopes)
