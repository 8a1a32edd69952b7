"""A driver's appeal (issue 13, point 3; second "done when"): the GPS pipeline raises an overspeed alert
about a truck on its waybill, so the alert names the waybill's driver; he appeals over HTTP with a note,
his phone's track and a photo; a second appeal while one waits is 409; the district's regulator upholds
it (the alert closes, appeal upheld) or dismisses it (the alert goes on, he may appeal again). Another
driver gets 404 for all of it."""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass

import httpx
from litestar import Litestar

from backend.context import Context
from backend.domain.waybills import gps as waybill_gps
from backend.domain.waybills.world import load_world
from geo.pipeline import model as m
from tests.alerts import flow
from tests.alerts import helpers as ah
from tests.drivers import helpers as dh
from tests.sites import helpers as sh
from tests.waybills import helpers as wayh


@dataclass(frozen=True)
class Appealing:
    alert_id: uuid.UUID
    driver: dict[str, str]
    driver_user: uuid.UUID
    district: dict[str, str]
    handler: dict[str, str]
    at_s: float


async def _overspeed(ctx: Context, client: httpx.AsyncClient, app: Litestar) -> Appealing:
    """A ticketed truck leaves through the gate (its waybill opens) and is seen at 95 km/h 20 km away."""
    lw = await wayh.ticketed(ctx, client, app)
    await wayh.gate_out(client, app, lw)
    vehicle = await wayh.vehicle_id(ctx, lw)
    at_s = float(int(time.time()))
    far = sh.offset(sh.LON, sh.LAT, east_m=-20_000.0)
    events = [m.Event(kind=m.OVERSPEED, vehicle_id=vehicle, at_s=at_s, lon=far[0], lat=far[1],
                      details={"speed_kmh": 95.0})]
    async with ctx.sessions() as session:
        _, shapes = await load_world(session)
        stored = await waybill_gps.apply_batch(session, redis=ctx.redis, kept=[], events=events, sites=shapes,
                                               width_m=1_000.0)
        await session.commit()
    assert [e.kind for e in stored] == ["overspeed"]
    [alert] = [a for a in await ah.all_alerts(ctx) if a.kind == "gps_overspeed"]
    driver_user, _ = await ah.me(client, lw.gw.trucker.headers)
    _, district = await sh.regulator(ctx, client, flow.DISTRICT)
    assert alert.region_code == flow.DISTRICT and alert.reach == "district"  # orange: the district sees it at once
    return Appealing(alert_id=alert.id, driver=lw.gw.trucker.headers, driver_user=driver_user, district=district,
                     handler=lw.gw.w.dispatcher, at_s=at_s)


async def _appeal(client: httpx.AsyncClient, a: Appealing) -> dict:
    photo = await flow.upload(client, a.alert_id, a.driver, purpose="appeal", name="仪表盘.jpg")
    track = [[int(a.at_s) - 60 + 10 * i, sh.LON - 0.2 + 0.001 * i, sh.LAT] for i in range(7)]
    r = await client.post(f"/api/alerts/{a.alert_id}/appeals", headers=a.driver,
                          json={"note": "当时车速 60 公里/小时，终端定位漂移", "track": track, "fileIds": [photo]})
    assert r.status_code == 201, r.text
    d = r.json()
    assert d["steps"][-1]["action"] == "appealed" and d["steps"][-1]["data"]["trackPoints"] == 7
    [appeal] = d["appeals"]
    assert (appeal["status"], appeal["trackPoints"]) == ("pending", 7) and not d["canAppeal"]
    assert [(f["id"], f["purpose"], f["attached"]) for f in d["files"]] == [(photo, "appeal", True)]
    return d


