"""The regulator's handling figures per enterprise (GET /api/regulator/alert-figures): counts, times to
acknowledge and close, shares in time and open overdue, from alerts handled at known instants.

Red alerts (acknowledge within 15 min, close within 240 min by the default routing) reach the
district and the city at once, so both regulators read them; an alert of another district reaches
only the city's."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

import httpx

from backend import clock as backend_clock
from backend.context import Context
from backend.domain.alerts import service as alerts
from backend.domain.alerts.figures import nearest_rank
from backend.domain.alerts.schemas import AlertRaise, Disposal, Outcome, Review
from backend.domain.identity.schemas import Principal
from tests import factories as f
from tests.clock import TestClock
from tests.sites import helpers as sh

DISTRICT, OTHER_DISTRICT, CITY = "150623", "150602", "150600"


async def _raise(ctx: Context, org: uuid.UUID, plate: str, at: datetime, region: str = DISTRICT) -> uuid.UUID:
    async with ctx.sessions() as session:
        out = await alerts.raise_alert(session, at=at, data=AlertRaise(
            kind="weight_jump", org_id=org, site_id=None, region_code=region, ref=f"weighing:{plate}", plate=plate,
            message_zh="称重跳变", message_en="weight jump"))
        await session.commit()
    return out.id


async def _handle(ctx: Context, clock: TestClock, alert_id: uuid.UUID, *, handler: Principal, reviewer: Principal,
                  ack_at: datetime, close_at: datetime | None = None) -> None:
    clock.freeze(ack_at)
    async with ctx.sessions() as session:
        await alerts.acknowledge(session, actor=handler, alert_id=alert_id)
        await session.commit()
    if close_at is None:
        return
    clock.freeze(close_at - timedelta(minutes=5))
    async with ctx.sessions() as session:
        await alerts.dispose(session, actor=handler, alert_id=alert_id,
                             data=Disposal(cause="传感器松动", measures="已紧固并复核"))
        await session.commit()
    clock.freeze(close_at)
    async with ctx.sessions() as session:
        await alerts.review(session, actor=reviewer, alert_id=alert_id, data=Review(accept=True))
        await session.commit()


def test_nearest_rank() -> None:
    assert nearest_rank([], 90) is None
    assert nearest_rank([7.0], 90) == 7.0
    assert nearest_rank([5.0, 40.0, 10.0], 90) == 40.0
    assert nearest_rank([float(i) for i in range(1, 11)], 90) == 9.0
    assert nearest_rank([float(i) for i in range(1, 11)], 50) == 5.0


async def test_figures_per_enterprise_from_known_times(ctx: Context, client: httpx.AsyncClient,
                                                       clock: TestClock) -> None:
    now = clock.freeze(backend_clock.now().replace(microsecond=0))
    t0 = now - timedelta(hours=6)
    a, b, c = await sh.new_org(ctx), await sh.new_org(ctx), await sh.new_org(ctx, region_code=OTHER_DISTRICT)
    _, handler_a = await sh.backstage_member(ctx, role="dispatcher", org_id=a)
    admin_id, _ = await f.make_user(ctx, admin=True)
    reviewer = f.platform_principal(admin_id)
    _, district = await sh.regulator(ctx, client, DISTRICT)
    _, city = await sh.regulator(ctx, client, CITY)
    _, _, dispatcher = await sh.member(ctx, client, role="dispatcher", org_id=a)

    a1 = await _raise(ctx, a, "蒙K00001", t0)
    a2 = await _raise(ctx, a, "蒙K00002", t0)
    a3 = await _raise(ctx, a, "蒙K00003", t0)
    await _raise(ctx, a, "蒙K00004", t0 + timedelta(minutes=60))  # never acknowledged: overdue since t0+75
    await _raise(ctx, a, "蒙K00005", now - timedelta(days=30))  # before the period, still open: overdue
    await _raise(ctx, a, "蒙K00006", now - timedelta(minutes=10))  # its deadlines have not come
    b1 = await _raise(ctx, b, "蒙K00007", t0)
    await _raise(ctx, c, "蒙K00008", t0, region=OTHER_DISTRICT)
    await _handle(ctx, clock, a1, handler=handler_a, reviewer=reviewer, ack_at=t0 + timedelta(minutes=5),
                  close_at=t0 + timedelta(minutes=30))
    await _handle(ctx, clock, a2, handler=handler_a, reviewer=reviewer, ack_at=t0 + timedelta(minutes=10),
                  close_at=t0 + timedelta(minutes=250))  # 10 minutes past the close deadline
    await _handle(ctx, clock, a3, handler=handler_a, reviewer=reviewer, ack_at=t0 + timedelta(minutes=40))
    async with ctx.sessions() as session:  # withdrawn before anyone had to acknowledge it
        assert await alerts.close_automatically(session, alert_id=b1, outcome=Outcome.WITHDRAWN, note_zh="撤销",
                                                note_en="withdrawn", at=t0 + timedelta(minutes=5))
        await session.commit()
    clock.freeze(now)

    period = f"from={(now - timedelta(days=1)).astimezone(backend_clock.CHINA_TZ).date()}"
    r = await client.get(f"/api/regulator/alert-figures?{period}", headers=district)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["toDate"] == backend_clock.today_china().isoformat()
    rows = {row["orgId"]: row for row in body["items"]}
    assert [row["orgId"] for row in body["items"]] == [str(a), str(b)]  # the most overdue first; c not in scope
    assert rows[str(a)] == {
        "orgId": str(a), "orgName": rows[str(a)]["orgName"], "count": 5,
        "ackMedianMin": 10.0, "ackP90Min": 40.0, "closeMedianMin": 140.0,
        "ackedInTimeShare": 0.5,  # a1, a2 of a1, a2, a3 (late) and the unacknowledged one
        "closedInTimeShare": 0.25,  # a1 of a1, a2 (late), a3 and the unacknowledged one (both past 240 min)
        "openOverdue": 3}
    assert rows[str(a)]["orgName"].startswith("测试mine")
    assert rows[str(b)] == {
        "orgId": str(b), "orgName": rows[str(b)]["orgName"], "count": 1, "ackMedianMin": None, "ackP90Min": None,
        "closeMedianMin": 5.0, "ackedInTimeShare": None, "closedInTimeShare": 1.0, "openOverdue": 0}

    # The default period is the last 30 days: the same alerts; the city sees the other district too.
    r = await client.get("/api/regulator/alert-figures", headers=city)
    assert r.status_code == 200, r.text
    assert {row["orgId"]: row["count"] for row in r.json()["items"]} == {str(a): 5, str(b): 1, str(c): 1}

    today = backend_clock.today_china()
    r = await client.get(f"/api/regulator/alert-figures?from={today}&to={today - timedelta(days=1)}", headers=district)
    assert r.status_code == 422 and r.json()["field"] == "from", r.text
    r = await client.get(f"/api/regulator/alert-figures?from={today - timedelta(days=400)}", headers=district)
    assert r.status_code == 422 and r.json()["code"] == "invalid_period", r.text
    assert (await client.get("/api/regulator/alert-figures?from=yesterday", headers=district)).status_code == 400
    for query in ("to=9999-12-31", "from=0001-01-01", "to=0001-01-05"):  # once a 500 (a date overflowed)
        r = await client.get(f"/api/regulator/alert-figures?{query}", headers=district)
        assert r.status_code == 422 and r.json()["code"] == "invalid_date", (query, r.text)
    assert (await client.get("/api/regulator/alert-figures", headers=dispatcher)).status_code == 403
