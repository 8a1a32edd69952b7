"""A load weighed through a live server's lane interface, for the weighbridge browser tests: a site
with two weighbridge lanes and their controllers' keys, an order dispatched, checked in and called,
then identified, tared, refused once (a grating blocked), identified again and grossed into a
ticket — the lane's signed calls made by tests/weighing/helpers.py on a SignedClient to the server."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, cast

from devices.platform_client import SignedClient
from tests.browser import mfa
from tests.browser import world as bw
from tests.browser.conftest import Server
from tests.orders import pass_helpers as ph
from tests.sites import helpers as sh
from tests.weighing import helpers as wh

# In the check-in zone of tests.sites.helpers (on the access road south of the yard).
INSIDE = sh.offset(sh.LON, sh.LAT, east_m=150.0, north_m=-150.0)


@dataclass(frozen=True)
class LiveLane:
    """What tests/weighing/helpers.py reads of a LaneWorld: the order, the plate, the key, the client."""

    order_id: str
    plate: str
    key: ph.Key
    lane: SignedClient


@dataclass(frozen=True)
class Weighed:
    site_id: str
    order_id: str
    order_no: str
    ticket_no: str
    verify_url: str
    device_code: str
    key: ph.Key


def lane_with_controller(server: Server, *, admin_phone: str, password: str, org_id: str, site_id: str, name: str,
                         device_code: str) -> ph.Key:
    """A weighbridge lane, its lane controller, and a machine key bound to that controller."""
    with server.api() as admin:
        bw.login(admin, admin_phone, password)
        lane = bw.ok(admin.post(f"/api/enterprise/sites/{site_id}/lanes",
                                json={"name": name, "direction": "both", "hasWeighbridge": True}))
        device = bw.ok(admin.post(f"/api/enterprise/sites/{site_id}/devices",
                                  json={"kind": "lane_controller", "code": device_code, "laneId": lane["id"]}))
        mfa.api_step_up(admin, admin_phone)  # issuing a key asks for the code again
        issued = bw.ok(admin.post(f"/api/enterprise/orgs/{org_id}/keys",
                                  json={"name": f"{name}控制器", "deviceId": device["id"]}))
    return ph.Key(issued["key"]["keyId"], issued["secret"])


def called_order(server: Server, *, password: str, sales: str, dispatcher: str, driver: str, plate: str,
                 contract_id: str, site_id: str,
                 checkin: tuple[float, float] = INSIDE) -> tuple[dict[str, Any], dict[str, Any]]:
    """An order issued, dispatched to the driver's truck, checked in (at `checkin`) and called; returns
    it and the pass."""
    with server.api() as office:
        bw.login(office, sales, password)
        order = bw.ok(office.post("/api/mine/orders", json={"contractId": contract_id, "siteId": site_id,
                                                             "plannedKg": 30_000}))[0]
    with server.api() as desk:
        bw.login(desk, dispatcher, password)
        bw.ok(desk.post(f"/api/mine/orders/{order['id']}/dispatch", json={"plate": plate, "driverPhone": driver}))
        with server.api() as phone:
            bw.login(phone, driver, password)
            lon, lat = checkin
            bw.ok(phone.post(f"/api/driver/orders/{order['id']}/check-in", json={"lon": lon, "lat": lat, "accuracyM": 8}))
            bw.ok(desk.post(f"/api/mine/sites/{site_id}/queue/call", json={"line": order["product"], "count": 1}))
            issued_pass = bw.ok(phone.get(f"/api/driver/orders/{order['id']}/pass"))
    return order, issued_pass


def _body(lane: LiveLane, picture: bytes, **kw: Any) -> dict[str, Any]:
    """The lane's weighing as tests/weighing/helpers.py builds it, with a real camera JPEG, re-signed."""
    body = wh.weighing_body(cast(wh.LaneWorld, lane), **kw)
    body.pop("signature")
    body["pictures"] = [{"name": "licensePlatePicture.jpg", "contentB64": base64.b64encode(picture).decode()}]
    body["signature"] = wh.sign(body, lane.key.secret)
    return body


async def weigh(base_url: str, key: ph.Key, *, order_id: str, plate: str, issued_pass: dict[str, Any],
                pictures: tuple[bytes, bytes]) -> dict[str, Any]:
    """Identify → tare → a gross refused (grating blocked) → identify → gross: the ticket's answer."""
    async with SignedClient(base_url, key.key_id, key.secret) as client:
        lane = LiveLane(order_id=order_id, plate=plate, key=key, lane=client)
        decision = await wh.identify(cast(wh.LaneWorld, lane), code=ph.phone_code(issued_pass))
        assert decision["accepted"] and decision["kind"] == "tare", decision
        t0 = datetime.now(UTC) - timedelta(minutes=40)
        tare = await wh.submit(cast(wh.LaneWorld, lane), _body(lane, pictures[0], kind="tare", weight_kg=15_240, at=t0))
        assert tare["accepted"], tare
        refused = await wh.submit(cast(wh.LaneWorld, lane), _body(
            lane, pictures[1], kind="gross", weight_kg=44_240, at=t0 + timedelta(minutes=29), gratings=(True, False)))
        assert refused["code"] == "grating_blocked", refused
        decision = await wh.identify(cast(wh.LaneWorld, lane), code=ph.phone_code(issued_pass))
        assert decision["accepted"] and decision["kind"] == "gross", decision
        gross = await wh.submit(cast(wh.LaneWorld, lane), _body(
            lane, pictures[1], kind="gross", weight_kg=44_240, at=t0 + timedelta(minutes=30)))
        assert gross["accepted"] and gross["netKg"] == 29_000, gross
        return gross


async def heartbeat(base_url: str, key: ph.Key, device_code: str, **status: Any) -> None:
    """The lane controller's heartbeat, as devices/lane reports its state."""
    async with SignedClient(base_url, key.key_id, key.secret) as client:
        r = await client.post("/open/v1/devices/heartbeat", json={"deviceCode": device_code, "status": status})
        assert r.status_code == 200, r.text
