"""An enterprise's own system acting through /open/v1 as its organisation's sales desk.

ERP and sales systems of mines file contracts and issue pickup orders by machine (统一接口标准).
Their signed key is turned into a Principal with one membership, role "sales", in the key's
organisation, so the same services and the same rules serve people and machines alike; the audit
trail names the key ("接口 <key id>"), never a person. Keys bound to a device (a gate, a scale)
may not act for the sales desk.
"""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from backend.domain.identity.schemas import MembershipInfo, Principal, Role
from backend.domain.machines.schemas import MachineCaller
from backend.domain.organisations import service as organisations
from backend.errors import Forbidden

_NAMESPACE = uuid.UUID("6d740a3e-2f4c-4c1b-9a57-0b3f6f2a4d11")


async def as_principal(session: AsyncSession, *, machine: MachineCaller, client: str = "") -> Principal:
    if machine.device_id is not None:
        raise Forbidden("machine_device_key", "设备密钥不能办理合同或提煤单业务，请使用机构密钥",
                        "A device key cannot act on contracts or orders; use an organisation key")
    org = (await organisations.briefs(session, org_ids={machine.org_id})).get(machine.org_id)
    if org is None or org.status != "active":
        raise Forbidden("machine_org_inactive", "该机构已被暂停或列入黑名单", "The organisation is suspended or blacklisted")
    return Principal(
        # A stable pseudo user id per key, so "created by" columns stay consistent; the audit trail
        # records the key itself (Principal.actor) and no user row exists for it.
        user_id=uuid.uuid5(_NAMESPACE, machine.key_id), session_id=None, name=f"接口 {machine.key_id}", phone="",
        is_platform_admin=False, driver_id=None, totp_enabled=False, client=client, machine_key=machine.key_id,
        memberships=(MembershipInfo(org_id=org.id, org_kind=org.kind, region_code=org.region_code, role=Role.SALES),),
    )
