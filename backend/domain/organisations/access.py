"""Who may see and change an organisation. Missing and forbidden answer alike: 404."""

from __future__ import annotations

import uuid

from sqlalchemy import ColumnElement, or_, true
from sqlalchemy.ext.asyncio import AsyncSession

from backend.checks.regions import is_within
from backend.domain.identity.schemas import ADMIN_ROLES, Principal
from backend.domain.organisations.models import Organisation
from backend.domain.regions.service import within_scopes
from backend.errors import NotFound, forbidden


def can_read(actor: Principal, org: Organisation) -> bool:
    if actor.is_platform_admin or actor.is_member(org.id):
        return True
    return any(is_within(org.region_code, scope) for scope in actor.regulator_scopes)


def can_admin(actor: Principal, org_id: uuid.UUID) -> bool:
    return actor.is_platform_admin or actor.is_member(org_id, ADMIN_ROLES)


def readable_filter(actor: Principal) -> ColumnElement[bool]:
    if actor.is_platform_admin:
        return true()
    return or_(Organisation.id.in_(actor.org_ids()), within_scopes(Organisation.region_code, actor.regulator_scopes))


async def access_org(session: AsyncSession, actor: Principal, org_id: uuid.UUID, *, admin: bool = False) -> Organisation:
    org = await session.get(Organisation, org_id)
    if org is None or not can_read(actor, org):
        raise NotFound("机构", "organisation")
    if admin and not can_admin(actor, org.id):
        raise forbidden()
    return org
