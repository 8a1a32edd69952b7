"""An organisation's staff: who holds which role. Only the organisation's admins manage them."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.domain.audit import service as audit
from backend.domain.identity import service as identity
from backend.domain.identity.schemas import (
    CARRIER_STAFF,
    ENTERPRISE_STAFF,
    ROLE_LABELS,
    Principal,
    Role,
    UserOut,
)
from backend.domain.organisations.access import access_org
from backend.domain.organisations.models import Organisation
from backend.domain.organisations.schemas import OrgBrief
from backend.errors import Conflict, Invalid, NotFound

_RESERVED_KINDS = {"regulator", "platform"}

# Roles an organisation's admin may grant (regulators and the platform appoint their own people).
_STAFF_ROLES = {"carrier": CARRIER_STAFF}
_ENTERPRISE_STAFF_ROLES = ENTERPRISE_STAFF


def _staff_roles(kind: str) -> tuple[str, ...]:
    return () if kind in _RESERVED_KINDS else _STAFF_ROLES.get(kind, _ENTERPRISE_STAFF_ROLES)


def _role_not_allowed(role: str) -> Invalid:
    zh, en = ROLE_LABELS.get(role, (role, role))
    return Invalid("role_not_allowed", f"该机构不能在此授予或撤销「{zh}」角色",
                   f"The role '{en}' cannot be granted or revoked here for this organisation", field="role")


async def list_members(session: AsyncSession, *, actor: Principal, org_id: uuid.UUID) -> list[UserOut]:
    await access_org(session, actor, org_id, admin=True)
    return await identity.users_of_org(session, org_id=org_id)


async def grantable(session: AsyncSession, *, actor: Principal, org_id: uuid.UUID, role: str) -> OrgBrief:
    """The organisation whose admin may offer `role` (the invitation, not the grant: the person accepts)."""
    org = await access_org(session, actor, org_id, admin=True)
    if role not in _staff_roles(org.kind):
        raise _role_not_allowed(role)
    return OrgBrief(id=org.id, kind=org.kind, region_code=org.region_code, status=org.status)


async def join(session: AsyncSession, *, actor: Principal, org_id: uuid.UUID, role: str) -> None:
    """The invited person takes the role (their own acceptance of an invitation); idempotent."""
    await identity.add_membership(session, user_id=actor.user_id, org_id=org_id, role=role)
    await audit.record(session, actor=actor.actor, action="org.member.add", entity="organisation", entity_id=org_id,
                       after={"user_id": str(actor.user_id), "role": role, "by": "invitation"})


async def remove_member_role(
    session: AsyncSession, *, actor: Principal, org_id: uuid.UUID, user_id: uuid.UUID, role: str
) -> None:
    org = await access_org(session, actor, org_id, admin=True)
    if role not in _staff_roles(org.kind):
        raise _role_not_allowed(role)
    # Lock the organisation: two admins removing each other at once must not leave it without one.
    await session.execute(select(Organisation.id).where(Organisation.id == org.id).with_for_update())
    if (org.id, role) not in await identity.memberships_of(session, user_id=user_id):
        raise NotFound("成员角色", "membership")
    admin_role = Role.CARRIER_ADMIN if org.kind == "carrier" else Role.ENTERPRISE_ADMIN
    if role == admin_role and await identity.count_role_holders(session, org_id=org.id, role=role) <= 1:
        raise Conflict("last_admin", "机构至少须保留一名管理员", "An organisation must keep at least one admin",
                       field="role")
    await identity.remove_membership(session, user_id=user_id, org_id=org.id, role=role)
    await audit.record(session, actor=actor.actor, action="org.member.remove", entity="organisation",
                       entity_id=org.id, before={"user_id": str(user_id), "role": role})
