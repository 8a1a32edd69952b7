"""An organisation's staff: who holds which role. Only the organisation's admins manage them."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.checks.phone import mask_mobile
from backend.domain.audit import service as audit
from backend.domain.identity import service as identity
from backend.domain.identity.schemas import (
    CARRIER_STAFF,
    ENTERPRISE_STAFF,
    ROLE_LABELS,
    NewMembership,
    Principal,
    Role,
    UserOut,
)
from backend.domain.organisations.access import access_org
from backend.domain.organisations.models import Organisation
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


async def add_member(session: AsyncSession, *, actor: Principal, org_id: uuid.UUID, data: NewMembership) -> UserOut:
    """Grant a role; a phone not yet registered becomes a new user (password then required).
    An existing user keeps their own name and password: an admin never sets another person's password."""
    org = await access_org(session, actor, org_id, admin=True)
    if data.role not in _staff_roles(org.kind):
        raise _role_not_allowed(data.role)
    if not data.name.strip():  # control characters are refused for every request field already
        raise Invalid("name_invalid", "请填写姓名", "A name is required", field="name")
    phone = identity.normalise_phone(data.phone)
    user_id = await identity.user_id_by_phone(session, phone=phone)
    if user_id is None:
        if not data.password:
            raise Invalid("password_required", "新用户须设置初始密码", "A new user needs an initial password", field="password")
        user_id = await identity.create_user(session, phone=phone, name=data.name, password=data.password)
        await audit.record(session, actor=actor.actor, action="user.create", entity="user", entity_id=user_id,
                           after={"name": data.name.strip(), "phone": mask_mobile(phone)})
    elif (org.id, data.role) in await identity.memberships_of(session, user_id=user_id):
        raise Conflict("role_already_held", "该用户已有此角色", "This user already holds that role here", field="role")
    await identity.add_membership(session, user_id=user_id, org_id=org.id, role=data.role)
    await audit.record(session, actor=actor.actor, action="org.member.add", entity="organisation", entity_id=org.id,
                       after={"user_id": str(user_id), "role": data.role})
    return next(u for u in await identity.users_of_org(session, org_id=org.id) if u.user_id == user_id)


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
