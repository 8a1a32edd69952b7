"""Races at the weighbridge: a lane re-sending while its first upload is still in flight, and
two uploads of different gross weighings for one order at once. The invariants: one ticket per
order, the contract's tonnage booked once, every repeated weighingId answered alike."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import httpx
from litestar import Litestar

from backend.context import Context
from tests.orders import helpers as oh
from tests.weighing import helpers as wh

T0 = datetime.now(UTC) - timedelta(hours=3)


async def _tared(ctx: Context, client: httpx.AsyncClient, app: Litestar) -> wh.LaneWorld:
    lw = await wh.lane_world(ctx, client, app)
    assert (await wh.identify(lw, code=await wh.pass_code(client, lw)))["accepted"]
    assert (await wh.submit(lw, wh.weighing_body(lw, kind="tare", weight_kg=15_000, at=T0)))["accepted"]
    return lw


async def test_the_same_weighing_sent_ten_times_at_once_is_recorded_once(ctx: Context, client: httpx.AsyncClient,
                                                                         app: Litestar) -> None:
    lw = await _tared(ctx, client, app)
    body = wh.weighing_body(lw, kind="gross", weight_kg=44_000, at=T0 + timedelta(minutes=30))
    answers = await asyncio.gather(*(wh.submit(lw, body) for _ in range(10)))
    for a in answers:
        a.pop("duplicate")
    assert all(a == answers[0] for a in answers) and answers[0]["accepted"], answers
    assert (await oh.progress(client, lw.gw.w))["executedKg"] == 29_000
    r = await client.get(f"/api/mine/sites/{lw.gw.site_id}/tickets", headers=lw.gw.w.parties.sales)
    assert r.json()["total"] == 1, r.text


async def test_competing_gross_weighings_of_one_order_make_one_ticket(ctx: Context, client: httpx.AsyncClient,
                                                                      app: Litestar) -> None:
    lw = await _tared(ctx, client, app)
    bodies = [wh.weighing_body(lw, kind="gross", weight_kg=44_000 + 10 * i, at=T0 + timedelta(minutes=30))
              for i in range(8)]
    answers = await asyncio.gather(*(wh.submit(lw, b) for b in bodies))
    accepted = [a for a in answers if a["accepted"]]
    assert len(accepted) == 1, answers
    assert {a["code"] for a in answers if not a["accepted"]} <= {"reweigh_not_allowed"}, answers
    assert (await oh.progress(client, lw.gw.w))["executedKg"] == accepted[0]["netKg"]
    r = await client.get(f"/api/mine/sites/{lw.gw.site_id}/tickets", headers=lw.gw.w.parties.sales)
    assert r.json()["total"] == 1, r.text


async def test_a_late_offline_weighing_keeps_its_own_time_and_enters_the_order(ctx: Context, client: httpx.AsyncClient,
                                                                                app: Litestar) -> None:
    lw = await wh.lane_world(ctx, client, app, called=False)  # never identified online
    at = T0.replace(microsecond=0)
    answer = await wh.weigh_cycle(lw, lw.order_id, tare_kg=15_000, gross_kg=44_000, t0=at)
    assert answer["accepted"], answer
    r = await client.get(f"/api/mine/tickets/{answer['ticketNo']}", headers=lw.gw.w.parties.sales)
    ticket = r.json()
    assert datetime.fromisoformat(ticket["tareAt"]) == at, ticket
    assert datetime.fromisoformat(ticket["grossAt"]) == at + timedelta(minutes=30), ticket
    r = await client.get(f"/api/driver/orders/{lw.order_id}", headers=lw.gw.trucker.headers)
    states = [t["toStatus"] for t in r.json()["transitions"]]
    assert states[-2:] == ["entered", "completed"], r.text
