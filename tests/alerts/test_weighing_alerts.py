"""Alerts raised by refused weighings, through the lane's signed interface: stored once per weighing
(a repeated upload raises none), told through the notices outbox to the site's enterprise_admin and
dispatchers only (never its sales, the buyer or the driver), by SMS as well when red."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import httpx
from litestar import Litestar

from backend.context import Context
from tests.alerts import helpers as ah
from tests.weighing import helpers as wh

T0 = datetime.now(UTC) - timedelta(hours=2)


async def _tared(ctx: Context, client: httpx.AsyncClient, app: Litestar) -> wh.LaneWorld:
    lw = await wh.lane_world(ctx, client, app)
    assert (await wh.identify(lw, code=await wh.pass_code(client, lw)))["accepted"]
    assert (await wh.submit(lw, wh.weighing_body(lw, kind="tare", weight_kg=15_000, at=T0)))["accepted"]
    return lw


async def _people(client: httpx.AsyncClient, lw: wh.LaneWorld) -> dict[str, tuple[uuid.UUID, str]]:
    w = lw.gw.w
    headers = {"seller_admin": w.parties.seller, "seller_dispatcher": w.dispatcher, "seller_sales": w.parties.sales,
               "buyer_admin": w.parties.buyer, "buyer_dispatcher": w.parties.buyer_staff,
               "driver": lw.gw.trucker.headers}
    return {name: await ah.me(client, h) for name, h in headers.items()}


async def test_a_refusal_alerts_the_sites_enterprise_once(ctx: Context, client: httpx.AsyncClient,
                                                           app: Litestar) -> None:
    lw = await _tared(ctx, client, app)
    people = await _people(client, lw)
    body = wh.weighing_body(lw, kind="gross", weight_kg=44_000, at=T0 + timedelta(minutes=30), plate="蒙A99999")
    first = await wh.submit(lw, body)
    assert (first["accepted"], first["code"], first["alerts"]) == (False, "plate_mismatch", ["plate_mismatch"]), first
    again = await wh.submit(lw, body)  # the lane did not note the answer and sends the same weighing again
    assert again["duplicate"] is True and again["alerts"] == ["plate_mismatch"]

    [alert] = await ah.all_alerts(ctx)
    seller, site = lw.gw.w.parties.seller_id, uuid.UUID(lw.gw.site_id)
    assert (alert.kind, alert.grade, alert.site_id, alert.plate, alert.status) == (
        "plate_mismatch", "orange", site, lw.plate, "open")
    assert alert.ref == f"weighing:{body['weighingId']}" and alert.order_no == lw.gw.order["orderNo"]
    assert lw.plate in alert.message_zh and "蒙A99999" in alert.message_zh and alert.message_en
    assert alert.details == {"plateRead": "蒙A99999", "plate": lw.plate}
    assert alert.raised_at == datetime.fromisoformat(body["weighedAt"])
    assert [a.id for a in await ah.all_alerts(ctx, org_id=seller)] == [alert.id]
    assert [a.id for a in await ah.all_alerts(ctx, site_id=site)] == [alert.id]
    assert await ah.all_alerts(ctx, org_id=lw.gw.w.parties.buyer_id) == []

    told = await ah.alert_notices(ctx)
    expected = [("alert_plate_mismatch", str(alert.id), [("inbox", None)])]  # orange: no SMS
    assert told == {people["seller_admin"][0]: expected, people["seller_dispatcher"][0]: expected}, told
    # The inbox API shows it to them, and to nobody else.
    for name, headers in (("seller_dispatcher", lw.gw.w.dispatcher), ("seller_sales", lw.gw.w.parties.sales),
                          ("buyer_dispatcher", lw.gw.w.parties.buyer_staff)):
        r = await client.get("/api/notices/inbox", headers=headers)
        kinds = [n["kind"] for n in r.json()["items"] if n["kind"].startswith("alert_")]
        assert kinds == (["alert_plate_mismatch"] if name == "seller_dispatcher" else []), (name, r.text)


async def test_red_goes_by_sms_too_and_plain_refusals_raise_nothing(ctx: Context, client: httpx.AsyncClient,
                                                                        app: Litestar) -> None:
    lw = await _tared(ctx, client, app)
    people = await _people(client, lw)
    blocked = wh.weighing_body(lw, kind="gross", weight_kg=44_000, at=T0 + timedelta(minutes=30), gratings=(True, False))
    answer = await wh.submit(lw, blocked)
    assert (answer["code"], answer["alerts"]) == ("grating_blocked", []), answer
    assert await ah.all_alerts(ctx) == [] and await ah.alert_notices(ctx) == {}

    # Six axles: 49 t legal gross. 51 t is an overload, the loudest grade.
    over = wh.weighing_body(lw, kind="gross", weight_kg=51_000, at=T0 + timedelta(minutes=35))
    assert (await wh.submit(lw, over))["alerts"] == ["overweight"]
    [alert] = await ah.all_alerts(ctx)
    assert (alert.kind, alert.grade) == ("overweight", "red")
    told = await ah.alert_notices(ctx)
    assert set(told) == {people["seller_admin"][0], people["seller_dispatcher"][0]}, told
    for name in ("seller_admin", "seller_dispatcher"):
        user_id, phone = people[name]
        assert told[user_id] == [("alert_overweight", str(alert.id), [("inbox", None), ("sms", phone)])]
