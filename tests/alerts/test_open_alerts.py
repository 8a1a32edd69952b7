"""Alerts through the signed machine interface (issue 13 point 8): a mine's own system pages through its
alerts with a cursor, sees what changed since, acknowledges one, uploads a photo and disposes of it;
the timeline names the key. Another organisation's key sees none of it (404), a device key may not
act (403), an unsigned call is a 401, a made-up cursor a 422 on its field."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
from litestar import Litestar

from backend.context import Context
from backend.domain.alerts import service as alerts
from tests.alerts import helpers as ah
from tests.clock import TestClock
from tests.drivers import helpers as dh
from tests.sites import helpers as sh
from tests.weighing import helpers as wh

T0 = datetime.now(UTC) - timedelta(hours=2)
PNG = b"\x89PNG\r\n\x1a\n" + b"\x01" * 32


async def test_an_erp_lists_acknowledges_and_disposes_its_alerts(ctx: Context, client: httpx.AsyncClient, app: Litestar,
                                                                 clock: TestClock) -> None:
    lw = await wh.lane_world(ctx, client, app)
    assert (await wh.identify(lw, code=await wh.pass_code(client, lw)))["accepted"]
    assert (await wh.submit(lw, wh.weighing_body(lw, kind="tare", weight_kg=15_000, at=T0)))["accepted"]
    wrong = wh.weighing_body(lw, kind="gross", weight_kg=44_000, at=T0 + timedelta(minutes=30), plate="蒙A99999")
    assert (await wh.submit(lw, wrong))["alerts"] == ["plate_mismatch"]
    clock.advance(1)
    over = wh.weighing_body(lw, kind="gross", weight_kg=51_000, at=T0 + timedelta(minutes=35))
    assert (await wh.submit(lw, over))["alerts"] == ["overweight"]
    mismatch, overweight = sorted(await ah.all_alerts(ctx), key=lambda a: a.raised_at)
    seller = lw.gw.w.parties
    key = await dh.issue_key(client, seller.seller_id, seller.seller)
    key_id = key["key"]["keyId"]
    erp = dh.signed_client(app, key_id, key["secret"])

    # Page by page, oldest change first; the last cursor answers nothing until something changes.
    first = (await erp.get("/open/v1/alerts?limit=1")).json()
    assert [a["id"] for a in first["items"]] == [str(mismatch.id)] and first["more"] is True, first
    second = (await erp.get(f"/open/v1/alerts?limit=1&cursor={first['cursor']}")).json()
    assert [a["id"] for a in second["items"]] == [str(overweight.id)] and second["more"] is False, second
    assert second["items"][0]["grade"] == "red" and second["items"][0]["status"] == "open"
    idle = (await erp.get(f"/open/v1/alerts?cursor={second['cursor']}")).json()
    assert idle == {"items": [], "cursor": second["cursor"], "more": False}, idle

    clock.advance(1)
    r = await erp.post(f"/open/v1/alerts/{mismatch.id}/acknowledge")
    assert r.status_code == 200 and r.json()["status"] == "acknowledged", r.text
    assert r.json()["ackedBy"] == f"接口 {key_id}"
    again = await erp.post(f"/open/v1/alerts/{mismatch.id}/acknowledge")
    assert again.status_code == 409, again.text
    changed = (await erp.get(f"/open/v1/alerts?cursor={second['cursor']}")).json()
    assert [(a["id"], a["status"]) for a in changed["items"]] == [(str(mismatch.id), "acknowledged")], changed

    clock.advance(1)
    r = await erp.put(f"/open/v1/alerts/{mismatch.id}/files?name=camera.png", content=PNG, content_type="image/png")
    assert r.status_code == 201 and r.json()["sizeBytes"] == len(PNG), r.text
    file_id = r.json()["id"]
    r = await erp.post(f"/open/v1/alerts/{mismatch.id}/dispose",
                       json={"cause": "识别相机脏污", "measures": "已清洁镜头并复核车牌", "fileIds": [file_id]})
    assert r.status_code == 200 and r.json()["status"] == "disposed" and r.json()["reach"] == "district", r.text
    r = await erp.post(f"/open/v1/alerts/{overweight.id}/dispose", json={"cause": "x", "measures": "短"})
    assert r.status_code in (400, 422) and r.json()["field"] == "cause", r.text  # bad input names its field

    detail = (await erp.get(f"/open/v1/alerts/{mismatch.id}")).json()
    assert [(s["action"], s["actor"]) for s in detail["steps"]] == [
        ("raised", None), ("acknowledged", f"接口 {key_id}"), ("disposed", f"接口 {key_id}")], detail["steps"]
    assert [f["id"] for f in detail["files"]] == [file_id] and detail["files"][0]["attached"] is True
    assert detail["canDispose"] is False and detail["canReview"] is False
    # The mine's people see the same timeline in the app.
    seen = (await client.get(f"/api/alerts/{mismatch.id}", headers=seller.seller)).json()
    assert [s["actor"] for s in seen["steps"]] == [s["actor"] for s in detail["steps"]]

    live = (await erp.get("/open/v1/alerts?state=live")).json()
    assert {a["id"]: a["status"] for a in live["items"]} == {str(mismatch.id): "disposed", str(overweight.id): "open"}
    pack = await erp.get(f"/open/v1/alerts/{mismatch.id}/evidence.zip")
    assert pack.status_code == 200 and alerts.verify_pack(pack.content, settings=ctx.settings).ok, pack.text

    r = await erp.get("/open/v1/alerts?cursor=not-a-cursor")
    assert r.status_code == 422 and r.json()["field"] == "cursor", r.text
    assert (await erp.get("/open/v1/alerts?limit=0")).status_code in (400, 422)
    assert (await client.get("/open/v1/alerts")).status_code == 401
    await erp.aclose()

    # Another organisation's system sees nothing of it; a device key of the mine may not handle alerts.
    _, other_org, other_admin = await sh.member(ctx, client, role="enterprise_admin", kind="mine", region_code="150623")
    other_key = await dh.issue_key(client, other_org, other_admin)
    stranger = dh.signed_client(app, other_key["key"]["keyId"], other_key["secret"])
    assert (await stranger.get("/open/v1/alerts?state=all")).json()["items"] == []
    for method, path, body in (("GET", "", None), ("POST", "/acknowledge", None), ("GET", "/evidence.zip", None),
                               ("POST", "/dispose", {"cause": "矩阵检查", "measures": "矩阵检查"})):
        r = await stranger.request(method, f"/open/v1/alerts/{overweight.id}{path}", json=body)
        assert r.status_code == 404, (path, r.text)
    await stranger.aclose()
    _, device_id, _ = await dh.device(client, seller.seller_id, seller.seller)
    device_key = await dh.issue_key(client, seller.seller_id, seller.seller, deviceId=device_id)
    gate = dh.signed_client(app, device_key["key"]["keyId"], device_key["secret"])
    r = await gate.post(f"/open/v1/alerts/{overweight.id}/acknowledge")
    assert r.status_code == 403 and r.json()["code"] == "machine_device_key", r.text
    await gate.aclose()
    [still] = [a for a in await ah.all_alerts(ctx) if a.id == overweight.id]
    assert still.status == "open"
