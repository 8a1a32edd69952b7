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


async def bind_driver(ctx: Context, *, driver_id: uuid.UUID | str, org_id: uuid.UUID | str) -> None:
    """Put a driver in a carrier's fleet as test set-up (how binding is consented to is tested by its own
    tests; set-ups that only need a bound driver do not go through the invitation)."""
    from sqlalchemy import update

    from backend.domain.drivers.models import Driver

    async with unit_of_work(ctx) as session:
        await session.execute(update(Driver).where(Driver.id == uuid.UUID(str(driver_id)))
                              .values(carrier_org_id=uuid.UUID(str(org_id))))
        await session.commit()
