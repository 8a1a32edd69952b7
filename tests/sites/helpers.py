"""Helpers for the site and registry tests: real polygons near Ordos, logged-in staff and regulators."""

from __future__ import annotations

import math
import uuid
from typing import Any

import httpx
import pyotp

from backend.context import Context
from backend.db.unit import unit_of_work
from backend.domain.identity import service as identity
from backend.domain.identity.schemas import Principal
from backend.domain.organisations import service as organisations
from backend.domain.organisations.schemas import OrgCreate
from backend.http.auth import build_principal
from tests import factories as f

# Otog Front Banner (鄂托克前旗, 150623), in the Ordos coal field.
LON, LAT = 107.5, 38.2
M_PER_DEG_LAT = 111_320.0


def m_per_deg_lon(lat: float = LAT) -> float:
    return M_PER_DEG_LAT * math.cos(math.radians(lat))


def offset(lon: float, lat: float, *, east_m: float = 0.0, north_m: float = 0.0) -> tuple[float, float]:
    return lon + east_m / m_per_deg_lon(lat), lat + north_m / M_PER_DEG_LAT


def rect(lon: float = LON, lat: float = LAT, *, width_m: float = 600.0, height_m: float = 400.0) -> dict[str, Any]:
    """A counter-clockwise rectangle with its south-west corner at (lon, lat)."""
    east, north = offset(lon, lat, east_m=width_m, north_m=height_m)
    ring = [[lon, lat], [east, lat], [east, north], [lon, north], [lon, lat]]
    return {"type": "Polygon", "coordinates": [ring]}


SITE_FENCE = rect()
# The check-in zone lies on the access road south of the yard, partly outside the fence.
CHECKIN_ZONE = rect(*offset(LON, LAT, north_m=-300.0), width_m=300.0, height_m=350.0)


def site_body(name: str = "一号储煤场", **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"name": name, "kind": "mine_yard", "fence": SITE_FENCE}
    body.update(overrides)
    return body


async def regulator_headers(client: httpx.AsyncClient, number: str) -> dict[str, str]:
    """Regulators must use TOTP: log in, enrol an authenticator through the API, confirm with a code."""
    response = await client.post("/api/auth/login", json={"phone": number, "password": f.PASSWORD})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["status"] == "totp_setup_required", body
    setup = await client.post("/api/auth/totp/enrol", json={"mfaToken": body["mfaToken"]})
    assert setup.status_code == 200, setup.text
    code = pyotp.TOTP(setup.json()["secret"]).now()
    confirm = await client.post("/api/auth/totp/enrol/confirm", json={"mfaToken": body["mfaToken"], "totpCode": code})
    assert confirm.status_code == 200, confirm.text
    client.cookies.clear()
    return {"Authorization": f"Bearer {confirm.json()['accessToken']}"}


# The platform acting in test setup. It needs no user row (and so no password hash, ~0.1-0.5 s each):
# audit entries name a user id without a foreign key.
PLATFORM = f.platform_principal(uuid.uuid4())


async def new_org(ctx: Context, *, kind: str = "mine", region_code: str = "150623") -> uuid.UUID:
    async with unit_of_work(ctx) as session:
        org = await organisations.create_org(
            session, actor=PLATFORM,
            data=OrgCreate(name=f"测试{kind}{f.phone()[-4:]}", kind=kind, credit_code=f.credit_code(region_code),  # type: ignore[arg-type]
                           region_code=region_code),
        )
    return org.id


async def grant(ctx: Context, *, user_id: uuid.UUID, org_id: uuid.UUID, role: str) -> None:
    async with unit_of_work(ctx) as session:
        await identity.add_membership(session, user_id=user_id, org_id=org_id, role=role)
        await session.commit()


async def backstage_member(ctx: Context, *, role: str, org_id: uuid.UUID) -> tuple[uuid.UUID, Principal]:
    """A member who never logs in (no password): acts through the services, as in build_principal."""
    async with unit_of_work(ctx) as session:
        user_id = await identity.create_user(session, phone=f.phone(), name=f"{role}同事", password=None)
        await identity.add_membership(session, user_id=user_id, org_id=org_id, role=role)
        await session.commit()
    principal = await build_principal(ctx, user_id=user_id, session_id=None, client="tests")
    assert principal is not None
    return user_id, principal


async def regulator(ctx: Context, client: httpx.AsyncClient, region_code: str) -> tuple[uuid.UUID, dict[str, str]]:
    """A regulator whose regulator organisation sits in `region_code`; returns (its org, headers)."""
    org_id = await new_org(ctx, kind="regulator", region_code=region_code)
    user_id, number = await f.make_user(ctx, name="监管员")
    await grant(ctx, user_id=user_id, org_id=org_id, role="regulator")
    return org_id, await regulator_headers(client, number)


async def member(
    ctx: Context, client: httpx.AsyncClient, *, role: str, org_id: uuid.UUID | None = None, kind: str = "mine",
    region_code: str = "150623",
) -> tuple[uuid.UUID, uuid.UUID, dict[str, str]]:
    """A logged-in staff member of `org_id` (a new organisation unless given); returns (user, org, headers)."""
    if org_id is None:
        org_id = await new_org(ctx, kind=kind, region_code=region_code)
    user_id, number = await f.make_user(ctx, name=f"{role}用户")
    await grant(ctx, user_id=user_id, org_id=org_id, role=role)
    return user_id, org_id, await f.login(client, number)


async def create_site(client: httpx.AsyncClient, headers: dict[str, str], org_id: uuid.UUID, **body: Any) -> dict[str, Any]:
    response = await client.post(f"/api/enterprise/orgs/{org_id}/sites", json=site_body(**body), headers=headers)
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


async def post_ok(client: httpx.AsyncClient, url: str, body: dict[str, Any], headers: dict[str, str]) -> dict[str, Any]:
    response = await client.post(url, json=body, headers=headers)
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result
