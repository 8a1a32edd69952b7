"""The queue over HTTP: the dispatcher's board, call, skip and settings (audited; only the site's
organisation sees them), the driver's own card and the day's slots."""

from __future__ import annotations

import uuid
from typing import Any

import httpx

from backend.context import Context
from backend.db.unit import unit_of_work
from backend.domain.audit import service as audit
from tests.drivers import helpers as dh
from tests.orders import helpers as oh
from tests.queue import helpers as qh
from tests.sites import helpers as sh


async def driver(ctx: Context, client: httpx.AsyncClient) -> tuple[uuid.UUID, dict[str, str]]:
    """A registered, logged-in driver: (user id, headers)."""
    _, headers = await dh.driver(client, ctx)
    me = await client.get("/api/auth/me", headers=headers)
    assert me.status_code == 200, me.text
    return uuid.UUID(me.json()["userId"]), headers


def refused(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    assert body["code"] == code, body
    return body


async def test_dispatcher_board_call_skip_and_settings(ctx: Context, client: httpx.AsyncClient) -> None:
    m = await qh.mine(ctx)
    _, _, boss = await sh.member(ctx, client, role="dispatcher", org_id=m.org_id)
    user = await qh.driver_user(ctx)
    tickets = [qh.ticket(m.site_id, user, nev=(i == 2)) for i in range(3)]
    for t in tickets:
        await qh.check_in(ctx, t)
    url = f"/api/mine/sites/{m.site_id}"
    r = await client.get(f"{url}/queue", params={"line": "lump_coal"}, headers=boss)
    assert r.status_code == 200, r.text
    line = r.json()["lines"][0]
    assert [w["orderId"] for w in line["waiting"]] == [str(t.order_id) for t in (tickets[2], *tickets[:2])]
    assert line["waiting"][0]["newEnergy"] is True and line["servedToday"] == 0
    assert (line["serviceIntervalS"], line["serviceIntervalMeasured"]) == (360, False)
    assert r.json()["settings"]["nevFirst"] is True
    refused(await client.get(f"{url}/queue", params={"line": "Lump Coal"}, headers=boss), 400, "invalid_input")

    called = await client.post(f"{url}/queue/call", json={"line": "lump_coal", "count": 2}, headers=boss)
    assert called.status_code == 200, called.text
    assert [c["orderId"] for c in called.json()["called"]] == [str(t.order_id) for t in (tickets[2], tickets[0])]
    assert called.json()["called"][0]["secondsLeft"] == 1200
    refused(await client.post(f"{url}/queue/call", json={"line": "lump_coal", "count": 21}, headers=boss),
            400, "invalid_input")

    skipped = await client.post(f"{url}/queue/{tickets[0].order_id}/skip", headers=boss)
    assert skipped.status_code == 200, skipped.text
    assert (skipped.json()["state"], skipped.json()["position"], skipped.json()["requeues"]) == ("waiting", 2, 1)
    refused(await client.post(f"{url}/queue/{tickets[0].order_id}/skip", headers=boss), 409, "queue_requeue_used")
    refused(await client.post(f"{url}/queue/{uuid.uuid4()}/skip", headers=boss), 404, "not_found")

    body = {"nevFirst": False, "callDeadlineS": 600, "appointmentsRequired": False, "hourlyQuota": 8}
    r = await client.put(f"{url}/queue-settings", json=body, headers=boss)
    assert r.status_code == 200, r.text
    assert (r.json()["callDeadlineS"], r.json()["hourlyQuota"]) == (600, 8)
    assert (await client.get(f"{url}/queue-settings", headers=boss)).json()["nevFirst"] is False
    refused(await client.put(f"{url}/queue-settings", json={**body, "callDeadlineS": 5}, headers=boss),
            400, "invalid_input")
    async with unit_of_work(ctx) as session:
        trail = await audit.history(session, entity="site", entity_id=m.site_id)
    actions = [e.action for e in trail]
    assert {"queue.call", "queue.skip", "queue.settings"} <= set(actions)
    settings_entry = next(e for e in trail if e.action == "queue.settings")
    assert settings_entry.before == {"nev_first": True, "call_deadline_s": 1200, "hourly_quota": None}
    assert settings_entry.after == {"nev_first": False, "call_deadline_s": 600, "hourly_quota": 8}


async def test_only_the_sites_organisation_runs_its_queue(ctx: Context, client: httpx.AsyncClient) -> None:
    m = await qh.mine(ctx)
    url = f"/api/mine/sites/{m.site_id}"
    _, _, stranger = await sh.member(ctx, client, role="dispatcher")  # another mine's dispatcher
    for response in (await client.get(f"{url}/queue", headers=stranger),
                     await client.post(f"{url}/queue/call", json={"line": "lump_coal"}, headers=stranger),
                     await client.get(f"/api/mine/sites/{uuid.uuid4()}/queue", headers=stranger)):
        refused(response, 404, "not_found")
    _, _, sales = await sh.member(ctx, client, role="sales", org_id=m.org_id)
    assert (await client.get(f"{url}/queue", headers=sales)).status_code == 200
    body = {"nevFirst": True, "callDeadlineS": 900, "appointmentsRequired": False}
    refused(await client.put(f"{url}/queue-settings", json=body, headers=sales), 403, "forbidden")
    _, _, finance = await sh.member(ctx, client, role="finance", org_id=m.org_id)
    refused(await client.get(f"{url}/queue", headers=finance), 403, "role_required")
    _, headers = await driver(ctx, client)
    refused(await client.get(f"{url}/queue", headers=headers), 403, "role_required")


async def test_a_driver_sees_only_his_own_card(ctx: Context, client: httpx.AsyncClient) -> None:
    m = await qh.mine(ctx)
    me, mine_headers = await driver(ctx, client)
    _, other_headers = await driver(ctx, client)
    ahead = qh.ticket(m.site_id, await qh.driver_user(ctx))
    t = qh.ticket(m.site_id, me)
    await qh.check_in(ctx, ahead)
    await qh.check_in(ctx, t)
    r = await client.get(f"/api/driver/queue/{t.order_id}", headers=mine_headers)
    assert r.status_code == 200, r.text
    card = r.json()
    assert (card["orderNo"], card["state"], card["position"], card["ahead"], card["etaMinutes"]) == (
        t.order_no, "waiting", 2, 1, 6)
    assert card["siteName"].startswith("测试储煤场") and card["callDeadlineAt"] is None
    refused(await client.get(f"/api/driver/queue/{t.order_id}", headers=other_headers), 404, "not_found")
    refused(await client.get(f"/api/driver/queue/{uuid.uuid4()}", headers=mine_headers), 404, "not_found")
    _, _, boss = await sh.member(ctx, client, role="dispatcher", org_id=m.org_id)
    refused(await client.get(f"/api/driver/queue/{t.order_id}", headers=boss), 403, "role_required")


async def test_the_days_slots_show_what_each_hour_has_left(ctx: Context, client: httpx.AsyncClient) -> None:
    w = await oh.world(ctx, client)
    r = await client.put(f"/api/mine/sites/{w.site['id']}/queue-settings", headers=w.dispatcher, json={
        "nevFirst": True, "callDeadlineS": 1200, "appointmentsRequired": True, "hourlyQuota": 3})
    assert r.status_code == 200, r.text
    _, t = await oh.dispatched(ctx, client, w)  # slots are for a driver with an open order at the site
    headers = t.headers
    r = await client.get(f"/api/driver/sites/{w.site['id']}/slots", headers=headers)
    assert r.status_code == 200, r.text
    day = r.json()
    assert day["appointmentsRequired"] is True and 1 <= len(day["slots"]) <= 24
    assert all(s["quota"] == 3 and s["remaining"] == 3 for s in day["slots"])
    tomorrow = await client.get(f"/api/driver/sites/{w.site['id']}/slots",
                                params={"date": str(qh.rules_today_plus(1))}, headers=headers)
    assert tomorrow.status_code == 200 and len(tomorrow.json()["slots"]) == 24
    refused(await client.get(f"/api/driver/sites/{uuid.uuid4()}/slots", headers=headers), 404, "not_found")
