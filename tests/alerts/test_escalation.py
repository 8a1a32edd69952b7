"""Escalation (issue 13, first "done when"): a red alert nobody acknowledges by its deadline goes to the
district, then (after the new deadline) to the city, each exactly once, though two worker processes
sweep at the same instant, again and again; an acknowledged one that is not closed goes up on its
close deadline; a closed one never does. The sweepers are real OS processes on the test's database
(`meitong jobs run alerts.escalate --at …`, tests/alerts/sweepers.py), the clock fixed per sweep.

The district's routing (set over HTTP by its city's regulator) sends red to the enterprise only, so
every level above hears of an alert through its escalation alone, and sees it only from then on.
"""

from __future__ import annotations

import uuid
from collections import Counter
from datetime import datetime, timedelta

import httpx
from litestar import Litestar

from backend.context import Context
from tests.alerts import flow
from tests.alerts import helpers as ah
from tests.alerts.sweepers import Pool, run_together

ACK_MIN, CLOSE_MIN = 10, 60
JOB = "alerts.escalate"


def _sweep(workers: Pool | Context, raised: datetime, minutes: int, *, escalated: int) -> None:
    """Sweep at `minutes` after the raise: by the pool's workers, or by fresh processes (a restart)."""
    at = raised + timedelta(minutes=minutes)
    sweep = workers.sweep(at) if isinstance(workers, Pool) else run_together(workers, job=JOB, at=at, processes=3)
    assert sweep.total("escalated") == escalated, (minutes, sweep.counts)


async def _status(client: httpx.AsyncClient, alert_id: uuid.UUID, headers: dict[str, str]) -> int:
    return (await client.get(f"/api/alerts/{alert_id}", headers=headers)).status_code


def _escalations(told: dict[uuid.UUID, list[tuple[str, str, list[tuple[str, str | None]]]]],
                 user: uuid.UUID) -> Counter[str]:
    return Counter(alert_id for kind, alert_id, _ in told.get(user, []) if kind == "alert_escalated")


