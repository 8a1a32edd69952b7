"""`make run`'s simulated lane and demo trucks: on the embedded defaults, a newcomer watches a truck
weighed at the demo mine — the lane reports itself live, and tare, loading and gross end in a ticket
that verifies — and then drive off: a demo truck's JT/T 808 terminal (over TCP, through the in-app
gateway) reports it leaving through the designated gate, and the GPS worker opens its waybill.
No hardware and no hand on the keyboard."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path

import httpx
import shapely
from shapely.geometry import shape

from backend.demo import road as demo_road
from backend.demo.seed import DEMO_FLEET, DEMO_PASSWORD, MINE_SITE
from geo.pipeline import Pipeline
from geo.pipeline import model as m
from geo.position import Position
from tests.live import free_port, live_server

SITE = "示范煤矿销售场区"
FLEET_PLATES = {t["plate"] for t in DEMO_FLEET}


def _login(base: str, phone: str) -> dict[str, str]:
    r = httpx.post(f"{base}/api/auth/login", json={"phone": phone, "password": DEMO_PASSWORD})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['tokens']['accessToken']}"}


def test_the_demo_lane_weighs_a_truck_into_a_verified_ticket_and_its_waybill_opens(tmp_path: Path) -> None:
    # The demo trucks cross the yard fast and report every 2 s, so the test waits seconds, not minutes.
    env = {"MEITONG_DEMO_LOADING_S": "8", "MEITONG_SMS_SENDER": f"file:{tmp_path / 'sms.jsonl'}",
           "MEITONG_JT808_PORT": str(free_port()), "MEITONG_DEMO_YARD_KMH": "120", "MEITONG_DEMO_FIX_PERIOD_S": "2"}
    with live_server(var_dir=tmp_path, env=env, unset=("DATABASE_URL", "REDIS_URL"), demo_lane=True) as base:
        sales = _login(base, "13800000002")
        site_id = next(s["id"] for s in httpx.get(f"{base}/api/mine/sites", headers=sales).json() if s["name"] == SITE)
        tickets: list[dict] = []
        states: set[str] = set()
        deadline = time.monotonic() + 150
        while not tickets and time.monotonic() < deadline:
            lanes = httpx.get(f"{base}/api/mine/sites/{site_id}/lanes", headers=sales).json()
            states |= {lane["state"] for lane in lanes if lane["deviceCode"]}
            r = httpx.get(f"{base}/api/mine/sites/{site_id}/tickets", headers=sales)
            tickets = r.json()["items"]
            time.sleep(1.0)
        assert tickets, f"no ticket within 150 s; lane states seen: {states}; log: {(tmp_path / 'server.log').read_text()[-3000:]}"
        ticket = tickets[0]
        # A free demo truck takes the load before 王师傅's.
        assert ticket["plate"] in FLEET_PLATES and 28_000 <= ticket["netKg"] <= 30_000, ticket
        assert states & {"idle", "weighing", "entering", "exiting", "submitting"}, states
        no, code = ticket["verifyUrl"].split("/verify/")[1].split("?c=")
        r = httpx.get(f"{base}/api/public/tickets/{no}/verify", params={"c": code})
        assert r.json()["valid"] is True, r.text

        # The truck drives off through 北门: the worker sees it leave the mine and opens its waybill.
        waybill, on_map = None, None
        deadline = time.monotonic() + 90
        while (waybill is None or on_map is None) and time.monotonic() < deadline:
            time.sleep(1.0)
            items = httpx.get(f"{base}/api/mine/waybills", headers=sales).json()["items"]
            waybill = next((w for w in items if w["plate"] == ticket["plate"] and w["status"] == "open"), None)
            live = httpx.get(f"{base}/api/mine/tracking/live", headers=sales).json()
            truck = next((v for v in live["vehicles"] if v["plate"] == ticket["plate"]), None)
            outside = truck is not None and not shape(MINE_SITE["fence"]).contains(shapely.Point(truck["lon"], truck["lat"]))
            on_map = truck if outside and truck["waybillNo"] else None
        log = (tmp_path / "server.log").read_text()[-3000:]
        assert waybill is not None and on_map is not None, f"waybill {waybill}, map {on_map}; log: {log}"
        assert waybill["originSiteId"] == site_id and waybill["openedBy"] == "gps", waybill
        assert on_map["waybillNo"] == waybill["waybillNo"] and not on_map["stale"], on_map
        detail = httpx.get(f"{base}/api/mine/waybills/{waybill['waybillNo']}", headers=sales).json()
        kinds = [e["kind"] for e in detail["events"]]
        assert "site_exit" in kinds and "exit_not_designated" not in kinds, kinds


def test_the_demo_road_keeps_its_corridor_and_the_coverage_hole_forgives_the_silence() -> None:
    """The whole outbound leg of a demo truck through the real pipeline, in simulated time: out
    through 北门, along the waybill's straight corridor past the checkpoint, silent across the
    coverage hole (then its blind-area batch), resting at the service area, into the plant."""
    line = demo_road.Line(demo_road.origin_of(MINE_SITE["fence"]), demo_road.PLANT)
    gates = tuple(m.Exit(g["lon"], g["lat"], g["designated"], g["direction"], g["name"]) for g in MINE_SITE["gates"])
    plant = {"type": "Polygon", "coordinates": [[[111.236, 39.857], [111.244, 39.857], [111.244, 39.863],
                                                 [111.236, 39.863], [111.236, 39.857]]]}
    world = m.World(
        sites=(m.Site("mine", "mine", MINE_SITE["fence"], gates), m.Site("plant", "plant", plant)),
        zones=tuple(m.Zone(f"z{i}", kind, name, g) for i, (kind, name, g) in enumerate(demo_road.zones(line))),
        corridors=(m.Corridor("w1", "v1", {"type": "LineString", "coordinates": [list(line_end) for line_end in
                   (demo_road.origin_of(MINE_SITE["fence"]), demo_road.PLANT)]}, 1_000.0, "mine", "plant"),),
    )
    pipeline, states = Pipeline(world), {}
    hole = shape(next(g for kind, _, g in demo_road.zones(line) if kind == "coverage_hole"))
    start = datetime(2026, 11, 24, 1, 0, tzinfo=UTC)
    fixes = demo_road.round_trip(line, start=start, yard_kmh=15, road_kmh=65, period_s=10)
    plant_yard = shape(plant)
    arrived = next(f.at for f in fixes if f.distance_m > 0 and plant_yard.contains(shapely.Point(f.lon, f.lat)))
    outbound = [f for f in fixes if f.at <= arrived]
    events, buffered, silent_fixes = [], [], 0

    def send(batch: list, *, archive: bool, now_s: float) -> None:
        positions = [Position("v1", f.at.timestamp(), f.lon, f.lat, f.speed_kmh, f.course_deg, archive=archive)
                     for f in batch]
        events.extend(pipeline.process(positions, states, now_s=now_s).events)

    for f in outbound:
        now_s = f.at.timestamp() + 1
        if hole.contains(shapely.Point(f.lon, f.lat)):
            buffered.append(f)  # no network: the terminal keeps it
            silent_fixes += 1
        else:
            if buffered:
                send(buffered, archive=True, now_s=now_s)
                buffered = []
            send([f], archive=False, now_s=now_s)
        if int(now_s) % 60 == 1:
            events.extend(pipeline.sweep(states, now_s=now_s))
    kinds = [(e.kind, e.site_id) for e in events]
    assert silent_fixes * 10 > 600, silent_fixes  # longer than the signal-gap threshold
    assert kinds == [("site_enter", "mine"), ("site_exit", "mine"), ("site_enter", "plant")], kinds
