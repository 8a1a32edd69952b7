"""Helpers for the contract tests: a mine selling to a power plant, logged-in staff on both sides,
a draft body near Ordos, and contracts brought to each status through the API."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import httpx

from backend.clock import today_china
from backend.context import Context
from backend.db.unit import unit_of_work
from backend.domain.contracts import lifecycle
from backend.domain.contracts import service as contracts
from tests.sites import helpers as h

# A minimal but real PDF: the header, one empty page, the trailer.
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)
# The power plant in Dalate Banner (达拉特旗) the coal goes to.
DEST_LON, DEST_LAT = 110.04, 40.40


@dataclass(frozen=True)
class Parties:
    seller_id: uuid.UUID
    seller: dict[str, str]  # the seller's enterprise_admin
    sales: dict[str, str]  # the seller's sales
    buyer_id: uuid.UUID
    buyer: dict[str, str]  # the buyer's enterprise_admin
    buyer_staff: dict[str, str]  # the buyer's dispatcher: may read, may not confirm


async def parties(ctx: Context, client: httpx.AsyncClient) -> Parties:
    _, seller_id, seller = await h.member(ctx, client, role="enterprise_admin", kind="mine", region_code="150623")
    _, _, sales = await h.member(ctx, client, role="sales", org_id=seller_id)
    _, buyer_id, buyer = await h.member(ctx, client, role="enterprise_admin", kind="consumer_power",
                                        region_code="150621")
    _, _, buyer_staff = await h.member(ctx, client, role="dispatcher", org_id=buyer_id)
    return Parties(seller_id, seller, sales, buyer_id, buyer, buyer_staff)


def body(p: Parties, **overrides: Any) -> dict[str, Any]:
    today = today_china()
    result: dict[str, Any] = {
        "sellerOrgId": str(p.seller_id), "buyerOrgId": str(p.buyer_id), "kind": "long_term", "product": "mixed_coal",
        "calorificKcalPerKg": 5500, "sulphurPct": 0.85, "ashPct": 12.5, "moisturePct": 8,
        "priceFenPerT": 68_000, "quantityKg": 50_000, "toleranceBp": 0,
        "destinationName": "达拉特电厂", "destinationLon": DEST_LON, "destinationLat": DEST_LAT,
        "validFrom": today.isoformat(), "validUntil": (today + timedelta(days=90)).isoformat(),
    }
    result.update(overrides)
    return result


def url(contract_id: Any, action: str = "") -> str:
    return f"/api/enterprise/contracts/{contract_id}" + (f"/{action}" if action else "")


async def draft(client: httpx.AsyncClient, p: Parties, **overrides: Any) -> dict[str, Any]:
    response = await client.post("/api/enterprise/contracts", json=body(p, **overrides), headers=p.sales)
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


async def upload(client: httpx.AsyncClient, headers: dict[str, str], contract_id: Any, data: bytes = PDF) -> httpx.Response:
    return await client.put(url(contract_id, "pdf"), content=data,
                            headers={**headers, "Content-Type": "application/pdf"})


async def ok(response: httpx.Response, status: int = 200) -> dict[str, Any]:
    assert response.status_code == status, response.text
    result: dict[str, Any] = response.json()
    return result


async def filed(client: httpx.AsyncClient, p: Parties, **overrides: Any) -> dict[str, Any]:
    contract = await draft(client, p, **overrides)
    await ok(await upload(client, p.sales, contract["id"]))
    return await ok(await client.post(url(contract["id"], "file"), headers=p.sales))


async def active(client: httpx.AsyncClient, p: Parties, **overrides: Any) -> dict[str, Any]:
    contract = await filed(client, p, **overrides)
    return await ok(await client.post(url(contract["id"], "confirm"), headers=p.buyer))


async def in_status(ctx: Context, client: httpx.AsyncClient, p: Parties, status: str) -> dict[str, Any]:
    """A contract brought to `status` the way it gets there in life."""
    if status == "draft":
        return await draft(client, p)
    if status == "filed":
        return await filed(client, p)
    if status == "expired":
        past = today_china() - timedelta(days=30)
        contract = await active(client, p, validFrom=(past - timedelta(days=60)).isoformat(), validUntil=past.isoformat())
        async with unit_of_work(ctx) as session:
            assert await lifecycle.expire_contracts(session, today=today_china()) == 1
        return await ok(await client.get(url(contract["id"]), headers=p.seller))
    contract = await active(client, p)
    if status == "terminated":
        return await ok(await client.post(url(contract["id"], "terminate"), json={"reason": "买方停产"}, headers=p.buyer))
    if status == "completed":
        await deliver(ctx, uuid.UUID(contract["id"]), contract["quantityKg"])
        return await ok(await client.post(url(contract["id"], "complete"), headers=p.seller))
    assert status == "active", status
    return contract


async def deliver(ctx: Context, contract_id: uuid.UUID, kg: int, *, ref: str = "ticket") -> None:
    """An order reserved and weighed in full, as the pickup-order and weigh-ticket features will."""
    async with unit_of_work(ctx) as session:
        await contracts.reserve(session, contract_id=contract_id, kg=kg, ref=f"order-{ref}")
        await contracts.execute(session, contract_id=contract_id, reserved_kg=kg, actual_kg=kg, ref=ref)
        await session.commit()


def refusal(response: httpx.Response, status: int, code: str, field: str | None) -> dict[str, Any]:
    assert response.status_code == status, response.text
    result: dict[str, Any] = response.json()
    assert (result["code"], result["field"]) == (code, field), result
    assert result["message_zh"] and result["message_en"], result
    return result


def days(n: int) -> date:
    return today_china() + timedelta(days=n)
