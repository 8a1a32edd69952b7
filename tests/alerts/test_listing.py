"""The alerts service as its callers use it today: raise inside the caller's transaction (the notices
with it, or neither), list by organisation, site and time (newest first, paged), mark handled once.

There is no alerts API for people yet (no HTTP route reads alerts, and list_alerts takes no actor):
the organisation filter is what keeps one enterprise's alerts from another's.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from backend.context import Context
from backend.db.base import utcnow
from backend.domain.alerts import service as alerts
from backend.domain.alerts.schemas import AlertRaise
from tests.alerts import helpers as ah
from tests.sites import helpers as sh

NOW = utcnow().replace(microsecond=0)


def _raise(org_id: uuid.UUID, site_id: uuid.UUID | None, *, kind: str = "plate_mismatch",
           message: str = "车牌不符", ref: str = "weighing:1", plate: str = "蒙K12345") -> AlertRaise:
    return AlertRaise(kind=kind, org_id=org_id, site_id=site_id, region_code="150623", ref=ref,
                      message_zh=message, message_en="plate mismatch", plate=plate, order_no="TM1")


async def _alert(ctx: Context, data: AlertRaise, *, minutes_ago: int) -> uuid.UUID:
    async with ctx.sessions() as session:
        out = await alerts.raise_alert(session, data=data, at=NOW - timedelta(minutes=minutes_ago))
        await session.commit()
    return out.id


async def test_lists_filter_by_organisation_site_and_time_newest_first(ctx: Context) -> None:
    a, b = await sh.new_org(ctx), await sh.new_org(ctx)
    _, a_admin = await sh.backstage_member(ctx, role="enterprise_admin", org_id=a)
    _, b_admin = await sh.backstage_member(ctx, role="enterprise_admin", org_id=b)
    yard = await ah.make_site(ctx, actor=a_admin, org_id=a)
    wharf = await ah.make_site(ctx, actor=a_admin, org_id=a, name="二号煤场",
                               fence=sh.rect(*sh.offset(sh.LON, sh.LAT, north_m=5_000.0)))
    theirs = await ah.make_site(ctx, actor=b_admin, org_id=b, name="他家煤场")
    old = await _alert(ctx, _raise(a, yard), minutes_ago=90)
    new = await _alert(ctx, _raise(a, wharf, kind="weight_jump"), minutes_ago=10)
    other = await _alert(ctx, _raise(b, theirs), minutes_ago=5)
    unsited = await _alert(ctx, _raise(a, None, kind="gps_signal_gap"), minutes_ago=30)

    assert [x.id for x in await ah.all_alerts(ctx)] == [other, new, unsited, old]
    assert [x.id for x in await ah.all_alerts(ctx, org_id=a)] == [new, unsited, old]
    assert [x.id for x in await ah.all_alerts(ctx, org_id=b)] == [other]
    assert [x.id for x in await ah.all_alerts(ctx, site_id=yard)] == [old]
    assert [x.id for x in await ah.all_alerts(ctx, org_id=a, since=NOW - timedelta(minutes=30))] == [new, unsited]
    assert await ah.all_alerts(ctx, org_id=b, site_id=yard) == []
    async with ctx.sessions() as session:
        page = await alerts.list_alerts(session, org_id=a, offset=1, limit=1)
    assert (page.total, page.offset, page.limit, [x.id for x in page.items]) == (3, 1, 1, [unsited])


async def test_handled_once_and_only_when_open(ctx: Context) -> None:
    org = await sh.new_org(ctx)
    first = await _alert(ctx, _raise(org, None), minutes_ago=2)
    second = await _alert(ctx, _raise(org, None, plate="蒙K54321"), minutes_ago=1)  # another truck
    for _ in range(2):
        async with ctx.sessions() as session:
            await alerts.mark_handled(session, alert_id=first)
            await alerts.mark_handled(session, alert_id=uuid.uuid4())  # unknown: nothing happens
            await session.commit()
    assert {x.id: x.status for x in await ah.all_alerts(ctx)} == {first: "closed", second: "open"}


async def test_notices_reach_the_alerted_roles_of_that_organisation_only(ctx: Context) -> None:
    a, b, silent = await sh.new_org(ctx), await sh.new_org(ctx), await sh.new_org(ctx)
    both, _ = await sh.backstage_member(ctx, role="dispatcher", org_id=a)
    await sh.grant(ctx, user_id=both, org_id=b, role="sales")  # a dispatcher at a, only sales at b
    b_admin, _ = await sh.backstage_member(ctx, role="enterprise_admin", org_id=b)
    await sh.backstage_member(ctx, role="finance", org_id=silent)
    a_alert = await _alert(ctx, _raise(a, None, kind="weight_jump"), minutes_ago=3)  # red: SMS too
    b_alert = await _alert(ctx, _raise(b, None, kind="tare_out_of_range"), minutes_ago=2)
    await _alert(ctx, _raise(silent, None), minutes_ago=1)  # nobody there hears alerts: stored, sent to none
    told = await ah.alert_notices(ctx)
    assert {u: [(k, alert_id) for k, alert_id, _ in items] for u, items in told.items()} == {
        both: [("alert_weight_jump", str(a_alert))], b_admin: [("alert_tare_out_of_range", str(b_alert))]}
    assert [c for c, _ in told[both][0][2]] == ["inbox", "sms"] and [c for c, _ in told[b_admin][0][2]] == ["inbox"]
    assert len(await ah.all_alerts(ctx)) == 3


async def test_an_alert_and_its_notices_share_the_callers_transaction(ctx: Context) -> None:
    org = await sh.new_org(ctx)
    await sh.backstage_member(ctx, role="dispatcher", org_id=org)
    long_text = "超" * 400
    with pytest.raises(RuntimeError):
        async with ctx.sessions() as session:
            await alerts.raise_alert(session, data=_raise(org, None, message=long_text))
            raise RuntimeError("the refusal that raised it failed later")  # the caller never commits
    assert await ah.all_alerts(ctx) == [] and await ah.alert_notices(ctx) == {}
    async with ctx.sessions() as session:
        await alerts.raise_alert(session, data=_raise(org, None, message=long_text, ref="gps_event:" + "9" * 80))
        await session.commit()
    [stored] = await ah.all_alerts(ctx)
    assert len(stored.message_zh) == 300 and len(stored.ref) == 64 and len(await ah.alert_notices(ctx)) == 1