async def test_unhandled_alerts_go_up_once_per_level_with_two_workers_sweeping(
        ctx: Context, client: httpx.AsyncClient, app: Litestar) -> None:
    raised = flow.now_minus(1).replace(microsecond=0)
    fw = await flow.world(ctx, client, app, tare_at=raised - timedelta(minutes=30))
    await flow.set_routing(client, fw.people["city"], flow.DISTRICT,
                           flow.routing_body(red_audience=["enterprise"], ack_min=ACK_MIN, close_min=CLOSE_MIN))
    # Left alone: the lane's refusal, and three more trucks' (so each sweep has several rows to fight over).
    left = [await flow.raise_jump(ctx, fw, at=raised)]
    left += [await flow.raise_red(ctx, fw, plate=f"蒙K2000{i}", at=raised) for i in range(3)]
    acked = await flow.raise_red(ctx, fw, plate="蒙K30000", at=raised)  # acknowledged, never closed
    closed = await flow.raise_red(ctx, fw, plate="蒙K40000", at=raised)  # handled to its close
    first = await flow.refresh(ctx, left[0])
    assert (first.region_code, first.reach, first.escalation, first.raised_at) == (flow.DISTRICT, "enterprise", 0, raised)
    assert (first.due_at, first.close_due_at) == (raised + timedelta(minutes=ACK_MIN), raised + timedelta(minutes=CLOSE_MIN))

    handler, district, city = fw.people["mine_dispatcher"], fw.people["district"], fw.people["city"]
    await flow.post(client, acked, "acknowledge", handler)
    await flow.post(client, closed, "acknowledge", handler)
    await flow.post(client, closed, "dispose", handler, {"cause": "传感器接线松动", "measures": "已紧固并复检"})
    await flow.post(client, closed, "review", district, {"accept": True})
    assert await _status(client, left[0], district) == 404  # red reaches the enterprise only, here

    with Pool(ctx, job=JOB, processes=2) as pool:
        for _ in range(2):  # the same instant twice: the second sweep finds nothing left to do
            _sweep(pool, raised, ACK_MIN - 1, escalated=0)
        _sweep(pool, raised, ACK_MIN, escalated=len(left))  # the four unacknowledged ones, to the district
        _sweep(pool, raised, ACK_MIN, escalated=0)
        _sweep(ctx, raised, ACK_MIN, escalated=0)  # restarted workers at the same instant: nothing more
        _sweep(pool, raised, 2 * ACK_MIN - 1, escalated=0)
        assert await _status(client, left[0], district) == 200 and await _status(client, left[0], city) == 404
        assert await _status(client, acked, district) == 404
        _sweep(pool, raised, 2 * ACK_MIN, escalated=len(left))  # the new deadline passed: to the city
        _sweep(pool, raised, 2 * ACK_MIN, escalated=0)
        assert await _status(client, left[0], city) == 200
        _sweep(pool, raised, CLOSE_MIN, escalated=1)  # the acknowledged one missed its close deadline
        _sweep(pool, raised, 2 * CLOSE_MIN - 1, escalated=0)
        _sweep(pool, raised, 2 * CLOSE_MIN, escalated=1)
        _sweep(pool, raised, 2 * CLOSE_MIN, escalated=0)
    _sweep(ctx, raised, 24 * 60, escalated=0)  # the top reached: never again, whoever sweeps

    admin = fw.people["mine_admin"]
    for alert_id in left:
        d = await flow.detail(client, alert_id, admin)
        assert flow.actions(d) == ["raised", "escalated", "escalated"], d["steps"]
        ups = d["steps"][1:]
        assert [(s["data"]["level"], s["data"]["missed"]) for s in ups] == [("district", "ack"), ("city", "ack")]
        assert [datetime.fromisoformat(s["at"]) for s in ups] == [raised + timedelta(minutes=m)
                                                                  for m in (ACK_MIN, 2 * ACK_MIN)]
        assert all(s["actor"] is None for s in ups) and "escalated to the district" in ups[0]["noteEn"] and "旗区" in ups[0]["note"]
        assert ups[0]["data"]["notified"] == 1 and ups[1]["data"]["notified"] == 1  # one regulator per level
        assert (d["alert"]["reach"], d["alert"]["escalation"], d["alert"]["status"]) == ("city", 2, "open")
    d = await flow.detail(client, acked, admin)
    assert flow.actions(d) == ["raised", "acknowledged", "escalated", "escalated"], d["steps"]
    assert d["steps"][1]["actor"].startswith(fw.names["mine_dispatcher"]) and d["alert"]["ackedBy"] == d["steps"][1]["actor"]
    assert [(s["data"]["level"], s["data"]["missed"]) for s in d["steps"][2:]] == [("district", "close"), ("city", "close")]
    assert [datetime.fromisoformat(s["at"]) for s in d["steps"][2:]] == [raised + timedelta(minutes=m)
                                                                         for m in (CLOSE_MIN, 2 * CLOSE_MIN)]
    d = await flow.detail(client, closed, admin)
    assert flow.actions(d) == ["raised", "acknowledged", "disposed", "accepted"]
    assert (d["alert"]["status"], d["alert"]["escalation"]) == ("closed", 0)

    # The notices: each level's regulator heard of each escalated alert exactly once; the handlers
    # heard of both steps; the regulators of another district and another city of nothing.
    told = await ah.alert_notices(ctx)
    up = {str(a) for a in [*left, acked]}
    for level in ("district", "city"):
        assert _escalations(told, fw.users[level]) == Counter(dict.fromkeys(up, 1)), level
    for handler_label in ("mine_admin", "mine_dispatcher"):
        assert _escalations(told, fw.users[handler_label]) == Counter(dict.fromkeys(up, 2)), handler_label
    for stranger in ("other_district", "other_city", "mine_sales", "buyer_admin", "driver"):
        assert _escalations(told, fw.users[stranger]) == Counter(), stranger
    assert [k for k, a, _ in told.get(fw.users["city"], []) if k != "alert_escalated"] == []
