"""What the browser tests set up through the API before the screens are driven: organisations with
their staff, an active contract (drafted, scanned, filed, confirmed) and drivers registered with a
truck. Each test module picks its own phones, names and places, so modules do not collide."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx

from backend.checks.credit_code import make_credit_code
from backend.checks.idcard import make_id_card
from backend.clock import today_china
from backend.demo.seed import DEMO_PASSWORD, USERS
from tests.browser.conftest import Server
from tests.contracts.helpers import PDF


def ok(response: httpx.Response, status: tuple[int, ...] = (200, 201)) -> Any:
    assert response.status_code in status, response.text
    return response.json()


def login(client: httpx.Client, phone: str, password: str) -> httpx.Client:
    ok(client.post("/api/auth/login", json={"phone": phone, "password": password}))
    return client


def orgs_with_staff(server: Server, orgs: list[tuple[str, str, str, str]],
                    staff: list[tuple[int, str, str, str]], password: str) -> list[str]:
    """Organisations (name, kind, region, credit-code serial), registered by the platform admin, and
    staff (index into orgs, phone, name, role) with `password`. Returns the organisations' ids."""
    with server.api() as platform:
        login(platform, USERS[0]["phone"], DEMO_PASSWORD)
        ids = [str(ok(platform.post("/api/enterprise/orgs", json={
            "name": name, "kind": kind, "creditCode": make_credit_code("91" + region + serial), "regionCode": region,
            "address": "鄂尔多斯市", "contactName": "周经理", "contactPhone": "13912349998"}))["id"])
            for name, kind, region, serial in orgs]
        for index, phone, name, role in staff:
            join_staff(server, platform, org_id=ids[index], phone=phone, name=name, role=role, password=password)
    return ids


def join_staff(server: Server, inviter: httpx.Client, *, org_id: str, phone: str, name: str, role: str,
               password: str) -> None:
    """The inviter (an admin signed in on `inviter`) invites the phone to the role; its holder signs up
    with an SMS code if he has no account yet, signs in and accepts: staff join by consent."""
    invitation = ok(inviter.post(f"/api/enterprise/orgs/{org_id}/users", json={"phone": phone, "role": role}))
    with server.api() as person:
        if person.post("/api/auth/login", json={"phone": phone, "password": password}).status_code != 200:
            ok(person.post("/api/auth/sms", json={"phone": phone, "purpose": "register"}), (202,))
            ok(person.post("/api/auth/register", json={"phone": phone, "smsCode": server.sms_code(phone), "name": name,
                                                       "password": password}))
        ok(person.post(f"/api/invitations/{invitation['id']}/accept"))


def bind_driver(server: Server, carrier_admin: httpx.Client, *, carrier: str, phone: str, password: str) -> None:
    """The carrier invites a registered driver into its fleet; he signs in and accepts."""
    invitation = ok(carrier_admin.post(f"/api/enterprise/orgs/{carrier}/fleet/drivers", json={"phone": phone}))
    with server.api() as driver:
        login(driver, phone, password)
        ok(driver.post(f"/api/invitations/{invitation['id']}/accept"))


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
