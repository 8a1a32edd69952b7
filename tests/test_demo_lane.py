"""`make run`'s simulated lane: on the embedded defaults, a newcomer watches 王师傅's truck weighed
at the demo mine — the lane reports itself live, and tare, loading and gross end in a ticket that
verifies, with no hardware and no hand on the keyboard."""

from __future__ import annotations

import time
from pathlib import Path

import httpx

from backend.seed import DEMO_PASSWORD
from tests.live import live_server

SITE = "示范煤矿销售场区"
SIM_PLATE = "蒙K55177"


def _login(base: str, phone: str) -> dict[str, str]:
    r = httpx.post(f"{base}/api/auth/login", json={"phone": phone, "password": DEMO_PASSWORD})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['tokens']['accessToken']}"}


def test_the_demo_lane_weighs_a_truck_into_a_verified_ticket(tmp_path: Path) -> None:
    env = {"MEITONG_DEMO_LOADING_S": "8", "MEITONG_SMS_SENDER": f"file:{tmp_path / 'sms.jsonl'}"}
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
        assert ticket["plate"] == SIM_PLATE and 28_000 <= ticket["netKg"] <= 30_000, ticket
        assert states & {"idle", "weighing", "entering", "exiting", "submitting"}, states
        no, code = ticket["verifyUrl"].split("/verify/")[1].split("?c=")
        r = httpx.get(f"{base}/api/public/tickets/{no}/verify", params={"c": code})
        assert r.json()["valid"] is True, r.text
