"""Cross-tenant (issue 13, third "done when"): another enterprise and a regulator of another region get
404 for an alert, its timeline and its files, exactly as for an alert that does not exist; a district
regulator sees only its own district's alerts, its city's regulator both districts'. An attachment not
yet attached to a disposal is its uploader's alone."""

from __future__ import annotations

import uuid
from datetime import timedelta

import httpx
from litestar import Litestar

from backend.context import Context
from backend.domain.alerts import service as alerts
from backend.domain.alerts.schemas import AlertRaise
from tests.alerts import flow
from tests.sites import helpers as sh


async def _ids(client: httpx.AsyncClient, headers: dict[str, str], url: str = "/api/regulator/alerts") -> set[str]:
    r = await client.get(url, headers=headers)
    assert r.status_code == 200, r.text
    return {a["id"] for a in r.json()["items"]}


async def test_strangers_get_404_and_districts_see_their_own(ctx: Context, client: httpx.AsyncClient,
                                                             app: Litestar) -> None:
    raised = flow.now_minus(1)
    fw = await flow.world(ctx, client, app, tare_at=raised - timedelta(minutes=30))
    here = await flow.raise_jump(ctx, fw, at=raised)  # red: the enterprise, its district and its city at once
    async with ctx.sessions() as session:  # the same enterprise's yard in the neighbouring district
        there = (await alerts.raise_alert(session, data=AlertRaise(
            kind="weight_jump", org_id=fw.mine, site_id=None, region_code=flow.OTHER_DISTRICT, ref="weighing:there",
            plate="蒙K77777", message_zh="2号磅道 蒙K77777：称重数据跳变", message_en="Lane 2 蒙K77777: weight jump"))).id
        await session.commit()
    handler = fw.people["mine_dispatcher"]
    await flow.post(client, here, "acknowledge", handler)
    draft = await flow.upload(client, here, handler, name="草稿.jpg")  # uploaded, not yet part of a disposal
    photo = await flow.upload(client, here, handler)
    await flow.post(client, here, "dispose", handler, {"cause": "遥控作弊装置", "measures": "已拆除", "fileIds": [photo]})

    _, _, other_mine = await sh.member(ctx, client, role="enterprise_admin")
    _, _, other_dispatcher = await sh.member(ctx, client, role="dispatcher")
    strangers = {"other_mine": other_mine, "other_dispatcher": other_dispatcher,
                 "other_city": fw.people["other_city"], "buyer": fw.people["buyer_admin"],
                 "sales_of_another_mine": (await sh.member(ctx, client, role="sales"))[2]}
    missing = uuid.uuid4()
    for who, headers in strangers.items():
        for url in (f"/api/alerts/{here}", f"/api/alerts/{here}/files/{photo}", f"/api/alerts/{missing}",
                    f"/api/alerts/{here}/files/{uuid.uuid4()}"):
            r = await client.get(url, headers=headers)
            assert (r.status_code, r.json()["code"]) == (404, "not_found"), (who, url, r.text)
        for action, body in (("acknowledge", {}), ("review", {"accept": True})):
            r = await client.post(f"/api/alerts/{here}/{action}", json=body, headers=headers)
            assert r.status_code == 404, (who, action, r.text)
    # The other district's regulator: 404 for this district's alert, its timeline and its files.
    other_district = fw.people["other_district"]
    for url in (f"/api/alerts/{here}", f"/api/alerts/{here}/files/{photo}", f"/api/regulator/alerts/{here}"):
        assert (await client.get(url, headers=other_district)).status_code == 404, url
    assert (await client.post(f"/api/alerts/{here}/review", json={"accept": True},
                              headers=other_district)).status_code == 404

    # Each district its own; the city both; the enterprise both of its own.
    district, city = fw.people["district"], fw.people["city"]
    assert await _ids(client, district) == {str(here)}
    assert await _ids(client, other_district) == {str(there)}
    assert await _ids(client, city) == {str(here), str(there)}
    assert await _ids(client, fw.people["other_city"]) == set()
    assert await _ids(client, fw.people["mine_admin"], "/api/mine/alerts") == {str(here), str(there)}
    assert (await client.get(f"/api/alerts/{there}", headers=district)).status_code == 404
    assert (await client.get(f"/api/regulator/alerts?district={flow.OTHER_DISTRICT}", headers=district)).json()["total"] == 0
    d = await flow.detail(client, here, district)
    assert d["canReview"] and [f["id"] for f in d["files"]] == [photo]
    assert (await client.get(f"/api/alerts/{here}/files/{photo}", headers=district)).content == flow.JPEG

    # The draft photo: its uploader lists and reads it; the reviewers do not, nor his colleagues.
    assert (await client.get(f"/api/alerts/{here}/files/{draft}", headers=handler)).status_code == 200
    assert draft in [f["id"] for f in (await flow.detail(client, here, handler))["files"]]
    for who in ("district", "city", "mine_admin"):
        r = await client.get(f"/api/alerts/{here}/files/{draft}", headers=fw.people[who])
        assert r.status_code == 404, (who, r.text)
