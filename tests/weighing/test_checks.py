"""Each anti-cheating check of issue 5 point 3, driven through the lane's signed interface: the
weighing is refused with its reason (and an alert where it smells of fraud), nothing is booked."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
from litestar import Litestar

from backend.context import Context
from backend.db.unit import unit_of_work
from backend.domain.audit import service as audit
from tests.orders import helpers as oh
from tests.orders import pass_helpers as ph
from tests.sites import helpers as sh
from tests.weighing import helpers as wh

T0 = datetime.now(UTC) - timedelta(hours=20)


async def _entered(ctx: Context, client: httpx.AsyncClient, app: Litestar) -> wh.LaneWorld:
    lw = await wh.lane_world(ctx, client, app)
    assert (await wh.identify(lw, code=await wh.pass_code(client, lw)))["accepted"]
    return lw


async def _tared(ctx: Context, client: httpx.AsyncClient, app: Litestar, kg: int = 15_000) -> wh.LaneWorld:
    lw = await _entered(ctx, client, app)
    assert (await wh.submit(lw, wh.weighing_body(lw, kind="tare", weight_kg=kg, at=T0)))["accepted"]
    return lw


async def _refused(lw: wh.LaneWorld, body: dict, code: str, *, alert: bool) -> dict:
    answer = await wh.submit(lw, body)
    assert answer["accepted"] is False and answer["code"] == code and not answer["openExit"], answer
    assert answer["messageZh"] and answer["messageEn"]
    assert (code in answer["alerts"]) is alert, answer
    return answer


async def test_plate_on_camera_differs_from_the_order(ctx: Context, client: httpx.AsyncClient, app: Litestar) -> None:
    lw = await _tared(ctx, client, app)
    body = wh.weighing_body(lw, kind="gross", weight_kg=44_000, at=T0 + timedelta(minutes=30), plate="蒙A99999")
    answer = await _refused(lw, body, "plate_mismatch", alert=True)
    assert "蒙A99999" in answer["messageZh"]
    assert [a.plate for a in await wh.alerts_of(ctx, "plate_mismatch")] == [lw.plate]
    assert (await oh.progress(client, lw.gw.w))["executedKg"] == 0


async def test_a_blocked_grating_makes_the_weight_invalid(ctx: Context, client: httpx.AsyncClient, app: Litestar) -> None:
    lw = await _entered(ctx, client, app)
    await _refused(lw, wh.weighing_body(lw, kind="tare", weight_kg=15_000, gratings=(False, True), at=T0),
                   "grating_blocked", alert=False)
    # Re-positioned, the same truck weighs: a refusal is no standing weighing.
    assert (await wh.submit(lw, wh.weighing_body(lw, kind="tare", weight_kg=15_000, at=T0)))["accepted"]


async def test_a_jump_while_the_truck_stands_still_is_a_remote_control_box(ctx: Context, client: httpx.AsyncClient,
                                                                           app: Litestar) -> None:
    lw = await _tared(ctx, client, app)
    trace = wh.settle_trace(40_000) + [[6200 + 100 * i, 45_000, 1] for i in range(20)]
    body = wh.weighing_body(lw, kind="gross", weight_kg=45_000, trace=trace, at=T0 + timedelta(minutes=30))
    answer = await _refused(lw, body, "weight_jump", alert=True)
    assert "40.00" in answer["messageZh"] and "45.00" in answer["messageZh"]
    assert (await wh.alerts_of(ctx, "weight_jump"))[0].grade == "red"
    # The same load without the step is fine.
    assert (await wh.submit(lw, wh.weighing_body(lw, kind="gross", weight_kg=40_000, at=T0 + timedelta(minutes=31))))["accepted"]


async def test_a_tare_far_from_the_trucks_history_is_refused(ctx: Context, client: httpx.AsyncClient, app: Litestar) -> None:
    lw = await wh.lane_world(ctx, client, app, called=False)
    for i, tare_kg in enumerate((15_000, 15_100, 14_900)):
        order_id = lw.order_id if i == 0 else await wh.another_order(client, lw)
        answer = await wh.weigh_cycle(lw, order_id, tare_kg=tare_kg, gross_kg=tare_kg + 25_000,
                                      t0=T0 + timedelta(hours=i))
        assert answer["accepted"], answer
    order_id = await wh.another_order(client, lw)
    # A water tank filled for the tare: 2.5 t over the usual 15 t (tolerance max(5 %, 300 kg) = 750 kg).
    body = wh.weighing_body(lw, kind="tare", weight_kg=17_500, at=T0 + timedelta(hours=5), offline=True,
                            order_id=order_id)
    answer = await _refused(lw, body, "tare_out_of_range", alert=True)
    assert "15.00" in answer["messageZh"], answer
    ok = wh.weighing_body(lw, kind="tare", weight_kg=15_300, at=T0 + timedelta(hours=5), offline=True, order_id=order_id)
    assert (await wh.submit(lw, ok))["accepted"]


async def test_the_same_plate_at_two_distant_sites_too_soon_is_a_cloned_plate(ctx: Context, client: httpx.AsyncClient,
                                                                             app: Litestar) -> None:
    lw = await wh.lane_world(ctx, client, app, called=False)
    assert (await wh.weigh_cycle(lw, lw.order_id, tare_kg=15_000, gross_kg=40_000, t0=T0))["accepted"]
    # A second yard of the seller 120 km north, with its own lane.
    far = sh.rect(*sh.offset(sh.LON, sh.LAT, north_m=120_000.0))
    admin, seller = lw.gw.w.parties.seller, lw.gw.w.parties.seller_id
    site_b = await sh.create_site(client, admin, seller, name="二号储煤场", fence=far)
    lane_b = await wh.add_lane(client, admin, site_b["id"])
    key_b, _ = await wh.lane_key(client, admin, seller, site_b["id"], lane_b)
    order_b = await wh.another_order(client, lw, site_id=site_b["id"])
    # 40 minutes after the gross at site A (T0 + 30 min): 120 km in 40 min is 180 km/h.
    body = wh.weighing_body(lw, kind="tare", weight_kg=15_000, at=T0 + timedelta(minutes=70), offline=True,
                            order_id=order_b, secret=key_b.secret)
    answer = await wh.submit(lw, body, lane=ph.machine(app, key_b))
    assert answer["code"] == "plate_elsewhere" and "plate_elsewhere" in answer["alerts"], answer
    body = wh.weighing_body(lw, kind="tare", weight_kg=15_000, at=T0 + timedelta(hours=3), offline=True,
                            order_id=order_b, secret=key_b.secret)
    assert (await wh.submit(lw, body, lane=ph.machine(app, key_b)))["accepted"]


async def test_loading_too_short_is_refused(ctx: Context, client: httpx.AsyncClient, app: Litestar) -> None:
    lw = await _tared(ctx, client, app)
    body = wh.weighing_body(lw, kind="gross", weight_kg=44_000, at=T0 + timedelta(minutes=2))
    answer = await _refused(lw, body, "loading_too_short", alert=True)
    assert "2.0" in answer["messageZh"], answer
    await wh.set_rules(ctx, lw.gw.site_id, min_loading_s=60)  # a site with a fast loader
    body = wh.weighing_body(lw, kind="gross", weight_kg=44_000, at=T0 + timedelta(minutes=2, seconds=1))
    assert (await wh.submit(lw, body))["accepted"]


async def test_a_gross_above_the_legal_limit_blocks_the_exit_until_unloaded(ctx: Context, client: httpx.AsyncClient,
                                                                           app: Litestar) -> None:
    lw = await _tared(ctx, client, app)  # a six-axle tractor-trailer: 49 t legal gross
    body = wh.weighing_body(lw, kind="gross", weight_kg=51_000, at=T0 + timedelta(minutes=30))
    answer = await _refused(lw, body, "overweight", alert=True)
    assert "49" in answer["messageZh"]
    gate = ph.machine(app, lw.gw.device)
    out = await ph.scan(gate, lw.gw.site_id, await wh.pass_code(client, lw), transition="out")
    assert out["code"] == "exit_overweight", out
    # Unloaded to 44 t and weighed again (a refused gross needs no override): exit opens.
    again = await wh.submit(lw, wh.weighing_body(lw, kind="gross", weight_kg=44_000, at=T0 + timedelta(minutes=45)))
    assert again["accepted"] and again["netKg"] == 29_000, again
    assert (await ph.scan(gate, lw.gw.site_id, await wh.pass_code(client, lw), transition="out"))["accepted"]
    r = await client.get(f"/api/mine/tickets/{again['ticketNo']}", headers=lw.gw.w.parties.sales)
    assert [a["code"] for a in r.json()["anomalies"]] == ["overweight"], r.text


async def test_a_net_above_what_remains_on_the_order_is_refused(ctx: Context, client: httpx.AsyncClient,
                                                                 app: Litestar) -> None:
    lw = await _tared(ctx, client, app)  # planned 30 t
    body = wh.weighing_body(lw, kind="gross", weight_kg=46_000, at=T0 + timedelta(minutes=30))
    await _refused(lw, body, "net_exceeds_order", alert=True)
    out = await ph.scan(ph.machine(app, lw.gw.device), lw.gw.site_id, await wh.pass_code(client, lw), transition="out")
    assert out["code"] == "exit_net_exceeds", out
    assert (await oh.progress(client, lw.gw.w))["executedKg"] == 0


async def test_a_reweigh_needs_a_supervisors_override_and_only_the_last_counts(ctx: Context, client: httpx.AsyncClient,
                                                                                app: Litestar) -> None:
    lw = await _tared(ctx, client, app, kg=15_000)
    body = wh.weighing_body(lw, kind="tare", weight_kg=14_000, at=T0 + timedelta(minutes=5))
    await _refused(lw, body, "reweigh_not_allowed", alert=True)
    r = await client.post("/api/mine/weigh-overrides", headers=lw.gw.w.dispatcher,
                          json={"orderId": lw.order_id, "kind": "tare", "reason": "皮重时驾驶员未下车"})
    assert r.status_code == 403, r.text  # a dispatcher is no supervisor
    r = await client.post("/api/mine/weigh-overrides", headers=lw.gw.w.parties.sales,
                          json={"orderId": lw.order_id, "kind": "tare", "reason": "皮重时驾驶员未下车"})
    assert r.status_code == 201, r.text
    assert (await wh.identify(lw, code=await wh.pass_code(client, lw)))["kind"] == "tare"
    assert (await wh.submit(lw, wh.weighing_body(lw, kind="tare", weight_kg=14_900, at=T0 + timedelta(minutes=6))))["accepted"]
    # The override is spent: a third tare is refused again.
    await _refused(lw, wh.weighing_body(lw, kind="tare", weight_kg=14_000, at=T0 + timedelta(minutes=7)),
                   "reweigh_not_allowed", alert=True)
    gross = await wh.submit(lw, wh.weighing_body(lw, kind="gross", weight_kg=44_900, at=T0 + timedelta(minutes=40)))
    assert gross["accepted"] and gross["netKg"] == 30_000, gross  # against the last tare, 14.9 t
    r = await client.get(f"/api/mine/sites/{lw.gw.site_id}/weighings", headers=lw.gw.w.parties.sales,
                         params={"status": "superseded"})
    assert [w["weightKg"] for w in r.json()["items"]] == [15_000], r.text
    async with unit_of_work(ctx) as session:
        trail = await audit.history(session, entity="pickup_order", entity_id=oh.uid(lw.order_id))
    assert "weighing.override" in [a.action for a in trail]
    # A gross re-weigh after the ticket voids it and books the difference.
    r = await client.post("/api/mine/weigh-overrides", headers=lw.gw.w.parties.sales,
                          json={"orderId": lw.order_id, "kind": "gross", "reason": "买方对净重有异议，复磅"})
    assert r.status_code == 201, r.text
    second = await wh.submit(lw, wh.weighing_body(lw, kind="gross", weight_kg=44_400, at=T0 + timedelta(minutes=50)))
    assert second["accepted"] and second["netKg"] == 29_500, second
    assert (await oh.progress(client, lw.gw.w))["executedKg"] == 29_500
    r = await client.get(f"/api/mine/tickets/{gross['ticketNo']}", headers=lw.gw.w.parties.sales)
    assert r.json()["status"] == "void", r.text
