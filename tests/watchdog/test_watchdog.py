"""The device watchdog through the paths real devices use: heartbeats on /open/v1, a JT/T 808
terminal's reports, waybills opened by an enterprise system, and the registered sweep job.

- a lane controller that stops reporting raises device_silent; flapping (silent/back 5 times in an
  hour) counts 5 on ONE alert; back for the whole hold, the platform closes it as recovered with
  the outage's length on its timeline (GET /api/alerts/{id});
- a site whose every device is silent raises one site_silent (not one alert per device): orange,
  red when a load left the site during the silence;
- a truck's terminal silent on the road raises device_silent for its carrier.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

import httpx
from litestar import Litestar

from backend.context import Context
from backend.domain.terminals import service as terminals
from tests.alerts import helpers as ah
from tests.clock import TestClock
from tests.terminals import helpers as th
from tests.watchdog import helpers as h
from tests.waybills import helpers as wbh
from tests.weighing import helpers as wh


def _of(alerts: list, kind: str) -> list:
    return [a for a in alerts if a.kind == kind]


async def test_a_flapping_lane_is_one_alert_with_a_count_and_recovery_closes_it_with_the_outage(
        ctx: Context, client: httpx.AsyncClient, app: Litestar, clock: TestClock) -> None:
    start = clock.freeze()
    lw = await wh.lane_world(ctx, client, app, called=False)
    silent_s = ctx.settings.watchdog_device_silent_after_s
    assert (await h.sweep(ctx))["silent"] == 0  # never reported: not commissioned, not expected
    await h.beat(app, lw.key, lw.device_code)
    clock.advance(silent_s - 10)
    assert (await h.sweep(ctx))["silent"] == 0 and await ah.all_alerts(ctx) == []

    # Five outages of 6 minutes, each followed by a minute back: 35 minutes, one alert counting five.
    for i in range(5):
        clock.advance(70)  # silent_s + 60 since the last report
        counts = await h.sweep(ctx)
        assert (counts["raised"], counts["flapped"]) == ((1, 0) if i == 0 else (0, 1)), (i, counts)
        assert (await h.sweep(ctx))["raised"] == 0  # the same outage is not raised twice
        await h.beat(app, lw.key, lw.device_code)
        clock.advance(60)
        assert (await h.sweep(ctx))["back"] == 1
        clock.advance(silent_s - 70)
    [alert] = await ah.all_alerts(ctx)
    assert (alert.kind, alert.grade, alert.count, alert.status) == ("device_silent", "blue", 5, "open"), alert
    assert alert.site_id == uuid.UUID(lw.gw.site_id)
    assert alert.details["laneId"] == lw.lane_id and alert.details["deviceCode"] == lw.device_code
    assert alert.details["deviceKind"] == "lane_controller"
    assert (await ah.evidence_found(ctx, alert.id))["heartbeats"] is True

    # Back for good: it stays open through the hold, then closes itself as recovered.
    hold_s = ctx.settings.watchdog_recovery_hold_s
    clock.advance(70)
    assert (await h.sweep(ctx))["flapped"] == 1  # a sixth outage first (6 minutes again)
    await h.beat(app, lw.key, lw.device_code)
    back_at = clock.now()
    assert (await h.sweep(ctx))["back"] == 1  # the sweep sees its report: the hold counts from it
    waited = 0
    while waited < hold_s:
        assert (await ah.all_alerts(ctx))[0].status == "open", waited
        step = min(240, hold_s - waited)
        clock.advance(step)
        waited += step
        await h.beat(app, lw.key, lw.device_code)
        await h.sweep(ctx)
    [alert] = await ah.all_alerts(ctx)
    assert (alert.status, alert.outcome, alert.count) == ("closed", "recovered", 6), alert

    clock.freeze(start)  # back to when the seller's admin signed in (the access token lives 15 minutes)
    r = await client.get(f"/api/alerts/{alert.id}", headers=lw.gw.w.parties.seller)
    assert r.status_code == 200, r.text
    steps = r.json()["steps"]
    assert [s["action"] for s in steps] == ["raised", "closed"], steps
    closed = steps[-1]["data"]
    assert closed["outcome"] == "recovered" and closed["outageS"] == silent_s + 60 and closed["outages"] == 6, closed
    assert closed["totalOutageS"] == 6 * (silent_s + 60)
    assert closed["backAt"] == back_at.isoformat()


async def test_a_site_gone_dark_is_one_site_alert_red_when_its_trucks_are_on_the_road(
        ctx: Context, client: httpx.AsyncClient, app: Litestar, clock: TestClock) -> None:
    lw = await wbh.ticketed(ctx, client, app)  # a lane controller and a gate scanner; a truck ticketed
    clock.freeze()
    admin = lw.gw.w.parties.seller
    codes = await h.device_codes(client, admin, lw.gw.site_id)
    await h.beat(app, lw.key, lw.device_code)
    await h.beat(app, lw.gw.device, codes["qr_scanner"])
    silent_s = ctx.settings.watchdog_device_silent_after_s
    clock.advance(silent_s // 2)
    # The site's devices are dark, but the truck leaves: the seller's system opens its waybill.
    r = await h.signed_post(app, lw.gw.erp, "/open/v1/waybills", {"orderNo": lw.gw.order["orderNo"]})
    assert r.status_code == 201, r.text
    clock.advance(silent_s)
    counts = await h.sweep(ctx)
    assert (counts["silent"], counts["raised"]) == (1, 1), counts
    [alert] = await ah.all_alerts(ctx)
    assert (alert.kind, alert.grade, alert.site_id) == ("site_silent", "red", uuid.UUID(lw.gw.site_id)), alert
    assert alert.details["devices"] == 2 and alert.details["waybillsMeanwhile"] == [r.json()["waybillNo"]]
    # The scanner reports again: the site is back (its hold starts), and the lane still silent is
    # now an alert of its own.
    await h.beat(app, lw.gw.device, codes["qr_scanner"])
    counts = await h.sweep(ctx)
    assert (counts["back"], counts["raised"]) == (1, 1), counts
    [lane] = _of(await ah.all_alerts(ctx), "device_silent")
    assert lane.details["deviceCode"] == lw.device_code and lane.grade == "blue"


async def test_a_quiet_site_without_trucks_out_is_orange(ctx: Context, client: httpx.AsyncClient, app: Litestar,
                                                         clock: TestClock) -> None:
    clock.freeze()
    lw = await wh.lane_world(ctx, client, app, called=False)
    codes = await h.device_codes(client, lw.gw.w.parties.seller, lw.gw.site_id)
    await h.beat(app, lw.key, lw.device_code)
    await h.beat(app, lw.gw.device, codes["qr_scanner"])
    clock.advance(ctx.settings.watchdog_device_silent_after_s // 2)
    await h.beat(app, lw.key, lw.device_code)  # the lane still reports: only the scanner is silent
    clock.advance(ctx.settings.watchdog_device_silent_after_s // 2 + 30)
    await h.sweep(ctx)
    [one] = await ah.all_alerts(ctx)
    assert (one.kind, one.details["deviceKind"]) == ("device_silent", "qr_scanner"), one
    clock.advance(ctx.settings.watchdog_device_silent_after_s)
    await h.sweep(ctx)
    alerts = await ah.all_alerts(ctx)
    [site] = _of(alerts, "site_silent")
    assert site.grade == "orange" and "waybillsMeanwhile" not in site.details, site
    assert len(_of(alerts, "device_silent")) == 1  # the scanner's alert stays; the lane's is the site's


async def test_a_terminal_silent_on_the_road_alerts_its_carrier(ctx: Context, client: httpx.AsyncClient,
                                                                 app: Litestar, clock: TestClock) -> None:
    lw = await wbh.ticketed(ctx, client, app)
    clock.freeze()
    phone = "013912345678"
    assert (await th.register(ctx, phone, lw.plate)).result == 0
    async with ctx.sessions() as session:  # the gateway's flush of last-seen times
        await terminals.touch(session, seen={phone: clock.now()})
        await session.commit()
    clock.advance(ctx.settings.watchdog_terminal_silent_after_s + 60)
    assert (await h.sweep(ctx))["silent"] == 0  # parked in the yard, on no waybill: it may sleep
    r = await h.signed_post(app, lw.gw.erp, "/open/v1/waybills", {"orderNo": lw.gw.order["orderNo"]})
    assert r.status_code == 201, r.text
    counts = await h.sweep(ctx)
    assert counts["raised"] == 1, counts
    [alert] = _of(await ah.all_alerts(ctx), "device_silent")
    assert alert.plate == lw.plate and alert.details["terminal"] == phone
    assert alert.details["waybillNo"] == r.json()["waybillNo"]
    # The terminal reports again (the gateway touches it) and stays up through the hold: recovered.
    for _ in range(ctx.settings.watchdog_recovery_hold_s // 300 + 1):
        async with ctx.sessions() as session:
            await terminals.touch(session, seen={phone: clock.now()})
            await session.commit()
        await h.sweep(ctx)
        clock.advance(300)
    await h.sweep(ctx)
    [alert] = _of(await ah.all_alerts(ctx), "device_silent")
    assert (alert.status, alert.outcome) == ("closed", "recovered"), alert
    assert timedelta(0) < alert.closed_at - alert.raised_at  # type: ignore[operator]
