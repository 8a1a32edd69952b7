"""Daily sales against a site's own baseline and its approved capacity, from tickets the lane
issued (the offline lane's late uploads count on the day they were weighed), judged by the
registered job `weighing.daily_sales`. The approved capacity is set where sites are edited."""

from __future__ import annotations

import dataclasses
import uuid
from datetime import timedelta

import httpx
import pytest
from litestar import Litestar

from backend import clock as backend_clock
from backend.context import Context
from backend.settings import Settings
from tests import conftest
from tests.alerts import helpers as ah
from tests.clock import TestClock
from tests.watchdog import helpers as wdh
from tests.weighing import helpers as wh


@pytest.fixture
def settings(database_url: str) -> Settings:
    # Two selling days of history are enough here (28 days of tickets would make a slow test).
    return dataclasses.replace(conftest._settings(database_url), sales_baseline_min_days=2)


async def _run(ctx: Context) -> dict[str, int]:
    return await wdh.run_job(ctx, "weighing.daily_sales")


async def test_a_day_far_above_the_baseline_and_the_capacity_alerts_once(
        ctx: Context, client: httpx.AsyncClient, app: Litestar, clock: TestClock) -> None:
    lw = await wh.lane_world(ctx, client, app)
    now = backend_clock.now()
    # Two earlier days of 10 t each (the lane's offline uploads, weighed on those days).
    first = await wh.weigh_cycle(lw, lw.order_id, tare_kg=15_000, gross_kg=25_000, t0=now - timedelta(days=2, minutes=31))
    assert first["accepted"], first
    assert (await _run(ctx)) == {"aboveBaseline": 0, "aboveCapacity": 0}  # nothing sold today yet
    second = await wh.weigh_cycle(lw, await wh.another_order(client, lw), tare_kg=15_000, gross_kg=25_000,
                                  t0=now - timedelta(days=1, minutes=31))
    assert second["accepted"], second
    # Today: 29 t, within no approved capacity (none set) but above 2 x the 10 t median.
    today = await wh.weigh_cycle(lw, await wh.another_order(client, lw), tare_kg=15_000, gross_kg=44_000,
                                 t0=now - timedelta(minutes=31))
    assert today["accepted"], today
    assert (await _run(ctx)) == {"aboveBaseline": 1, "aboveCapacity": 0}
    [alert] = await ah.all_alerts(ctx)
    site = uuid.UUID(lw.gw.site_id)
    assert (alert.kind, alert.grade, alert.site_id) == ("sales_above_baseline", "orange", site), alert
    assert alert.details["soldKg"] == 29_000 and alert.details["baselineKg"] == 10_000
    assert alert.details["historyDays"] == 2 and alert.details["day"] == clock.today_china().isoformat()

    # The site's approved capacity, set where sites are edited: 20 t a day, sold 29 t.
    r = await client.patch(f"/api/enterprise/sites/{lw.gw.site_id}", json={"approvedCapacityTPerDay": 20},
                           headers=lw.gw.w.parties.seller)
    assert r.status_code == 200 and r.json()["approvedCapacityTPerDay"] == 20, r.text
    r = await client.patch(f"/api/enterprise/sites/{lw.gw.site_id}", json={"approvedCapacityTPerDay": 0},
                           headers=lw.gw.w.parties.seller)
    assert r.status_code in (400, 422) and "approvedCapacityTPerDay" in r.text, r.text
    clock.advance(3600)  # the next hourly run
    assert (await _run(ctx)) == {"aboveBaseline": 1, "aboveCapacity": 1}
    alerts = await ah.all_alerts(ctx)
    assert sorted((a.kind, a.count) for a in alerts) == [("sales_above_baseline", 2), ("sales_above_capacity", 1)]
    [cap] = [a for a in alerts if a.kind == "sales_above_capacity"]
    assert cap.grade == "red" and cap.details["approvedCapacityTPerDay"] == 20 and cap.details["soldKg"] == 29_000
    found = await ah.evidence_found(ctx, cap.id)
    assert found["daily_sales"] and found["approved_capacity"], found
    [above] = [a for a in alerts if a.kind == "sales_above_baseline"]
    assert (await ah.evidence_found(ctx, above.id))["baseline"] is True


async def test_without_enough_history_there_is_no_baseline(ctx: Context, client: httpx.AsyncClient,
                                                          app: Litestar) -> None:
    lw = await wh.lane_world(ctx, client, app)
    now = backend_clock.now()
    assert (await wh.weigh_cycle(lw, lw.order_id, tare_kg=15_000, gross_kg=20_000,
                                 t0=now - timedelta(days=1, minutes=31)))["accepted"]
    assert (await wh.weigh_cycle(lw, await wh.another_order(client, lw), tare_kg=15_000, gross_kg=44_000,
                                 t0=now - timedelta(minutes=31)))["accepted"]
    assert (await _run(ctx)) == {"aboveBaseline": 0, "aboveCapacity": 0}  # one day of history: too little
    assert await ah.all_alerts(ctx) == []
