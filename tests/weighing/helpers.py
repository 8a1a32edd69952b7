"""A weighbridge lane at the seller's site, its controller's device key, and signed lane calls
shaped as devices/lane makes them (docs/lane-protocol.md)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from litestar import Litestar

from backend.context import Context
from backend.db.unit import unit_of_work
from devices.platform_client import SignedClient
from tests.orders import helpers as oh
from tests.orders import pass_helpers as ph

# The smallest JPEG a camera could send: SOI ... EOI.
JPEG = bytes.fromhex("ffd8ffe000104a46494600010100000100010000ffd9")


@dataclass(frozen=True)
class LaneWorld:
    gw: ph.GateWorld
    lane_id: str
    key: ph.Key
    lane: SignedClient
    device_code: str

    @property
    def order_id(self) -> str:
        return self.gw.order_id

    @property
    def plate(self) -> str:
        return self.gw.trucker.plate


async def add_lane(client: httpx.AsyncClient, headers: dict[str, str], site_id: Any, name: str = "1号磅道") -> str:
    r = await client.post(f"/api/enterprise/sites/{site_id}/lanes",
                          json={"name": name, "direction": "both", "hasWeighbridge": True}, headers=headers)
    assert r.status_code == 201, r.text
    return str(r.json()["id"])


async def lane_key(client: httpx.AsyncClient, headers: dict[str, str], org_id: Any, site_id: Any,
                   lane_id: str) -> tuple[ph.Key, str]:
    """A lane controller device on the lane and a key bound to it; returns (key, device code)."""
    code = f"LANE-{uuid.uuid4().hex[:8]}"
    r = await client.post(f"/api/enterprise/sites/{site_id}/devices", headers=headers,
                          json={"kind": "lane_controller", "code": code, "laneId": lane_id})
    assert r.status_code == 201, r.text
    return await ph.key(client, org_id, headers, deviceId=r.json()["id"]), code


async def lane_world(ctx: Context, client: httpx.AsyncClient, app: Litestar, *, called: bool = True) -> LaneWorld:
    gw = await ph.gate_world(ctx, client)
    admin = gw.w.parties.seller
    lane_id = await add_lane(client, admin, gw.site_id)
    key, device_code = await lane_key(client, admin, gw.w.parties.seller_id, gw.site_id, lane_id)
    if called:
        await ph.call_in(ctx, client, gw)
    return LaneWorld(gw=gw, lane_id=lane_id, key=key, lane=ph.machine(app, key), device_code=device_code)


def sign(body: dict[str, Any], secret: str) -> str:
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    return hmac.new(secret.encode(), canonical, hashlib.sha256).hexdigest()


def settle_trace(weight_kg: int, *, ramp_ms: int = 3000, hold_ms: int = 3000, step_ms: int = 100) -> list[list[int]]:
    """A truck driving on (ramp) and standing still: what a lane reports."""
    up = [[t, weight_kg * t // ramp_ms, 0] for t in range(0, ramp_ms, step_ms)]
    return up + [[ramp_ms + t, weight_kg, 1] for t in range(0, hold_ms + step_ms, step_ms)]


def weighing_body(lw: LaneWorld, *, kind: str, weight_kg: int, at: datetime | None = None, plate: str | None = None,
                  trace: list[list[int]] | None = None, gratings: tuple[bool, bool] = (False, False),
                  offline: bool = False, order_id: str | None = None, secret: str | None = None) -> dict[str, Any]:
    at = at or datetime.now(UTC)
    body: dict[str, Any] = {
        "weighingId": str(uuid.uuid4()), "orderId": order_id or lw.order_id, "kind": kind,
        "plateRead": lw.plate if plate is None else plate, "weightKg": weight_kg,
        "stable": {"medianKg": weight_kg, "minKg": weight_kg - 20, "maxKg": weight_kg + 20, "samples": 30, "holdS": 3.0},
        "trace": settle_trace(weight_kg) if trace is None else trace,
        "onScaleAt": (at - timedelta(seconds=7)).isoformat(), "weighedAt": at.isoformat(),
        "gratings": {"inBlocked": gratings[0], "outBlocked": gratings[1]}, "offline": offline,
        "pictures": [{"name": "licensePlatePicture.jpg", "contentB64": base64.b64encode(JPEG).decode()}],
    }
    body["signature"] = sign(body, secret or lw.key.secret)
    return body


async def identify(lw: LaneWorld, *, code: str | None = None, plate: str | None = None) -> dict[str, Any]:
    r = await lw.lane.post("/open/v1/lane/identify", json={"plateRead": plate or lw.plate, "code": code})
    assert r.status_code == 200, r.text
    result: dict[str, Any] = r.json()
    return result


async def submit(lw: LaneWorld, body: dict[str, Any], *, lane: SignedClient | None = None) -> dict[str, Any]:
    r = await (lane or lw.lane).post("/open/v1/weighings", json=body)
    assert r.status_code == 200, r.text
    result: dict[str, Any] = r.json()
    return result


async def pass_code(client: httpx.AsyncClient, lw: LaneWorld) -> str:
    return ph.phone_code(await ph.driver_pass(client, lw.gw.trucker, lw.order_id))


async def set_rules(ctx: Context, site_id: Any, **rules: Any) -> None:
    from backend.domain.weighing.models import WeighSiteRules  # tests may set a site's rules directly

    async with unit_of_work(ctx) as session:
        session.add(WeighSiteRules(site_id=uuid.UUID(str(site_id)), **rules))
        await session.commit()




async def another_order(client: httpx.AsyncClient, lw: LaneWorld, *, site_id: Any = None,
                        planned_kg: int = 30_000) -> str:
    """The same truck's next load (its previous order must be closed: one open order per truck)."""
    order = await oh.issue(client, lw.gw.w, siteId=str(site_id or lw.gw.site_id), plannedKg=planned_kg)
    r = await oh.dispatch(client, lw.gw.w, order["id"], lw.gw.trucker)
    assert r.status_code == 200, r.text
    return str(order["id"])


async def weigh_cycle(lw: LaneWorld, order_id: str, *, tare_kg: int, gross_kg: int, t0: datetime,
                      lane: SignedClient | None = None, secret: str | None = None) -> dict[str, Any]:
    """A whole cycle the lane made offline (no queue call needed: the weighing shows the entry)."""
    tare = await submit(lw, weighing_body(lw, kind="tare", weight_kg=tare_kg, at=t0, offline=True, order_id=order_id,
                                          secret=secret), lane=lane)
    assert tare["accepted"], tare
    return await submit(lw, weighing_body(lw, kind="gross", weight_kg=gross_kg, at=t0 + timedelta(minutes=30),
                                          offline=True, order_id=order_id, secret=secret), lane=lane)


async def alerts_of(ctx: Context, kind: str) -> list[Any]:
    from backend.domain.alerts import service as alerts

    async with unit_of_work(ctx) as session:
        page = await alerts.list_alerts(session, limit=200)
    return [a for a in page.items if a.kind == kind]
