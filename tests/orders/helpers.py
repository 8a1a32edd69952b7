"""Helpers for pickup-order tests: a mine with a site and an active contract, a carrier, a verified
driver with his own truck, and orders issued and dispatched through the API."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import httpx

from backend.context import Context
from tests.contracts import helpers as ch
from tests.drivers import helpers as dh
from tests.sites import helpers as sh


@dataclass(frozen=True)
class World:
    parties: ch.Parties
    contract: dict[str, Any]
    site: dict[str, Any]
    dispatcher: dict[str, str]  # the mine's dispatcher


@dataclass(frozen=True)
class Trucker:
    phone: str
    plate: str
    headers: dict[str, str]
    driver_id: str


async def world(ctx: Context, client: httpx.AsyncClient, *, quantity_kg: int = 500_000, **contract: Any) -> World:
    p = await ch.parties(ctx, client)
    site = await sh.create_site(client, p.seller, p.seller_id, checkinZone=sh.CHECKIN_ZONE)
    active = await ch.active(client, p, quantityKg=quantity_kg, **contract)
    _, _, dispatcher = await sh.member(ctx, client, role="dispatcher", org_id=p.seller_id)
    return World(p, active, site, dispatcher)


async def trucker(ctx: Context, client: httpx.AsyncClient, **vehicle: Any) -> Trucker:
    """A self-employed driver (verified by the format check) with his own truck."""
    reg, headers = await dh.driver(client, ctx)
    body = dh.vehicle_body(**vehicle)
    r = await client.post("/api/driver/vehicles", json=body, headers=headers)
    assert r.status_code == 201, r.text
    return Trucker(phone=reg["driver"]["phone"], plate=r.json()["plate"], headers=headers,
                   driver_id=reg["driver"]["id"])


def issue_body(w: World, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"contractId": w.contract["id"], "siteId": w.site["id"], "plannedKg": 30_000}
    body.update(overrides)
    return body


async def issue(client: httpx.AsyncClient, w: World, **overrides: Any) -> dict[str, Any]:
    r = await client.post("/api/mine/orders", json=issue_body(w, **overrides), headers=w.parties.sales)
    assert r.status_code == 201, r.text
    result: dict[str, Any] = r.json()[0]
    return result


async def dispatch(client: httpx.AsyncClient, w: World, order_id: Any, t: Trucker) -> httpx.Response:
    return await client.post(f"/api/mine/orders/{order_id}/dispatch", json={"plate": t.plate, "driverPhone": t.phone},
                             headers=w.dispatcher)


async def dispatched(ctx: Context, client: httpx.AsyncClient, w: World, **overrides: Any) -> tuple[dict[str, Any], Trucker]:
    t = await trucker(ctx, client)
    order = await issue(client, w, **overrides)
    r = await dispatch(client, w, order["id"], t)
    assert r.status_code == 200, r.text
    return r.json(), t


async def progress(client: httpx.AsyncClient, w: World) -> dict[str, Any]:
    r = await client.get(ch.url(w.contract["id"]), headers=w.parties.sales)
    assert r.status_code == 200, r.text
    result: dict[str, Any] = r.json()["progress"]
    return result


def uid(value: Any) -> uuid.UUID:
    return uuid.UUID(str(value))
