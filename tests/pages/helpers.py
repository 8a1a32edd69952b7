"""Page tests sign in the way pages do: HttpOnly cookies from the login endpoints."""

from __future__ import annotations

import uuid
from typing import Any

from litestar.testing import AsyncTestClient

from backend.context import Context
from tests import factories as f
from tests.drivers import helpers as h
from tests.sites import helpers as sites_h

FETCH = {"X-Requested-With": "fetch"}


async def cookie_login(client: AsyncTestClient[Any], phone: str, password: str = f.PASSWORD) -> None:
    """Administrators pass their TOTP step (enrolling first), as on the login page."""
    client.cookies.clear()
    await f.sign_in(client, phone, password)  # type: ignore[arg-type]
    assert client.cookies.get("mt_access")


async def regulator_login(client: AsyncTestClient[Any], phone: str) -> None:
    """Through the mandatory enrolment (or the TOTP step once enrolled), as the login page does it."""
    await cookie_login(client, phone)


async def driver_with_vehicle(client: AsyncTestClient[Any], ctx: Context) -> dict[str, Any]:
    """A registered driver, signed in by cookie (registration itself sets them)."""
    client.cookies.clear()
    phone = f.phone()
    code = await h.request_code(client, ctx, phone)
    body = h.register_body(phone, code, vehicle=h.vehicle_body(plate="蒙K12345"))
    r = await client.post("/api/driver/register", json=body)
    assert r.status_code == 201, r.text
    assert client.cookies.get("mt_access")
    return body


async def mine_with_site(client: AsyncTestClient[Any], ctx: Context) -> tuple[uuid.UUID, str, str]:
    """An enterprise admin of a mine with one site (a gate, a lane, a device), signed in: (org, site, phone)."""
    _, phone, org_id = await f.staff(ctx, role="enterprise_admin")
    await cookie_login(client, phone)
    r = await client.post(f"/api/enterprise/orgs/{org_id}/sites", json=sites_h.site_body("一号储煤场"), headers=FETCH)
    assert r.status_code == 201, r.text
    site_id = r.json()["id"]
    gate = await client.post(f"/api/enterprise/sites/{site_id}/gates", headers=FETCH,
                             json={"name": "东门", "direction": "both", "designated": True, "lon": 107.503, "lat": 38.2})
    assert gate.status_code == 201, gate.text
    lane = await client.post(f"/api/enterprise/sites/{site_id}/lanes", headers=FETCH,
                             json={"name": "1号车道", "direction": "in", "hasWeighbridge": True})
    assert lane.status_code == 201, lane.text
    device = await client.post(f"/api/enterprise/sites/{site_id}/devices", headers=FETCH,
                               json={"kind": "weighbridge", "code": "WB-PAGE-01", "name": "1号地磅"})
    assert device.status_code == 201, device.text
    return org_id, site_id, phone
