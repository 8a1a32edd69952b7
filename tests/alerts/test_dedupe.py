"""Duplicate suppression: the same kind on the same subject inside the kind's window counts on one open
alert (count, last seen) without a new notice; after a quiet window, or on another subject, a new alert
stands alone; two racing raises of one key leave one open alert (the unique partial index)."""

from __future__ import annotations

import asyncio
import uuid
from datetime import datetime, timedelta

from backend.context import Context
from backend.db.base import utcnow
from backend.domain.alerts import service as alerts
from backend.domain.alerts.schemas import AlertOut, AlertRaise
from tests.alerts import helpers as ah
from tests.sites import helpers as sh

T0 = utcnow().replace(microsecond=0) - timedelta(hours=3)


def _silent(org: uuid.UUID, device: str = "lane:1") -> AlertRaise:
    return AlertRaise(kind="device_silent", org_id=org, site_id=None, region_code="150623", ref=f"device:{device}",
                      message_zh="设备离线", message_en="device silent", device_ref=device)


async def _raise(ctx: Context, data: AlertRaise, at: datetime) -> AlertOut:
    async with ctx.sessions() as session:
        out = await alerts.raise_alert(session, data=data, at=at)
        await session.commit()
    return out


async def test_a_flapping_device_raises_one_alert_with_a_count(ctx: Context) -> None:
    org = await sh.new_org(ctx)
    await sh.backstage_member(ctx, role="dispatcher", org_id=org)
    # Silent, back, silent again... every 10 minutes for an hour and a half: each inside the window of the last.
    outs = [await _raise(ctx, _silent(org), T0 + timedelta(minutes=10 * i)) for i in range(10)]
    [alert] = await ah.all_alerts(ctx)
    assert {o.id for o in outs} == {alert.id}
    assert (alert.count, alert.raised_at, alert.last_seen_at) == (10, T0, T0 + timedelta(minutes=90))
    assert [len(items) for items in (await ah.alert_notices(ctx)).values()] == [1]  # one notice, not ten

    other = await _raise(ctx, _silent(org, "lane:2"), T0 + timedelta(minutes=91))  # another device: its own
    assert other.id != alert.id and other.count == 1
    # Quiet beyond the 30-minute window: the next silence is a new alert (and a new notice); the old stays open.
    later = await _raise(ctx, _silent(org), T0 + timedelta(minutes=121))
    again = await _raise(ctx, _silent(org), T0 + timedelta(minutes=125))
    assert later.id not in (alert.id, other.id) and again.id == later.id and again.count == 2
    assert {a.id: (a.status, a.count) for a in await ah.all_alerts(ctx)} == {
        alert.id: ("open", 10), other.id: ("open", 1), later.id: ("open", 2)}
    assert [len(items) for items in (await ah.alert_notices(ctx)).values()] == [3]


async def test_a_handled_alert_does_not_absorb_the_next(ctx: Context) -> None:
    org = await sh.new_org(ctx)
    first = await _raise(ctx, _silent(org), T0)
    async with ctx.sessions() as session:
        await alerts.mark_handled(session, alert_id=first.id)
        await session.commit()
    second = await _raise(ctx, _silent(org), T0 + timedelta(minutes=1))
    assert second.id != first.id and second.count == 1


async def test_other_organisations_and_kinds_never_merge(ctx: Context) -> None:
    a, b = await sh.new_org(ctx), await sh.new_org(ctx)
    ids = {(await _raise(ctx, _silent(org), T0)).id for org in (a, b)}
    ids.add((await _raise(ctx, AlertRaise(kind="plate_mismatch", org_id=a, site_id=None, region_code="150623",
                                          ref="weighing:x", message_zh="不符", message_en="differs", plate="lane:1"),
                          T0)).id)
    assert len(ids) == 3 and len(await ah.all_alerts(ctx)) == 3


async def test_two_racing_raises_leave_one_open_alert(ctx: Context) -> None:
    """The first raise holds its insert uncommitted while the second looks, finds nothing and inserts:
    the unique partial index refuses the second, which counts on the first instead."""
    org = await sh.new_org(ctx)
    async with ctx.sessions() as first:
        winner = await alerts.raise_alert(first, data=_silent(org), at=T0)
        loser = asyncio.create_task(_raise(ctx, _silent(org), T0 + timedelta(minutes=1)))
        await asyncio.sleep(0.3)  # the second is now waiting on the first's row (or write lock)
        assert not loser.done()
        await first.commit()
    counted = await asyncio.wait_for(loser, timeout=10)
    [alert] = await ah.all_alerts(ctx)
    assert counted.id == winner.id == alert.id and alert.count == 2
