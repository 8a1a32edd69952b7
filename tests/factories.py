"""Builders for test data: through the services (same rules as the API), never raw inserts."""

from __future__ import annotations

import itertools
import uuid

import httpx
import pyotp
from sqlalchemy import select, update

from backend import clock
from backend.checks.credit_code import make_credit_code
from backend.checks.idcard import make_id_card
from backend.context import Context
from backend.db.unit import unit_of_work
from backend.domain.identity import service as identity
from backend.domain.identity.models import User
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


def _ctx_of(client: httpx.AsyncClient) -> Context:
    """The test's context, through the `client` fixture's transport (the app keeps it in its state)."""
    ctx: Context = client._transport.app.state.ctx  # type: ignore[attr-defined]
    return ctx


async def totp_code(ctx: Context, number: str) -> str:
    """The current TOTP code of an enrolled user, computed as his authenticator would (pyotp, the
    platform's clock). TEST SETUP ONLY: a code is accepted once per 30 s step (users.totp_last_step),
    and tests log the same administrator in and step up several times within one step of a frozen
    clock, so the last used step is reset first. Tests of the once-only rule go through the API."""
    async with unit_of_work(ctx) as session:
        user = (await session.execute(select(User).where(User.phone == number))).scalar_one()
        assert user.totp_enabled and user.totp_secret_enc, f"{number} has no TOTP"
        secret = ctx.vault.decrypt(user.totp_secret_enc, context="user.totp")
        await session.execute(update(User).where(User.id == user.id).values(totp_last_step=0))
        await session.commit()
    return pyotp.TOTP(secret).at(clock.now_s())


async def _second_factor(client: httpx.AsyncClient, number: str, body: dict[str, object]) -> dict[str, object]:
    """Finish a login that asks for TOTP: enrol first (the real flow) when the account has none yet."""
    ctx = _ctx_of(client)
    mfa_token = body["mfaToken"]
    if body["status"] == "totp_setup_required":
        setup = await client.post("/api/auth/totp/enrol", json={"mfaToken": mfa_token})
        assert setup.status_code == 200, setup.text
        code = pyotp.TOTP(setup.json()["secret"]).at(clock.now_s())
        done = await client.post("/api/auth/totp/enrol/confirm", json={"mfaToken": mfa_token, "totpCode": code})
    else:
        code = await totp_code(ctx, number)
        done = await client.post("/api/auth/login/totp", json={"mfaToken": mfa_token, "totpCode": code})
    assert done.status_code == 200, done.text
    tokens: dict[str, object] = done.json()
    return tokens


async def sign_in(client: httpx.AsyncClient, number: str, password: str = PASSWORD) -> dict[str, object]:
    """Log in as a page does (the cookies stay on the client); administrators and regulators pass
    their TOTP step, enrolling first through the real flow. The tokens."""
    response = await client.post("/api/auth/login", json={"phone": number, "password": password})
    assert response.status_code == 200, response.text
    body = response.json()
    if body["status"] in ("totp_required", "totp_setup_required"):
        return await _second_factor(client, number, body)
    assert body["status"] == "ok", body
    tokens: dict[str, object] = body["tokens"]
    return tokens


async def login(client: httpx.AsyncClient, number: str, password: str = PASSWORD) -> dict[str, str]:
    """Bearer headers for a user (through the TOTP step where the account needs one)."""
    tokens = await sign_in(client, number, password)
    client.cookies.clear()  # API tests authenticate by header only
    return {"Authorization": f"Bearer {tokens['accessToken']}"}


async def step_up(client: httpx.AsyncClient, headers: dict[str, str] | None = None) -> None:
    """Re-enter the TOTP code for this login (the dangerous actions ask for it: backend/http/auth.py);
    without headers, for the login whose cookies the client holds."""
    headers = {**(headers or {}), "X-Requested-With": "fetch"}
    me = await client.get("/api/auth/me", headers=headers)
    assert me.status_code == 200, me.text
    code = await totp_code(_ctx_of(client), me.json()["phone"])
    response = await client.post("/api/auth/step-up", headers=headers, json={"totpCode": code})
    assert response.status_code == 200, response.text


async def bind_driver(ctx: Context, *, driver_id: uuid.UUID | str, org_id: uuid.UUID | str) -> None:
    """Put a driver in a carrier's fleet as test set-up (how binding is consented to is tested by its own
    tests; set-ups that only need a bound driver do not go through the invitation)."""
    from sqlalchemy import update

    from backend.domain.drivers.models import Driver

    async with unit_of_work(ctx) as session:
        await session.execute(update(Driver).where(Driver.id == uuid.UUID(str(driver_id)))
                              .values(carrier_org_id=uuid.UUID(str(org_id))))
        await session.commit()


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
    await step_up(client, admin_headers)  # a role grant asks for the TOTP code again
    invited = await client.post(f"/api/enterprise/orgs/{org_id}/users", json={"phone": number, "role": role},
                                headers=admin_headers)
    assert invited.status_code == 201, invited.text
    headers = await login(client, number)
    await accept_invitation(client, invited.json()["id"], headers)
    return user_id, number, headers

