"""A mine whose lane refuses a weighing that jumped (a red weight_jump alert, raised the real way), its
people, and the regulators around it: the mine's district (150623), its city (150600), another
district of the same city (150602) and another city (150300). Helpers to drive an alert over HTTP."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import httpx
import msgspec
from litestar import Litestar

from backend import clock as backend_clock
from backend.context import Context
from backend.domain.alerts import service as alerts
from backend.domain.alerts.schemas import AlertOut, AlertRaise
from devices.sim.camera import tiny_jpeg
from tests.alerts import helpers as ah
from tests.sites import helpers as sh
from tests.weighing import helpers as wh

DISTRICT, CITY, OTHER_DISTRICT, OTHER_CITY = "150623", "150600", "150602", "150300"
JPEG = tiny_jpeg("disposal photo")


@dataclass(frozen=True)
class Flow:
    lw: wh.LaneWorld
    people: dict[str, dict[str, str]]  # label -> bearer headers
    users: dict[str, uuid.UUID]  # label -> user id
    names: dict[str, str]  # label -> the person's name

    @property
    def mine(self) -> uuid.UUID:
        return uuid.UUID(str(self.lw.gw.w.parties.seller_id))

    @property
    def site(self) -> uuid.UUID:
        return uuid.UUID(self.lw.gw.site_id)


async def world(ctx: Context, client: httpx.AsyncClient, app: Litestar, *, tare_at: datetime) -> Flow:
    """The mine's lane with the truck tared at `tare_at`, and everyone around it, logged in."""
    lw = await wh.lane_world(ctx, client, app)
    assert (await wh.identify(lw, code=await wh.pass_code(client, lw)))["accepted"]
    assert (await wh.submit(lw, wh.weighing_body(lw, kind="tare", weight_kg=15_000, at=tare_at)))["accepted"]
    p = lw.gw.w.parties
    people = {"mine_admin": p.seller, "mine_dispatcher": lw.gw.w.dispatcher, "mine_sales": p.sales,
              "buyer_admin": p.buyer, "driver": lw.gw.trucker.headers}
    for label, code in (("district", DISTRICT), ("city", CITY), ("other_district", OTHER_DISTRICT),
                        ("other_city", OTHER_CITY)):
        _, people[label] = await sh.regulator(ctx, client, code)
    users, names = {}, {}
    for label, headers in people.items():
        r = await client.get("/api/auth/me", headers=headers)
        assert r.status_code == 200, r.text
        users[label], names[label] = uuid.UUID(r.json()["userId"]), r.json()["name"]
    return Flow(lw=lw, people=people, users=users, names=names)


def routing_body(*, red_audience: list[str], ack_min: int, close_min: int) -> dict[str, Any]:
    """The platform defaults with red routed to `red_audience` on the given deadlines, inbox only."""
    body: dict[str, Any] = msgspec.to_builtins(alerts.ROUTING_DEFAULTS)
    body["red"] = {"audience": red_audience, "ackMin": ack_min, "closeMin": close_min, "channels": ["inbox"]}
    return body


async def set_routing(client: httpx.AsyncClient, headers: dict[str, str], region_code: str,
                      body: dict[str, Any]) -> None:
    r = await client.put(f"/api/regulator/alert-routing/{region_code}", json=body, headers=headers)
    assert r.status_code == 200, r.text
    assert r.json()["source"] == "own"


async def raise_jump(ctx: Context, fw: Flow, *, at: datetime) -> uuid.UUID:
    """The lane reports a gross whose weight jumped while the truck stood still: refused, and a red
    weight_jump alert raised at `at` (the weighing's time)."""
    trace = wh.settle_trace(40_000) + [[6200 + 100 * i, 45_000, 1] for i in range(20)]
    answer = await wh.submit(fw.lw, wh.weighing_body(fw.lw, kind="gross", weight_kg=45_000, trace=trace, at=at))
    assert (answer["accepted"], answer["code"], answer["alerts"]) == (False, "weight_jump", ["weight_jump"]), answer
    [alert] = [a for a in await ah.all_alerts(ctx) if a.kind == "weight_jump" and a.plate == fw.lw.plate]
    return alert.id


async def raise_red(ctx: Context, fw: Flow, *, plate: str, at: datetime) -> uuid.UUID:
    """Another red alert at the mine's site, about another truck (through alerts.raise_alert)."""
    async with ctx.sessions() as session:
        out = await alerts.raise_alert(session, at=at, data=AlertRaise(
            kind="weight_jump", org_id=fw.mine, site_id=fw.site, region_code=DISTRICT, ref=f"weighing:{plate}",
            plate=plate, message_zh=f"1号磅道 {plate}：称重数据跳变", message_en=f"Lane 1 {plate}: weight jump"))
        await session.commit()
    return out.id


async def detail(client: httpx.AsyncClient, alert_id: uuid.UUID, headers: dict[str, str]) -> dict[str, Any]:
    r = await client.get(f"/api/alerts/{alert_id}", headers=headers)
    assert r.status_code == 200, r.text
    body: dict[str, Any] = r.json()
    return body


async def post(client: httpx.AsyncClient, alert_id: uuid.UUID, action: str, headers: dict[str, str],
               body: dict[str, Any] | None = None, *, status: int = 200) -> dict[str, Any]:
    r = await client.post(f"/api/alerts/{alert_id}/{action}", json=body or {}, headers=headers)
    assert r.status_code == status, r.text
    out: dict[str, Any] = r.json()
    return out


async def upload(client: httpx.AsyncClient, alert_id: uuid.UUID, headers: dict[str, str], *, purpose: str = "disposal",
                 data: bytes = JPEG, name: str = "现场照片.jpg") -> str:
    r = await client.put(f"/api/alerts/{alert_id}/files", params={"purpose": purpose, "name": name}, content=data,
                         headers=headers)
    assert r.status_code == 201, r.text
    assert (r.json()["mediaType"], r.json()["sizeBytes"], r.json()["attached"]) == ("image/jpeg", len(data), False)
    return str(r.json()["id"])


def now_minus(minutes: float) -> datetime:
    return backend_clock.now() - timedelta(minutes=minutes)


def actions(d: dict[str, Any]) -> list[str]:
    return [s["action"] for s in d["steps"]]


async def refresh(ctx: Context, alert_id: uuid.UUID) -> AlertOut:
    async with ctx.sessions() as session:
        return await alerts.read_alert(session, actor=sh.PLATFORM, alert_id=alert_id)
