"""Who manages an organisation's machine keys: its admin (enterprise_admin, or carrier_admin
for carriers) and platform admins. Other members see the organisation but not its keys (403);
everyone else gets 404, the same answer as for a key that does not exist."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.domain.identity.schemas import ADMIN_ROLES, Principal
from backend.domain.machines import errors
from backend.domain.machines.models import MachineKey
from backend.domain.organisations import service as organisations
from backend.domain.organisations.schemas import OrgBrief
from backend.errors import DomainError, forbidden


def _refusal(actor: Principal, org_id: uuid.UUID, missing: DomainError) -> DomainError | None:
    if actor.is_platform_admin or actor.is_member(org_id, ADMIN_ROLES):
        return None
    return forbidden() if actor.is_member(org_id) else missing


async def access_key_org(session: AsyncSession, actor: Principal, org_id: uuid.UUID) -> OrgBrief:
    org = (await organisations.briefs(session, org_ids={org_id})).get(org_id)
    refusal = errors.org_not_found() if org is None else _refusal(actor, org_id, errors.org_not_found())
    if refusal is not None or org is None:
        raise refusal or errors.org_not_found()
    return org


async def access_key(session: AsyncSession, actor: Principal, key_id: str) -> MachineKey:
    key = (await session.execute(select(MachineKey).where(MachineKey.key_id == key_id))).scalar_one_or_none()
    refusal = errors.key_not_found() if key is None else _refusal(actor, key.org_id, errors.key_not_found())
    if refusal is not None or key is None:
        raise refusal or errors.key_not_found()
    return key
