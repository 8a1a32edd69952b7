"""Demo data for onboarding and consent: one organisation awaiting the demo regulators' review, and
one pending invitation on a demo driver's home page; and how the demo fleet's drivers join the demo
carrier (by invitation, accepted, like anyone). Idempotent: each is looked up before it is created."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from backend.checks.credit_code import make_credit_code
from backend.context import Context
from backend.domain.drivers import service as drivers
from backend.domain.identity import service as identity
from backend.domain.identity.schemas import MembershipInfo, Principal, Role
from backend.domain.invitations import service as invitations
from backend.domain.invitations.schemas import FleetInvite
from backend.domain.organisations import service as organisations
from backend.domain.organisations.schemas import OrgCreate

APPLICANT = {"phone": "13800000020", "name": "钱申请"}
PENDING_ORG = {"name": "鄂托克前旗新申运输有限公司", "kind": "carrier", "region": "150623", "serial": "MA0MT0050"}


def _person(user_id: uuid.UUID, phone: str, name: str, *, driver_id: uuid.UUID | None = None,
            memberships: tuple[MembershipInfo, ...] = ()) -> Principal:
    return Principal(user_id=user_id, session_id=None, name=name, phone=phone, is_platform_admin=False,
                     driver_id=driver_id, memberships=memberships, totp_enabled=False, client="seed")


async def join_by_invitation(session: AsyncSession, *, ctx: Context, carrier_admin: Principal,
                             carrier_id: uuid.UUID, phone: str, name: str) -> None:
    """The carrier invites the driver and the driver accepts: the demo binds as the product does."""
    user_id = await identity.user_id_by_phone(session, phone=phone)
    assert user_id is not None, phone
    driver_id = await drivers.driver_id_for_user(session, user_id=user_id)
    invitation = await invitations.invite_driver(session, ctx=ctx, actor=carrier_admin, org_id=carrier_id,
                                                 data=FleetInvite(phone=phone))
    await invitations.accept(session, actor=_person(user_id, phone, name, driver_id=driver_id),
                             invitation_id=invitation.id)


async def ensure_pending(session: AsyncSession, *, ctx: Context, password: str, invitee_phone: str,
                         created: list[str]) -> dict[str, Any]:
    """A carrier registered by a newcomer (pending the review of 周监管(旗) or 陈监管(市)), which has
    invited the demo driver into its fleet (his home page shows it; accepting asks him to confirm the move)."""
    user_id = await identity.user_id_by_phone(session, phone=APPLICANT["phone"])
    if user_id is None:
        user_id = await identity.create_user(session, phone=APPLICANT["phone"], name=APPLICANT["name"], password=password)
        created.append(f"user {APPLICANT['phone']}")
    code = make_credit_code(f"91{PENDING_ORG['region']}{PENDING_ORG['serial']}"[:17])
    org_id = await organisations.id_by_credit_code(session, credit_code=code)
    applicant = _person(user_id, APPLICANT["phone"], APPLICANT["name"])
    if org_id is None:
        out = await organisations.create_org(session, actor=applicant, data=OrgCreate(
            name=PENDING_ORG["name"], kind="carrier", credit_code=code, region_code=PENDING_ORG["region"],
            contact_name=APPLICANT["name"], contact_phone=APPLICANT["phone"]))
        org_id = out.id
        created.append(f"org {PENDING_ORG['name']} (pending review)")
    admin = _person(user_id, APPLICANT["phone"], APPLICANT["name"], memberships=(
        MembershipInfo(org_id=org_id, org_kind="carrier", region_code=PENDING_ORG["region"], role=Role.CARRIER_ADMIN),))
    sent = await invitations.list_sent(session, actor=admin, org_id=org_id, kind="fleet")
    if not any(inv.phone == invitee_phone for inv in sent):
        await invitations.invite_driver(session, ctx=ctx, actor=admin, org_id=org_id, data=FleetInvite(phone=invitee_phone))
        created.append(f"invitation {PENDING_ORG['name']} → {invitee_phone}")
    return {"org_id": org_id}
