"""A ticketed load that drives off, for the GPS browser tests, through a live server's real interfaces:
a mine yard (a designated east gate; the truck leaves through the south side, away from it), a
contract whose destination lies 8 km east, the order weighed into a ticket on a lane, then the driver's
phone uploading the drive (POST /api/driver/positions → the GPS stream → the in-app worker), which
opens the waybill at the site exit and records its events. The yard lies 15 km south of the demo
site (whose fence would otherwise overlap it); a regulator marks a coverage hole on the road, which
also has the worker reload its world (sites and gates just made included) before the drive."""

from __future__ import annotations

import math
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from backend.demo.seed import DEMO_PASSWORD
from tests.browser import weigh_world as ww
from tests.browser import world as bw
from tests.browser.conftest import Server, run_async
from tests.sites import helpers as sh
from tests.weighing import helpers as wh

SPEED_MS = 10.0  # 36 km/h
STEP_S = 20.0
# The drive in metres from the yard's south-west corner (the yard is 600 m × 400 m): out through the
# south fence at x = 300 (no gate there), east, a detour 1.5 km north (outside the 1 km corridor), back.
LEGS = [(150, 200), (300, 120), (300, -200), (2000, -200), (2000, 1900), (3500, 1900), (3500, 0), (6000, 0)]
BASE = sh.offset(sh.LON, sh.LAT, north_m=-15_000.0)  # the yard's south-west corner
REGULATOR = "13800000007"  # the demo regulator of Otog Front Banner (150623)


def at(east_m: float, north_m: float) -> tuple[float, float]:
    """A point `east_m`, `north_m` from the yard's south-west corner."""
    return sh.offset(*BASE, east_m=east_m, north_m=north_m)


DESTINATION = at(8000.0, 200.0)
GATE = at(600.0, 200.0)
CHECKIN_ZONE = sh.rect(*at(0.0, -300.0), width_m=300.0, height_m=350.0)
IN_ZONE = at(150.0, -150.0)


def box(east_m: float, north_m: float, width_m: float, height_m: float) -> dict[str, Any]:
    return sh.rect(*at(east_m, north_m), width_m=width_m, height_m=height_m)


def drive(*, end_ago_s: float = 240.0) -> list[dict[str, Any]]:
    """Fixes every STEP_S along LEGS at SPEED_MS, the last one `end_ago_s` before now."""
    points: list[tuple[float, float, float]] = []  # east, north, course
    for (x0, y0), (x1, y1) in zip(LEGS, LEGS[1:], strict=False):
        length = math.hypot(x1 - x0, y1 - y0)
        course = math.degrees(math.atan2(x1 - x0, y1 - y0)) % 360
        steps = max(1, round(length / (SPEED_MS * STEP_S)))
        points += [(x0 + (x1 - x0) * i / steps, y0 + (y1 - y0) * i / steps, course) for i in range(steps)]
    points.append((*LEGS[-1], 90.0))
    start = datetime.now(UTC) - timedelta(seconds=end_ago_s + STEP_S * (len(points) - 1))
    fixes = []
    for i, (east, north, course) in enumerate(points):
        lon, lat = at(east, north)
        fixes.append({"fixAt": (start + timedelta(seconds=STEP_S * i)).isoformat(), "lon": round(lon, 7),
                      "lat": round(lat, 7), "speedKmh": SPEED_MS * 3.6, "courseDeg": round(course), "accuracyM": 8})
    return fixes


def ticketed_load(server: Server, *, password: str, mine_admin: str, sales: str, dispatcher: str, plant_admin: str,
                  driver: str, plate: str) -> dict[str, Any]:
    mine, plant = bw.orgs_with_staff(server, [
        ("神东示范煤矿有限公司", "mine", "150623", "MA0GP0001"),
        ("东胜示范电厂有限公司", "consumer_power", "150622", "MA0GP0002"),
    ], [(0, mine_admin, "韩矿长", "enterprise_admin"), (0, sales, "卫主管", "sales"), (0, dispatcher, "蒋调度", "dispatcher"),
        (1, plant_admin, "沈采购", "enterprise_admin")], password)
    with server.api() as admin:
        bw.login(admin, mine_admin, password)
        site = bw.ok(admin.post(f"/api/enterprise/orgs/{mine}/sites", json=sh.site_body(
            "五号储煤场", fence=box(0.0, 0.0, 600.0, 400.0), checkinZone=CHECKIN_ZONE)))
        bw.ok(admin.post(f"/api/enterprise/sites/{site['id']}/gates", json={
            "name": "东门", "direction": "both", "designated": True, "lon": GATE[0], "lat": GATE[1]}))
    key = ww.lane_with_controller(server, admin_phone=mine_admin, password=password, org_id=mine, site_id=site["id"],
                                  name="1号磅道", device_code="LANE-GPS-0601")
    contract = bw.active_contract(server, seller=mine, buyer=plant, sales_phone=sales, buyer_phone=plant_admin,
                                  password=password, destinationName="东胜示范电厂", destinationLon=round(DESTINATION[0], 6),
                                  destinationLat=round(DESTINATION[1], 6))
    bw.register_driver(server, phone=driver, name="魏师傅", plate=plate, id_prefix="15062219800101123",
                       region="150622", password=password)
    order, issued_pass = ww.called_order(server, password=password, sales=sales, dispatcher=dispatcher, driver=driver,
                                         plate=plate, contract_id=contract["id"], site_id=site["id"], checkin=IN_ZONE)
    gross = run_async(ww.weigh(server.base_url, key, order_id=order["id"], plate=plate, issued_pass=issued_pass,
                               pictures=(wh.JPEG, wh.JPEG)))
    return {"site": site, "order": order, "ticket_no": gross["ticketNo"]}


def coverage_hole(server: Server) -> dict[str, Any]:
    """The demo regulator (password and TOTP) marks a coverage hole on the road east of the yard."""
    with server.api() as desk:
        bw.login(desk, REGULATOR, DEMO_PASSWORD)  # through its TOTP step (tests/browser/mfa.py)
        return dict(bw.ok(desk.post("/api/regulator/zones", json={
            "kind": "coverage_hole", "name": "沟谷盲区", "regionCode": "150623", "geometry": box(4300, -400, 900, 600)})))


def upload(server: Server, *, driver: str, password: str, plate: str, fixes: list[dict[str, Any]]) -> str:
    """The phone's fixes for the driver's truck; returns the vehicle id."""
    with server.api() as phone:
        bw.login(phone, driver, password)
        vehicle = next(v for v in bw.ok(phone.get("/api/driver/vehicles")) if v["plate"] == plate)
        answer = bw.ok(phone.post("/api/driver/positions", json={"vehicleId": vehicle["id"], "positions": fixes}))
        assert answer["accepted"] == len(fixes), answer
    return str(vehicle["id"])


def wait_for_waybill(server: Server, *, phone: str, password: str, kinds: set[str], timeout_s: float = 20.0) -> dict[str, Any]:
    """The load's waybill once the worker has stored the events of `kinds` on it."""
    deadline = time.monotonic() + timeout_s
    seen: Any = None
    with server.api() as desk:
        bw.login(desk, phone, password)
        while time.monotonic() < deadline:
            page = bw.ok(desk.get("/api/mine/waybills"))
            if page["items"]:
                seen = bw.ok(desk.get(f"/api/mine/waybills/{page['items'][0]['waybillNo']}"))
                if kinds <= {e["kind"] for e in seen["events"]}:
                    return dict(seen)
            time.sleep(0.3)
    raise AssertionError(f"no waybill with {kinds} in {timeout_s} s: {seen}")
