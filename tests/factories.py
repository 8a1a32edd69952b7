"""Builders for test data: through the services (same rules as the API), never raw inserts."""

from __future__ import annotations

import itertools
import uuid

import httpx

from backend.checks.credit_code import make_credit_code
from backend.checks.idcard import make_id_card
from backend.context import Context
from backend.db.unit import unit_of_work
from backend.domain.identity import service as identity
from backend.domain.identity.schemas import Principal
from backend.domain.organisations import service as organisations
from backend.domain.organisations.schemas import OrgCreate

PASSWORD = "Coal2026pass"
_seq = itertools.count(1)


def phone() -> str:
    return f"139{next(_seq):08d}"


def credit_code(region_code: str = "150623") -> str:
    n = next(_seq)
    return make_credit_code(f"91{region_code}MA{n:07d}"[:17])


def id_card(birth: str = "19850612") -> str:
    n = next(_seq) % 1000
    return make_id_card(f"150602{birth}{n:03d}")


def platform_principal(user_id: uuid.UUID) -> Principal:
    return Principal(
        user_id=user_id, session_id=None, name="admin", phone="13900000000", is_platform_admin=True,
        driver_id=None, memberships=(), totp_enabled=False,
    )


async def make_user(ctx: Context, *, name: str = "测试用户", password: str = PASSWORD, admin: bool = False) -> tuple[uuid.UUID, str]:
    number = phone()
    async with unit_of_work(ctx) as session:
        user_id = await identity.create_user(session, phone=number, name=name, password=password, is_platform_admin=admin)
        await session.commit()
    return user_id, number


async def make_org(
    ctx: Context, *, kind: str = "mine", region_code: str = "150623", name: str | None = None,
    member_role: str | None = None, member_id: uuid.UUID | None = None,
) -> uuid.UUID:
    admin_id, _ = await make_user(ctx, name="平台", admin=True)
    async with unit_of_work(ctx) as session:
        org = await organisations.create_org(
            session, actor=platform_principal(admin_id),
            data=OrgCreate(name=name or f"测试{kind}{next(_seq)}", kind=kind, credit_code=credit_code(region_code),  # type: ignore[arg-type]
                           region_code=region_code),
        )
        if member_id and member_role:
            await identity.add_membership(session, user_id=member_id, org_id=org.id, role=member_role)
            await session.commit()
    return org.id


async def staff(ctx: Context, *, role: str, org_id: uuid.UUID | None = None, kind: str = "mine",
                region_code: str = "150623") -> tuple[uuid.UUID, str, uuid.UUID]:
    """A user holding `role` in an organisation (a new one unless given); returns (user, phone, org)."""
    user_id, number = await make_user(ctx, name=f"{role}用户")
    if org_id is None:
        org_id = await make_org(ctx, kind=kind, region_code=region_code)
    async with unit_of_work(ctx) as session:
        await identity.add_membership(session, user_id=user_id, org_id=org_id, role=role)
        await session.commit()
    return user_id, number, org_id


async def login(client: httpx.AsyncClient, number: str, password: str = PASSWORD) -> dict[str, str]:
    """Bearer headers for a user without TOTP."""
    response = await client.post("/api/auth/login", json={"phone": number, "password": password})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["status"] == "ok", body
    client.cookies.clear()  # API tests authenticate by header only
    return {"Authorization": f"Bearer {body['tokens']['accessToken']}"}


async def accept_invitation(client: httpx.AsyncClient, invitation_id: str, headers: dict[str, str],
                            **body: object) -> dict[str, object]:
    response = await client.post(f"/api/invitations/{invitation_id}/accept", json=body or None, headers=headers)
    assert response.status_code == 200, response.text
    result: dict[str, object] = response.json()
    return result


async def invited_member(ctx: Context, client: httpx.AsyncClient, *, admin_headers: dict[str, str], org_id: uuid.UUID | str,
                         role: str, name: str = "受邀人") -> tuple[uuid.UUID, str, dict[str, str]]:
    """A registered person invited over HTTP by the organisation's admin, who accepts: (user, phone, headers)."""
    user_id, number = await make_user(ctx, name=name)
    invited = await client.post(f"/api/enterprise/orgs/{org_id}/users", json={"phone": number, "role": role},
                                headers=admin_headers)
    assert invited.status_code == 201, invited.text
    headers = await login(client, number)
    await accept_invitation(client, invited.json()["id"], headers)
    return user_id, number, headers

