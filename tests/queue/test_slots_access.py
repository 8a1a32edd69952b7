"""Issue 12 finding: any driver could read any site's appointment data (/api/driver/sites/{id}/slots).
Now a driver sees a site's slots only while he drives an open order there; any other site (a foreign
one, one where his order is over, one that does not exist) answers the same 404."""

from __future__ import annotations

import uuid

import httpx

from backend.context import Context
from tests.orders import helpers as oh
from tests.queue import helpers as qh


def slots(site_id: object) -> str:
    return f"/api/driver/sites/{site_id}/slots"


async def test_a_driver_sees_slots_only_where_he_holds_an_open_order(ctx: Context, client: httpx.AsyncClient) -> None:
    w = await oh.world(ctx, client)
    order, t = await oh.dispatched(ctx, client, w)
    foreign = await qh.mine(ctx)  # another mine's site: he has no part in it
    assert (await client.get(slots(w.site["id"]), headers=t.headers)).status_code == 200
    missing = await client.get(slots(uuid.uuid4()), headers=t.headers)
    r = await client.get(slots(foreign.site_id), headers=t.headers)
    assert r.status_code == 404, r.text
    assert r.json() == missing.json()  # the same answer as for a site that does not exist

    # A driver with no order at all sees no site's slots, not even this one.
    stranger = await oh.trucker(ctx, client)
    assert (await client.get(slots(w.site["id"]), headers=stranger.headers)).status_code == 404

    # Once his order is over (cancelled), the site is none of his business any more.
    r = await client.post(f"/api/mine/orders/{order['id']}/cancel", headers=w.parties.sales, json={"reason": "测试作废"})
    assert r.status_code == 200, r.text
    assert (await client.get(slots(w.site["id"]), headers=t.headers)).status_code == 404
