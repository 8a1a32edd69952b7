"""Issue 4: "restarting the platform loses no queue entry and no one's place".

The hardest case: the embedded defaults, where the Redis substitute lives inside the server
process and dies with it. Three trucks (one new-energy) check in over HTTP to a live server; the
server is stopped and started again on the same SQLite file; every driver's card and the mine's
board are the same as before, because the queue is rebuilt from SQL at start-up.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import httpx

from tests import factories as f
from tests.drivers import helpers as dh
from tests.live import live_server

ZONE_LON, ZONE_LAT = 107.5060, 38.2000  # the centre of the demo site's check-in zone (backend/demo/seed.py)
PASSWORD = "Meitong2026"


def _login(base: str, phone: str, password: str = PASSWORD) -> dict[str, str]:
    r = httpx.post(f"{base}/api/auth/login", json={"phone": phone, "password": password})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['tokens']['accessToken']}"}


def _sms_code(outbox: Path, phone: str) -> str:
    texts = [json.loads(line)["text"] for line in outbox.read_text().splitlines() if phone in line]
    match = re.search(r"(\d{6})", texts[-1])
    assert match, texts
    return match.group(1)


def _driver(base: str, outbox: Path, *, plate: str, nev: bool) -> tuple[str, dict[str, str]]:
    phone = f.phone()
    assert httpx.post(f"{base}/api/auth/sms", json={"phone": phone, "purpose": "register"}).status_code == 202
    body = dh.register_body(phone, _sms_code(outbox, phone))
    r = httpx.post(f"{base}/api/driver/register", json=body)
    assert r.status_code == 201, r.text
    headers = {"Authorization": f"Bearer {r.json()['tokens']['accessToken']}"}
    vehicle = dh.vehicle_body(plate=plate, **({"plateColour": "yellow_green", "energyType": "electric"} if nev else {}))
    r = httpx.post(f"{base}/api/driver/vehicles", json=vehicle, headers=headers)
    assert r.status_code == 201, r.text
    return phone, headers


def _snapshot(base: str, drivers: list[dict[str, str]], orders: list[str], sales: dict[str, str],
              site_id: str) -> tuple[list[Any], Any]:
    cards = []
    for headers, order_id in zip(drivers, orders, strict=True):
        r = httpx.get(f"{base}/api/driver/queue/{order_id}", headers=headers)
        assert r.status_code == 200, r.text
        card = r.json()
        cards.append((card["orderId"], card["state"], card["position"], card["ahead"], card["checkedInAt"]))
    board = httpx.get(f"{base}/api/mine/sites/{site_id}/queue", params={"line": "mixed_coal"}, headers=sales)
    assert board.status_code == 200, board.text
    waiting = [(w["position"], w["orderId"], w["plate"]) for line in board.json()["lines"] for w in line["waiting"]]
    return cards, waiting


def test_a_restart_keeps_every_place_in_the_queue(tmp_path: Path) -> None:
    outbox = tmp_path / "sms.jsonl"
    env = {"MEITONG_SMS_SENDER": f"file:{outbox}"}
    unset = ("DATABASE_URL", "REDIS_URL")
    with live_server(var_dir=tmp_path, env=env, unset=unset) as base:
        sales, dispatcher = _login(base, "13800000002"), _login(base, "13800000003")
        site_id = next(s["id"] for s in httpx.get(f"{base}/api/mine/sites", headers=sales).json()
                       if s["name"] == "示范煤矿销售场区")
        contract_id = httpx.get(f"{base}/api/enterprise/contracts", params={"role": "seller", "status": "active"},
                                headers=sales).json()["items"][0]["id"]
        trucks = [_driver(base, outbox, plate=p, nev=nev)
                  for p, nev in (("蒙K31001", False), ("蒙K31002", False), ("蒙K31003D", True))]
        r = httpx.post(f"{base}/api/mine/orders", headers=sales, json={
            "contractId": contract_id, "siteId": site_id, "plannedKg": 30_000, "count": 3})
        assert r.status_code == 201, r.text
        orders = [o["id"] for o in r.json()]
        for order_id, (phone, headers), plate in zip(orders, trucks, ("蒙K31001", "蒙K31002", "蒙K31003D"), strict=True):
            r = httpx.post(f"{base}/api/mine/orders/{order_id}/dispatch", headers=dispatcher,
                           json={"plate": plate, "driverPhone": phone})
            assert r.status_code == 200, r.text
            r = httpx.post(f"{base}/api/driver/orders/{order_id}/check-in", headers=headers,
                           json={"lon": ZONE_LON, "lat": ZONE_LAT, "accuracyM": 15})
            assert r.status_code == 200, r.text
        drivers = [headers for _, headers in trucks]
        before = _snapshot(base, drivers, orders, sales, site_id)
    # The new-energy truck checked in last and still leads (the site's NEV-first setting).
    assert [c[2] for c in before[0]] == [2, 3, 1], before
    with live_server(var_dir=tmp_path, env=env, unset=unset, seed=False) as base:
        sales = _login(base, "13800000002")
        drivers = [_login(base, phone, dh.PASSWORD) for phone, _ in trucks]
        after = _snapshot(base, drivers, orders, sales, site_id)
    assert after == before
