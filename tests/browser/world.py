"""What the browser tests set up through the API before the screens are driven: organisations with
their staff, an active contract (drafted, scanned, filed, confirmed) and drivers registered with a
truck. Each test module picks its own phones, names and places, so modules do not collide."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import httpx

from backend.checks.credit_code import make_credit_code
from backend.checks.idcard import make_id_card
from backend.clock import today_china
from backend.db.session import create_engine, create_sessionmaker
from backend.demo.seed import DEMO_PASSWORD, USERS
from backend.domain.drivers import service as drivers
from backend.domain.identity import service as identity
from backend.domain.identity.schemas import Principal
from backend.domain.invitations import service as invitations
from tests.browser import mfa
from tests.browser.conftest import Server, run_async
from tests.contracts.helpers import PDF


def ok(response: httpx.Response, status: tuple[int, ...] = (200, 201)) -> Any:
    assert response.status_code in status, response.text
    return response.json()


def login(client: httpx.Client, phone: str, password: str) -> httpx.Client:
    """Through the TOTP step (or enrolment) for administrators and regulators."""
    mfa.api_login(client, phone, password)
    return client


def orgs_with_staff(server: Server, orgs: list[tuple[str, str, str, str]],
                    staff: list[tuple[int, str, str, str]], password: str) -> list[str]:
    """Organisations (name, kind, region, credit-code serial), registered by the platform admin, and
    staff (index into orgs, phone, name, role) with `password`. Returns the organisations' ids."""
    with server.api() as platform:
        login(platform, USERS[0]["phone"], DEMO_PASSWORD)
        mfa.api_step_up(platform, USERS[0]["phone"])  # granting roles asks for the code again
        ids = [str(ok(platform.post("/api/enterprise/orgs", json={
            "name": name, "kind": kind, "creditCode": make_credit_code("91" + region + serial), "regionCode": region,
            "address": "鄂尔多斯市", "contactName": "周经理", "contactPhone": "13912349998"}))["id"])
            for name, kind, region, serial in orgs]
        for index, phone, name, role in staff:
            join_staff(server, platform, org_id=ids[index], phone=phone, name=name, role=role, password=password)
    return ids


def join_staff(server: Server, inviter: httpx.Client, *, org_id: str, phone: str, name: str, role: str,
               password: str) -> None:
    """The inviter (an admin signed in on `inviter`) invites the phone to the role over HTTP; the
    person (made with `password` if new) accepts through the service, as setup: no extra login or SMS
    counts against the server's per-address limits."""
    invitation = ok(inviter.post(f"/api/enterprise/orgs/{org_id}/users", json={"phone": phone, "role": role}))
    run_async(_accept(server.database_url, phone=phone, name=name, password=password, invitation_id=invitation["id"]))


def bind_driver(server: Server, carrier_admin: httpx.Client, *, carrier: str, phone: str, password: str) -> None:
    """The carrier invites a registered driver into its fleet over HTTP; he accepts (through the service)."""
    invitation = ok(carrier_admin.post(f"/api/enterprise/orgs/{carrier}/fleet/drivers", json={"phone": phone}))
    run_async(_accept(server.database_url, phone=phone, name="", password=password, invitation_id=invitation["id"]))


async def _accept(database_url: str, *, phone: str, name: str, password: str, invitation_id: str) -> None:
    engine = create_engine(database_url)
    async with create_sessionmaker(engine)() as session:
        user_id = await identity.user_id_by_phone(session, phone=phone)
        if user_id is None:
            user_id = await identity.create_user(session, phone=phone, name=name, password=password)
        me = Principal(user_id=user_id, session_id=None, name=name, phone=phone, is_platform_admin=False,
                       driver_id=await drivers.driver_id_for_user(session, user_id=user_id), memberships=(),
                       totp_enabled=False, client="browser-setup")
        await invitations.accept(session, actor=me, invitation_id=uuid.UUID(invitation_id))
        await session.commit()
    await engine.dispose()


def active_contract(server: Server, *, seller: str, buyer: str, sales_phone: str, buyer_phone: str, password: str,
                    **terms: Any) -> dict[str, Any]:
    """A contract the seller's sales drafts, scans and files and the buyer's admin confirms."""
    today = today_china()
    body = {
        "sellerOrgId": seller, "buyerOrgId": buyer, "kind": "long_term", "product": "mixed_coal",
        "calorificKcalPerKg": 5500, "sulphurPct": 0.85, "ashPct": 12.5, "moisturePct": 8, "priceFenPerT": 68_000,
        "quantityKg": 500_000, "toleranceBp": 0, "destinationName": "达拉特电厂", "destinationLon": 110.04,
        # From yesterday, for a year: in force whichever side of midnight the server reads it.
        "destinationLat": 40.40, "validFrom": (today - timedelta(days=1)).isoformat(),
        "validUntil": (today + timedelta(days=365)).isoformat(), **terms,
    }
    with server.api() as sales:
        login(sales, sales_phone, password)
        contract: dict[str, Any] = ok(sales.post("/api/enterprise/contracts", json=body))
        ok(sales.put(f"/api/enterprise/contracts/{contract['id']}/pdf", content=PDF,
                     headers={"Content-Type": "application/pdf"}))
        ok(sales.post(f"/api/enterprise/contracts/{contract['id']}/file"))
    with server.api() as plant:
        login(plant, buyer_phone, password)
        ok(plant.post(f"/api/enterprise/contracts/{contract['id']}/confirm"))
    return contract


def register_driver(server: Server, *, phone: str, name: str, plate: str, id_prefix: str, region: str,
                    password: str) -> None:
    """A driver registering himself with an SMS code and his truck (the platform verifies the format)."""
    with server.api() as driver:
        ok(driver.post("/api/auth/sms", json={"phone": phone, "purpose": "register"}), (202,))
        id_number = make_id_card(id_prefix)
        ok(driver.post("/api/driver/register", json={
            "phone": phone, "smsCode": server.sms_code(phone), "password": password, "name": name,
            "idNumber": id_number, "drivingLicenceNo": id_number, "qualificationCertNo": f"QC{region}00012345",
            "regionCode": region,
            "vehicle": {"plate": plate, "plateColour": "yellow", "body": "tractor_semitrailer", "axleCount": 6,
                        "energyType": "diesel", "ratedLoadKg": 32_000},
        }))
