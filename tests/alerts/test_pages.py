"""The alert pages of the mine, regulator and driver apps render what each reader may see, with the
actions their `can*` flags allow, in Chinese and English; another tenant's alert is a 404 page."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from litestar.testing import AsyncTestClient

from backend.context import Context
from backend.db.base import utcnow
from backend.domain.alerts import service as alerts
from backend.domain.alerts.schemas import AlertRaise
from tests import factories as f
from tests.pages import helpers as ph
from tests.sites import helpers as sh

DISTRICT = "150623"


async def _raise(ctx: Context, org: uuid.UUID, kind: str, *, plate: str, minutes_ago: int = 0,
                 driver: uuid.UUID | None = None, message: str = "测试告警") -> str:
    async with ctx.sessions() as session:
        out = await alerts.raise_alert(session, at=utcnow() - timedelta(minutes=minutes_ago), data=AlertRaise(
            kind=kind, org_id=org, site_id=None, region_code=DISTRICT, ref=f"test:{plate}", plate=plate,
            message_zh=message, message_en="a test alert", driver_user_id=driver))
        await session.commit()
    return str(out.id)


async def _page(client: AsyncTestClient[Any], url: str, status: int = 200) -> str:
    r = await client.get(url)
    assert r.status_code == status, (url, r.status_code, r.text[:500])
    return r.text


async def test_mine_alert_pages(ctx: Context, client: AsyncTestClient[Any]) -> None:
    _, phone, org = await f.staff(ctx, role="dispatcher")
    other = await sh.new_org(ctx)
    late = await _raise(ctx, org, "weight_jump", plate="蒙K10001", minutes_ago=60, message="一号磅称重跳变")
    fresh = await _raise(ctx, org, "loading_too_short", plate="蒙K10002")
    theirs = await _raise(ctx, other, "weight_jump", plate="蒙K10003")
    await ph.cookie_login(client, phone)

    html = await _page(client, "/mine/alerts")
    assert "告警处置" in html and "称重数据跳变" in html and "已超时" in html and 'href="/mine/alerts"' in html
    assert html.index(late) < html.index(fresh)  # the overdue one first
    assert theirs not in html
    html = await _page(client, "/mine/alerts?grade=yellow")
    assert fresh in html and late not in html
    html = await _page(client, "/mine/alerts?state=closed&grade=bogus")  # an unknown value is no filter
    assert late not in html and "没有符合条件的告警" in html
    html = await _page(client, f"/mine/alerts/{late}")
    assert "一号磅称重跳变" in html and "确认接收" in html and "处置记录" in html and "产生告警" in html
    assert f'data-api="/api/alerts/{late}/acknowledge"' in html and "data-alert-dispose" not in html
    # The evidence pack is one link away and downloads with the page's own sign-in (the cookie).
    assert f'href="/api/alerts/{late}/evidence.zip"' in html and "下载证据包" in html
    r = await client.get(f"/api/alerts/{late}/evidence.zip")
    assert r.status_code == 200 and r.content[:2] == b"PK", (r.status_code, r.text[:300])
    html = await _page(client, f"/mine/alerts/{late}?lang=en")
    assert "Acknowledge" in html and "Overdue" in html and "Weight jump" in html and "evidence pack" in html
    await _page(client, f"/mine/alerts/{theirs}", 404)
    await _page(client, f"/mine/alerts/{uuid.uuid4()}", 404)

    r = await client.post(f"/api/alerts/{late}/acknowledge", headers=ph.FETCH)
    assert r.status_code == 200, r.text
    html = await _page(client, f"/mine/alerts/{late}")
    assert 'capture="environment"' in html and 'accept="image/*"' in html and "确认接收" not in html


async def test_regulator_alert_pages(ctx: Context, client: AsyncTestClient[Any]) -> None:
    org = await sh.new_org(ctx)
    red = await _raise(ctx, org, "weight_jump", plate="蒙K20001", minutes_ago=30)
    yellow = await _raise(ctx, org, "loading_too_short", plate="蒙K20002")  # the enterprise's own
    regulator_org = await sh.new_org(ctx, kind="regulator", region_code=DISTRICT)
    user_id, phone = await f.make_user(ctx, name="监管员")
    await sh.grant(ctx, user_id=user_id, org_id=regulator_org, role="regulator")
    await ph.regulator_login(client, phone)

    html = await _page(client, "/regulator/alerts")
    assert "告警监管" in html and red in html and yellow not in html and "处置统计" in html
    assert 'name="kind"' in html and "未经指定出口驶离" in html  # the catalogue's names as kind filter
    html = await _page(client, "/regulator/alerts?kind=plate_mismatch")
    assert red not in html
    html = await _page(client, f"/regulator/alerts/{red}")
    assert "称重数据跳变" in html and "确认接收" not in html and "处置单位" in html
    await _page(client, f"/regulator/alerts/{yellow}", 404)

    html = await _page(client, "/regulator/alerts/figures")
    assert "企业告警处置统计" in html and "/static/vendor/chartjs/chart.umd.min.js" in html
    assert 'id="figures-data"' in html and str(org) in html and "按时办结率" in html
    html = await _page(client, "/regulator/alerts/figures?lang=en")
    assert "Alert handling by enterprise" in html and "Overdue now" in html
    r = await client.get("/static/vendor/chartjs/chart.umd.min.js")
    assert r.status_code == 200 and "Chart" in r.text[:2000]


async def test_driver_alert_pages(ctx: Context, client: AsyncTestClient[Any]) -> None:
    org = await sh.new_org(ctx, kind="carrier")
    body = await ph.driver_with_vehicle(client, ctx)
    r = await client.get("/api/auth/me")
    assert r.status_code == 200, r.text
    me = uuid.UUID(r.json()["userId"])
    mine = await _raise(ctx, org, "gps_corridor_leave", plate=body["vehicle"]["plate"], driver=me,
                        message="偏离运输路线 3 公里")
    someone_elses = await _raise(ctx, org, "gps_corridor_leave", plate="蒙K30009")

    html = await _page(client, "/driver/alerts")
    assert "我的告警" in html and mine in html and someone_elses not in html
    html = await _page(client, f"/driver/alerts/{mine}")
    assert "偏离运输路线 3 公里" in html and "提交申诉" in html and 'data-purpose="appeal"' in html
    assert "data-from-s=" in html and "确认接收" not in html
    html = await _page(client, f"/driver/alerts/{mine}?lang=en")
    assert "Submit the appeal" in html
    await _page(client, f"/driver/alerts/{someone_elses}", 404)


async def test_a_carrier_handles_its_trucks_alerts_in_the_enterprise_app(ctx: Context, client: AsyncTestClient[Any]) -> None:
    _, phone, carrier = await f.staff(ctx, role="carrier_admin", kind="carrier")
    _, _, mine = await f.staff(ctx, role="dispatcher")
    ours = await _raise(ctx, carrier, "gps_corridor_leave", plate="蒙K20001", message="蒙K20001 偏离运输路线")
    theirs = await _raise(ctx, mine, "weight_jump", plate="蒙K20002")
    async with ctx.sessions() as session:  # the carrier's notice links to its own app's page
        from sqlalchemy import select

        from backend.domain.notices.models import Notice
        urls = {n.data.get("url") for n in (await session.execute(select(Notice).where(
            Notice.kind == "alert_gps_corridor_leave"))).scalars()}
    assert urls == {f"/enterprise/alerts/{ours}"}, urls
    await ph.cookie_login(client, phone)
    html = await _page(client, "/enterprise/alerts")
    assert "偏离运输路线" in html and ours in html and theirs not in html and 'href="/enterprise/alerts"' in html
    html = await _page(client, f"/enterprise/alerts/{ours}")
    assert f'data-api="/api/alerts/{ours}/acknowledge"' in html
    r = await client.post(f"/api/alerts/{ours}/acknowledge", headers={"X-Requested-With": "fetch"})
    assert r.status_code == 200 and r.json()["status"] == "acknowledged", r.text
    await _page(client, f"/enterprise/alerts/{theirs}", 404)
    assert "Alerts your organisation handles" in await _page(client, "/enterprise/alerts?lang=en")
