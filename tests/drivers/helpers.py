"""Helpers for driver, vehicle, fleet and key tests: registration through the API, staff,
regulators (who must enrol TOTP), sites with devices, signed machine clients."""

from __future__ import annotations

import itertools
import re
import uuid
from typing import Any

import httpx
import pyotp
from litestar import Litestar

from backend.context import Context
from devices.platform_client import SignedClient
from tests import factories as f

_plates = itertools.count(1)
_codes = itertools.count(1)
PASSWORD = "Driver2026pass"


def plate() -> str:
    return f"蒙K{next(_plates) % 100000:05d}"


def vehicle_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "plate": plate(), "plateColour": "yellow", "body": "tractor_semitrailer", "axleCount": 6,
        "energyType": "diesel", "ratedLoadKg": 32_000,
    }
    body.update(overrides)
    return body


def sms_code(ctx: Context, phone: str) -> str:
    text = ctx.sms.last_to(phone)  # type: ignore[attr-defined]
    assert text, f"no SMS sent to {phone}"
    match = re.search(r"(\d{6})", text)
    assert match, text
    return match.group(1)


async def request_code(client: httpx.AsyncClient, ctx: Context, phone: str) -> str:
    r = await client.post("/api/auth/sms", json={"phone": phone, "purpose": "register"})
    assert r.status_code == 202, r.text
    return sms_code(ctx, phone)


def register_body(phone: str, code: str, **overrides: Any) -> dict[str, Any]:
    id_number = overrides.pop("id_number", None) or f.id_card()
    body: dict[str, Any] = {
        "phone": phone, "smsCode": code, "password": PASSWORD, "name": "王建国", "idNumber": id_number,
        # In practice the licence number is the ID number itself: the strictest case for privacy.
        "drivingLicenceNo": id_number, "qualificationCertNo": "QC15060200012345", "regionCode": "150602",
    }
    body.update(overrides)
    return body


async def register(client: httpx.AsyncClient, ctx: Context, **overrides: Any) -> httpx.Response:
    phone = overrides.pop("phone", None) or f.phone()
    code = await request_code(client, ctx, phone)
    response = await client.post("/api/driver/register", json=register_body(phone, code, **overrides))
    client.cookies.clear()
    return response


async def driver(client: httpx.AsyncClient, ctx: Context, **overrides: Any) -> tuple[dict[str, Any], dict[str, str]]:
    """A registered, logged-in driver: (registration body, bearer headers)."""
    r = await register(client, ctx, **overrides)
    assert r.status_code == 201, r.text
    body: dict[str, Any] = r.json()
    return body, {"Authorization": f"Bearer {body['tokens']['accessToken']}"}


async def member(client: httpx.AsyncClient, ctx: Context, *, role: str, org_id: uuid.UUID | None = None,
                 kind: str = "mine", region_code: str = "150623") -> tuple[uuid.UUID, dict[str, str]]:
    """A logged-in staff member holding `role`: (org, headers)."""
    _, number, org_id = await f.staff(ctx, role=role, org_id=org_id, kind=kind, region_code=region_code)
    return org_id, await f.login(client, number)


async def regulator(client: httpx.AsyncClient, ctx: Context, region_code: str) -> dict[str, str]:
    """A regulator of `region_code`, logged in through the mandatory TOTP enrolment."""
    _, number, _ = await f.staff(ctx, role="regulator", kind="regulator", region_code=region_code)
    r = await client.post("/api/auth/login", json={"phone": number, "password": f.PASSWORD})
    mfa = r.json()["mfaToken"]
    setup = await client.post("/api/auth/totp/enrol", json={"mfaToken": mfa})
    code = pyotp.TOTP(setup.json()["secret"]).now()
    confirm = await client.post("/api/auth/totp/enrol/confirm", json={"mfaToken": mfa, "totpCode": code})
    assert confirm.status_code == 200, confirm.text
    client.cookies.clear()
    return {"Authorization": f"Bearer {confirm.json()['accessToken']}"}


async def platform_admin(client: httpx.AsyncClient, ctx: Context) -> dict[str, str]:
    _, number = await f.make_user(ctx, name="平台管理员", admin=True)
    return await f.login(client, number)


_FENCE = {"type": "Polygon", "coordinates": [[[107.5, 38.2], [107.507, 38.2], [107.507, 38.204], [107.5, 38.204], [107.5, 38.2]]]}


async def device(client: httpx.AsyncClient, org_id: uuid.UUID, headers: dict[str, str]) -> tuple[str, str, str]:
    """A site with one device in the organisation: (site id, device id, device code)."""
    r = await client.post(f"/api/enterprise/orgs/{org_id}/sites",
                          json={"name": f"储煤场{next(_codes)}", "kind": "mine_yard", "fence": _FENCE}, headers=headers)
    assert r.status_code == 201, r.text
    site_id = r.json()["id"]
    code = f"WB-{next(_codes):04d}"
    r = await client.post(f"/api/enterprise/sites/{site_id}/devices", json={"kind": "weighbridge", "code": code},
                          headers=headers)
    assert r.status_code == 201, r.text
    return site_id, r.json()["id"], code


async def issue_key(client: httpx.AsyncClient, org_id: uuid.UUID, headers: dict[str, str], **body: Any) -> dict[str, Any]:
    await f.step_up(client, headers)  # issuing a key asks for the TOTP code again
    r = await client.post(f"/api/enterprise/orgs/{org_id}/keys", json={"name": "磅房系统", **body}, headers=headers)
    assert r.status_code == 201, r.text
    result: dict[str, Any] = r.json()
    return result


def signed_client(app: Litestar, key_id: str, secret: str) -> SignedClient:
    transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 50001))
    return SignedClient("http://testserver.local", key_id, secret, transport=transport)


async def bind(client: httpx.AsyncClient, *, carrier: Any, carrier_admin: dict[str, str], driver_phone: str,
               driver_headers: dict[str, str]) -> None:
    """The carrier invites the driver into its fleet over HTTP and the driver accepts."""
    invited = await client.post(f"/api/enterprise/orgs/{carrier}/fleet/drivers", json={"phone": driver_phone},
                                headers=carrier_admin)
    assert invited.status_code == 201, invited.text
    await f.accept_invitation(client, invited.json()["id"], driver_headers)
