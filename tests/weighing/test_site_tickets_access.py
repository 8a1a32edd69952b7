"""Issue 12 finding: a foreign site's ticket list answered 200 with an empty page (confirming the site
exists) instead of 404. Now only those who watch the site (its organisation's staff, its regulators)
get its list; staff of another mine get the same 404 as for a site that does not exist."""

from __future__ import annotations

import uuid

import httpx
from litestar import Litestar

from backend.context import Context
from tests.sites import helpers as sh
from tests.waybills import helpers as wayh


async def test_a_foreign_sites_tickets_answer_404_and_its_own_staff_see_them(
        ctx: Context, client: httpx.AsyncClient, app: Litestar) -> None:
    lw = await wayh.ticketed(ctx, client, app)
    site = lw.gw.site_id
    own = await client.get(f"/api/mine/sites/{site}/tickets", headers=lw.gw.w.parties.sales)
    assert own.status_code == 200 and own.json()["total"] == 1, own.text

    missing = await client.get(f"/api/mine/sites/{uuid.uuid4()}/tickets", headers=lw.gw.w.parties.sales)
    assert missing.status_code == 404
    for role in ("enterprise_admin", "sales", "dispatcher"):
        _, _, other = await sh.member(ctx, client, role=role, kind="mine")  # staff of another mine
        r = await client.get(f"/api/mine/sites/{site}/tickets", headers=other)
        assert r.status_code == 404, (role, r.text)
        assert r.json() == missing.json()
    # A carrier's dispatcher passes the mine app's role guard (dispatcher) but watches no site.
    _, _, carrier = await sh.member(ctx, client, role="dispatcher", kind="carrier")
    assert (await client.get(f"/api/mine/sites/{site}/tickets", headers=carrier)).status_code == 404