async def test_an_upheld_appeal_closes_the_alert(ctx: Context, client: httpx.AsyncClient, app: Litestar) -> None:
    a = await _overspeed(ctx, client, app)
    d = await flow.detail(client, a.alert_id, a.driver)
    assert d["canAppeal"] and not d["canAcknowledge"] and d["alert"]["kind"] == "gps_overspeed"
    d = await _appeal(client, a)
    appeal_id = d["appeals"][0]["id"]
    again = await client.post(f"/api/alerts/{a.alert_id}/appeals", json={"note": "再次申诉"}, headers=a.driver)
    assert again.status_code == 409 and again.json()["code"] == "appeal_pending", again.text
    assert "等待裁决" in again.json()["message_zh"] and "waiting for a decision" in again.json()["message_en"]

    # Another driver: nothing of it exists for him.
    _, stranger = await dh.driver(client, ctx)
    for method, url, body in (("GET", "", None), ("POST", "/appeals", {"note": "我也申诉"}),
                              ("GET", f"/files/{d['files'][0]['id']}", None)):
        r = await client.request(method, f"/api/alerts/{a.alert_id}{url}", json=body, headers=stranger)
        assert r.status_code == 404, (url, r.text)
    assert (await client.put(f"/api/alerts/{a.alert_id}/files?purpose=appeal", content=flow.JPEG,
                             headers=stranger)).status_code == 404
    # The handler may not decide it; the district's regulator may, and reads his photo.
    r = await client.post(f"/api/alerts/{a.alert_id}/appeals/{appeal_id}/decision", headers=a.handler,
                          json={"uphold": True, "reason": "自己裁决"})
    assert r.status_code == 403, r.text
    assert (await client.get(f"/api/alerts/{a.alert_id}/files/{d['files'][0]['id']}", headers=a.district)).content == flow.JPEG

    r = await client.post(f"/api/alerts/{a.alert_id}/appeals/{appeal_id}/decision", headers=a.district,
                          json={"uphold": True, "reason": "手机轨迹显示车速正常"})
    assert r.status_code == 200, r.text
    d = r.json()
    assert (d["alert"]["status"], d["alert"]["outcome"]) == ("closed", "appeal_upheld")
    assert d["appeals"][0]["status"] == "upheld" and d["appeals"][0]["reason"] == "手机轨迹显示车速正常"
    assert flow.actions(d) == ["raised", "appealed", "appeal_upheld"]
    r = await client.post(f"/api/alerts/{a.alert_id}/appeals/{appeal_id}/decision", headers=a.district,
                          json={"uphold": False, "reason": "改判"})
    assert r.status_code == 409 and r.json()["code"] == "appeal_decided", r.text
    told = await ah.alert_notices(ctx)
    assert [k for k, al, _ in told[a.driver_user] if al == str(a.alert_id)] == ["alert_gps_overspeed",
                                                                                "alert_appeal_decided"]


async def test_a_dismissed_appeal_leaves_the_alert_to_its_handler(ctx: Context, client: httpx.AsyncClient,
                                                                  app: Litestar) -> None:
    a = await _overspeed(ctx, client, app)
    d = await _appeal(client, a)
    r = await client.post(f"/api/alerts/{a.alert_id}/appeals/{d['appeals'][0]['id']}/decision", headers=a.district,
                          json={"uphold": False, "reason": "终端轨迹连续，超速属实"})
    assert r.status_code == 200, r.text
    d = r.json()
    assert (d["alert"]["status"], d["alert"]["outcome"], d["appeals"][0]["status"]) == ("open", None, "dismissed")
    assert flow.actions(d) == ["raised", "appealed", "appeal_dismissed"]
    assert d["steps"][-1]["actor"] is not None and d["steps"][-1]["note"] == "终端轨迹连续，超速属实"
    # He hears why and may appeal again with more; the handler goes on with it.
    d = await flow.detail(client, a.alert_id, a.driver)
    assert d["canAppeal"] and not d["canAcknowledge"]
    r = await client.post(f"/api/alerts/{a.alert_id}/appeals", json={"note": "补充行车记录仪视频说明"}, headers=a.driver)
    assert r.status_code == 201 and [x["status"] for x in r.json()["appeals"]] == ["dismissed", "pending"], r.text
    assert (await flow.post(client, a.alert_id, "acknowledge", a.handler))["status"] == "acknowledged"
