"""Helpers for the one-code pass tests: a dispatched order, the seller's machine keys (one for its
ERP, one bound to a gate device of the site), the driver's pass, and signed gate calls."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import httpx
from litestar import Litestar

from backend import clock as backend_clock
from backend.context import Context
from backend.db.unit import unit_of_work
from backend.domain.queue import service as queue
from devices.passcode import PassVerifier, render_qr_text
from devices.platform_client import SignedClient
from tests.drivers import helpers as dh
from tests.orders import helpers as oh
from tests.sites import helpers as sh


@dataclass(frozen=True)
class Key:
    key_id: str
    secret: str


@dataclass(frozen=True)
class GateWorld:
    w: oh.World
    order: dict[str, Any]
    trucker: oh.Trucker
    site_id: str
    erp: Key  # the seller's key without a device (its ERP)
    device: Key  # a key bound to a gate device of the order's site
    device_id: str

    @property
    def order_id(self) -> str:
        return str(self.order["id"])


async def add_device(client: httpx.AsyncClient, headers: dict[str, str], site_id: Any, kind: str = "qr_scanner") -> str:
    r = await client.post(f"/api/enterprise/sites/{site_id}/devices",
                          json={"kind": kind, "code": f"GATE-{uuid.uuid4().hex[:8]}"}, headers=headers)
    assert r.status_code == 201, r.text
    return str(r.json()["id"])


async def add_gate(client: httpx.AsyncClient, headers: dict[str, str], site_id: Any, name: str = "1号门") -> str:
    r = await client.post(f"/api/enterprise/sites/{site_id}/gates", json={"name": name, "direction": "both"},
                          headers=headers)
    assert r.status_code == 201, r.text
    return str(r.json()["id"])


async def key(client: httpx.AsyncClient, org_id: Any, headers: dict[str, str], **body: Any) -> Key:
    issued = await dh.issue_key(client, org_id, headers, **body)
    return Key(issued["key"]["keyId"], issued["secret"])


async def gate_world(ctx: Context, client: httpx.AsyncClient) -> GateWorld:
    w = await oh.world(ctx, client)
    order, t = await oh.dispatched(ctx, client, w)
    seller, admin = w.parties.seller_id, w.parties.seller
    device_id = await add_device(client, admin, w.site["id"])
    return GateWorld(w=w, order=order, trucker=t, site_id=str(w.site["id"]), erp=await key(client, seller, admin),
                     device=await key(client, seller, admin, deviceId=device_id), device_id=device_id)


def machine(app: Litestar, k: Key) -> SignedClient:
    return dh.signed_client(app, k.key_id, k.secret)


async def driver_pass(client: httpx.AsyncClient, t: oh.Trucker, order_id: Any) -> dict[str, Any]:
    r = await client.get(f"/api/driver/orders/{order_id}/pass", headers=t.headers)
    assert r.status_code == 200, r.text
    result: dict[str, Any] = r.json()
    return result


def now_s() -> int:
    return int(backend_clock.now_s())


def phone_code(p: dict[str, Any], at_s: int | None = None) -> str:
    """What the driver's phone shows at `at_s` (default: now)."""
    return render_qr_text(p["token"], totp_secret=p["totpSecret"], at_s=now_s() if at_s is None else at_s)


async def platform_verifier(client: httpx.AsyncClient) -> PassVerifier:
    r = await client.get("/api/public/pass-keys")
    assert r.status_code == 200, r.text
    return PassVerifier({k["kid"]: k["publicKeyPem"] for k in r.json()["keys"]})


async def scan_response(gate: SignedClient, site_id: Any, code: str, transition: str = "in",
                        **extra: Any) -> httpx.Response:
    return await gate.post("/open/v1/passes/verify",
                           json={"code": code, "siteId": str(site_id), "transition": transition, **extra})


async def scan(gate: SignedClient, site_id: Any, code: str, transition: str = "in", **extra: Any) -> dict[str, Any]:
    """A verification; every outcome is a 200 with {accepted, code, ...}."""
    r = await scan_response(gate, site_id, code, transition, **extra)
    assert r.status_code == 200, r.text
    result: dict[str, Any] = r.json()
    assert result["accepted"] is (result["code"] == "ok") and result["openBarrier"] is result["accepted"]
    assert result["messageZh"] and result["messageEn"] and result["transition"] == transition
    return result


# Inside the check-in zone of tests.sites.helpers.CHECKIN_ZONE (300 m x 350 m south of the yard).
CHECKIN_POINT = sh.offset(sh.LON, sh.LAT, east_m=150.0, north_m=-125.0)


async def check_in(client: httpx.AsyncClient, gw: GateWorld) -> dict[str, Any]:
    """签到 from inside the zone, over HTTP as the driver's phone does it."""
    lon, lat = CHECKIN_POINT
    r = await client.post(f"/api/driver/orders/{gw.order_id}/check-in", json={"lon": lon, "lat": lat, "accuracyM": 10},
                          headers=gw.trucker.headers)
    assert r.status_code == 200 and r.json()["state"] == "waiting", r.text
    result: dict[str, Any] = r.json()
    return result


async def call_in(ctx: Context, client: httpx.AsyncClient, gw: GateWorld, *, checked_in: bool = False) -> None:
    """The truck checks in (unless it did) and the mine's dispatcher calls it to the gate."""
    if not checked_in:
        await check_in(client, gw)
    r = await client.post(f"/api/mine/sites/{gw.site_id}/queue/call", json={"line": gw.order["product"], "count": 1},
                          headers=gw.w.dispatcher)
    assert r.status_code in (200, 201), r.text
    async with unit_of_work(ctx) as session:
        assert await queue.entry_state(session, order_id=uuid.UUID(gw.order_id)) == "called", r.text
