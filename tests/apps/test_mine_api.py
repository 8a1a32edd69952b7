"""The mine app's site overview: my organisations' sites with their equipment and device health."""

from __future__ import annotations

from backend.db.unit import unit_of_work
from backend.domain.sites import service as sites
from tests import factories as f
from tests.sites import helpers as h
from tests.sites.test_sites_api import refusal


async def test_site_overview_for_staff(client, ctx):
    _, org_id, admin_headers = await h.member(ctx, client, role="enterprise_admin")
    site = await h.create_site(client, admin_headers, org_id)
    base = f"/api/enterprise/sites/{site['id']}"
    gate = await h.post_ok(client, f"{base}/gates", {"name": "南门", "direction": "both"}, admin_headers)
    lane = await h.post_ok(client, f"{base}/lanes", {"name": "1号道", "direction": "in", "gateId": gate["id"],
                                                      "hasWeighbridge": True}, admin_headers)
    for code, kind in (("CAM-A1", "camera"), ("WB-A1", "weighbridge")):
        await h.post_ok(client, f"{base}/devices", {"kind": kind, "code": code, "laneId": lane["id"]}, admin_headers)
    async with unit_of_work(ctx) as session:
        assert await sites.touch_device(session, device_code="WB-A1", org_id=org_id, status={"weight_kg": 0})
        await session.commit()
    # Someone else's site must not show up in my overview.
    _, other_org, other_headers = await h.member(ctx, client, role="enterprise_admin")
    await h.create_site(client, other_headers, other_org, name="别家煤场")

    _, _, dispatcher_headers = await h.member(ctx, client, role="dispatcher", org_id=org_id)
    response = await client.get("/api/mine/sites", headers=dispatcher_headers)
    assert response.status_code == 200, response.text
    (overview,) = response.json()
    assert overview["id"] == site["id"] and overview["fence"] == site["fence"]
    assert [g["name"] for g in overview["gates"]] == ["南门"]
    assert [(ln["name"], ln["gateId"]) for ln in overview["lanes"]] == [("1号道", gate["id"])]
    health = {d["code"]: (d["online"], d["lastSeenAt"] is not None) for d in overview["devices"]}
    assert health == {"CAM-A1": (False, False), "WB-A1": (True, True)}


async def test_site_overview_needs_an_enterprise_role(client, ctx):
    _, _, carrier_headers = await h.member(ctx, client, role="carrier_admin", kind="carrier")
    refusal(await client.get("/api/mine/sites", headers=carrier_headers), 403, "role_required", None)
    _, number = await f.make_user(ctx)
    refusal(await client.get("/api/mine/sites", headers=await f.login(client, number)), 403, "role_required", None)
    _, regulator_headers = await h.regulator(ctx, client, "150623")
    refusal(await client.get("/api/mine/sites", headers=regulator_headers), 403, "role_required", None)
    assert (await client.get("/api/mine/sites")).status_code == 401
    _, _, finance_headers = await h.member(ctx, client, role="finance")
    assert (await client.get("/api/mine/sites", headers=finance_headers)).json() == []
