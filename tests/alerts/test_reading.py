"""Reading alerts over HTTP: the handling enterprise sees its own; regulators those of their regions
from the grade their level sees by the region's routing (district: red and orange by default; city:
red); anyone else gets 404 for the alert, alike whether it exists or not."""

from __future__ import annotations

import uuid

import httpx
import msgspec

from backend.context import Context
from backend.domain.alerts import routing
from backend.domain.alerts import service as alerts
from backend.domain.alerts.schemas import AlertRaise
from tests import factories as f
from tests.sites import helpers as sh

DISTRICT, CITY = "150623", "150600"


async def _raise(ctx: Context, org: uuid.UUID, kind: str, *, region: str = DISTRICT, plate: str = "蒙K11111") -> str:
    async with ctx.sessions() as session:
        out = await alerts.raise_alert(session, data=AlertRaise(
            kind=kind, org_id=org, site_id=None, region_code=region, ref=f"weighing:{kind}", plate=plate,
            message_zh="测试告警", message_en="test alert"))
        await session.commit()
    return str(out.id)


async def _ids(client: httpx.AsyncClient, url: str, headers: dict[str, str]) -> set[str]:
    r = await client.get(url, headers=headers)
    assert r.status_code == 200, r.text
    return {a["id"] for a in r.json()["items"]}


async def test_enterprise_and_regulators_see_by_grade_and_region(ctx: Context, client: httpx.AsyncClient) -> None:
    _, org, mine = await sh.member(ctx, client, role="dispatcher")
    _, _, other_mine = await sh.member(ctx, client, role="dispatcher")
    red, orange, yellow = [await _raise(ctx, org, k) for k in ("weight_jump", "plate_mismatch", "loading_too_short")]
    elsewhere = await _raise(ctx, org, "weight_jump", region="150602", plate="蒙K22222")  # another district, same city
    _, district = await sh.regulator(ctx, client, DISTRICT)
    _, city = await sh.regulator(ctx, client, CITY)
    _, other_city = await sh.regulator(ctx, client, "150300")

    assert await _ids(client, "/api/mine/alerts", mine) == {red, orange, yellow, elsewhere}
    assert await _ids(client, "/api/mine/alerts?grade=orange", mine) == {orange}
    assert await _ids(client, "/api/mine/alerts?kind=weight_jump&state=open", mine) == {red, elsewhere}
    assert await _ids(client, "/api/mine/alerts?state=closed", mine) == set()
    assert await _ids(client, "/api/mine/alerts", other_mine) == set()
    assert await _ids(client, "/api/regulator/alerts", district) == {red, orange}
    assert await _ids(client, "/api/regulator/alerts", city) == {red, elsewhere}
    assert await _ids(client, f"/api/regulator/alerts?district={DISTRICT}", city) == {red}
    assert await _ids(client, "/api/regulator/alerts", other_city) == set()

    seen = {"mine": (mine, "mine", {red, orange, yellow, elsewhere}),
            "other_mine": (other_mine, "mine", set()),
            "district": (district, "regulator", {red, orange}),
            "city": (city, "regulator", {red, elsewhere}),
            "other_city": (other_city, "regulator", set())}
    for who, (headers, app, visible) in seen.items():
        for alert_id in (red, orange, yellow, elsewhere, str(uuid.uuid4())):
            r = await client.get(f"/api/{app}/alerts/{alert_id}", headers=headers)
            assert r.status_code == (200 if alert_id in visible else 404), (who, alert_id, r.text)
            if r.status_code == 404:
                assert r.json()["code"] == "not_found"
    r = await client.get(f"/api/mine/alerts/{red}", headers=mine)
    assert (r.json()["grade"], r.json()["count"], r.json()["regionCode"]) == ("red", 1, DISTRICT)

    # The city routes orange to itself: its regulator sees the orange ones raised from now on (an alert
    # keeps the reach it was raised with: who was told stays who sees it, until it escalates).
    admin_id, _ = await f.make_user(ctx, admin=True)
    orange_route = msgspec.structs.replace(routing.DEFAULTS.orange, audience=["enterprise", "district", "city"])
    async with ctx.sessions() as session:
        await routing.set_routing(session, actor=f.platform_principal(admin_id), region_code=CITY,
                                  routing=msgspec.structs.replace(routing.DEFAULTS, orange=orange_route))
        await session.commit()
    later = await _raise(ctx, org, "plate_mismatch", plate="蒙K33333")
    assert await _ids(client, "/api/regulator/alerts", city) == {red, elsewhere, later}
    assert (await client.get(f"/api/regulator/alerts/{later}", headers=city)).status_code == 200
    assert (await client.get(f"/api/regulator/alerts/{orange}", headers=city)).status_code == 404


async def test_bad_filters_are_a_clear_4xx(ctx: Context, client: httpx.AsyncClient) -> None:
    _, _, mine = await sh.member(ctx, client, role="dispatcher")
    _, district = await sh.regulator(ctx, client, DISTRICT)
    for url, headers in (("/api/mine/alerts?grade=purple", mine), ("/api/mine/alerts?kind=DROP%20TABLE", mine),
                         ("/api/regulator/alerts?district=15", district), ("/api/mine/alerts/not-a-uuid", mine)):
        r = await client.get(url, headers=headers)
        assert r.status_code in (400, 404, 422), (url, r.text)
    assert (await client.get("/api/regulator/alerts", headers=mine)).status_code == 403
