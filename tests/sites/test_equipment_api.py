"""Gates, lanes and devices through the enterprise API."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from tests.sites import helpers as h
from tests.sites.test_sites_api import refusal


@pytest.fixture
async def site(ctx, client) -> tuple[dict[str, Any], dict[str, str]]:
    _, org_id, headers = await h.member(ctx, client, role="enterprise_admin")
    return await h.create_site(client, headers, org_id), headers


def south_fence_point(*, east_m: float = 300.0, south_m: float = 0.0) -> dict[str, float]:
    lon, lat = h.offset(h.LON, h.LAT, east_m=east_m, north_m=-south_m)
    return {"lon": lon, "lat": lat}


async def test_gates(client, site):
    s, headers = site
    url = f"/api/enterprise/sites/{s['id']}/gates"
    gate = await h.post_ok(client, url, {"name": "南门", "direction": "in", **south_fence_point(south_m=150)}, headers)
    assert gate["designated"] is True and gate["siteId"] == s["id"]
    unplaced = await h.post_ok(client, url, {"name": "应急门", "direction": "out", "designated": False}, headers)
    assert unplaced["lon"] is None and unplaced["designated"] is False
    refusal(await client.post(url, json={"name": "南门", "direction": "out"}, headers=headers), 409, "gate_name_taken", "name")
    refusal(await client.post(url, json={"name": "远门", "direction": "in", **south_fence_point(south_m=500)}, headers=headers),
            422, "gate_far_from_fence", "lon")
    p = south_fence_point()
    refusal(await client.post(url, json={"name": "反门", "direction": "in", "lon": p["lat"], "lat": p["lon"]}, headers=headers),
            400, "invalid_input", "lat")  # lat 107.5 is no latitude at all
    refusal(await client.post(url, json={"name": "反门", "direction": "in", "lon": 38.2, "lat": 38.2}, headers=headers),
            422, "position_bounds", "lon")
    refusal(await client.post(url, json={"name": "半门", "direction": "in", "lon": p["lon"]}, headers=headers),
            422, "position_incomplete", "lat")
    refusal(await client.post(url, json={"name": "侧门", "direction": "sideways"}, headers=headers),
            400, "invalid_input", "direction")
    detail = (await client.get(f"/api/enterprise/sites/{s['id']}", headers=headers)).json()
    assert [g["name"] for g in detail["gates"]] == sorted(["南门", "应急门"])


async def test_lanes_only_use_gates_of_the_same_site(client, site, ctx):
    s, headers = site
    gate = await h.post_ok(client, f"/api/enterprise/sites/{s['id']}/gates", {"name": "北门", "direction": "in"}, headers)
    url = f"/api/enterprise/sites/{s['id']}/lanes"
    lane = await h.post_ok(client, url, {"name": "1号道", "direction": "in", "gateId": gate["id"], "hasWeighbridge": True},
                           headers)
    assert lane["gateId"] == gate["id"] and lane["hasWeighbridge"] is True
    refusal(await client.post(url, json={"name": "1号道", "direction": "in"}, headers=headers), 409, "lane_name_taken", "name")
    refusal(await client.post(url, json={"name": "2号道", "direction": "out", "gateId": gate["id"]}, headers=headers),
            422, "lane_direction_mismatch", "direction")
    # A gate of another site of the same organisation, of another organisation, or of none: one answer.
    other_site = await h.create_site(client, headers, s["orgId"], name="二号储煤场")
    own_other = await h.post_ok(client, f"/api/enterprise/sites/{other_site['id']}/gates", {"name": "东门", "direction": "in"},
                                headers)
    _, foreign_org, foreign_headers = await h.member(ctx, client, role="enterprise_admin")
    foreign_site = await h.create_site(client, foreign_headers, foreign_org)
    foreign_gate = await h.post_ok(client, f"/api/enterprise/sites/{foreign_site['id']}/gates",
                                   {"name": "西门", "direction": "in"}, foreign_headers)
    for gate_id in (own_other["id"], foreign_gate["id"], str(uuid.uuid4())):
        refusal(await client.post(url, json={"name": "3号道", "direction": "in", "gateId": gate_id}, headers=headers),
                422, "gate_not_in_site", "gateId")
    refusal(await client.post(url, json={"name": "3号道", "direction": "in", "gateId": "not-a-uuid"}, headers=headers),
            400, "invalid_input", "gateId")


async def test_devices(client, site, ctx):
    s, headers = site
    lane = await h.post_ok(client, f"/api/enterprise/sites/{s['id']}/lanes", {"name": "1号道", "direction": "both"}, headers)
    url = f"/api/enterprise/sites/{s['id']}/devices"
    device = await h.post_ok(client, url, {"kind": "weighbridge", "code": "WB-OTQ-001", "name": "1号地磅",
                                           "vendor": "耀华", "laneId": lane["id"]}, headers)
    assert (device["online"], device["lastSeenAt"], device["status"]) == (False, None, "active")
    refusal(await client.post(url, json={"kind": "camera", "code": "WB-OTQ-001"}, headers=headers),
            409, "device_code_taken", "code")
    # Codes are unique across the whole platform: another organisation cannot reuse one either.
    _, foreign_org, foreign_headers = await h.member(ctx, client, role="enterprise_admin")
    foreign_site = await h.create_site(client, foreign_headers, foreign_org)
    refusal(await client.post(f"/api/enterprise/sites/{foreign_site['id']}/devices",
                              json={"kind": "camera", "code": "WB-OTQ-001"}, headers=foreign_headers),
            409, "device_code_taken", "code")
    other_lane = await h.post_ok(client, f"/api/enterprise/sites/{foreign_site['id']}/lanes",
                                 {"name": "A道", "direction": "in"}, foreign_headers)
    refusal(await client.post(url, json={"kind": "camera", "code": "CAM-1", "laneId": other_lane["id"]}, headers=headers),
            422, "lane_not_in_site", "laneId")
    refusal(await client.post(url, json={"kind": "toaster", "code": "T-1"}, headers=headers), 400, "invalid_input", "kind")
    refusal(await client.post(url, json={"kind": "camera", "code": "a b"}, headers=headers), 400, "invalid_input", "code")


async def test_retire_device(client, site):
    s, headers = site
    url = f"/api/enterprise/sites/{s['id']}/devices"
    device = await h.post_ok(client, url, {"kind": "camera", "code": "CAM-OTQ-7"}, headers)
    assert (await client.delete(f"{url}/{device['id']}", headers=headers)).status_code == 204
    assert (await client.delete(f"{url}/{device['id']}", headers=headers)).status_code == 204  # idempotent
    detail = (await client.get(f"/api/enterprise/sites/{s['id']}", headers=headers)).json()
    assert detail["devices"] == []
    # The retired device keeps its code: records that name it must stay unambiguous.
    refusal(await client.post(url, json={"kind": "camera", "code": "CAM-OTQ-7"}, headers=headers),
            409, "device_code_taken", "code")
    assert (await client.delete(f"{url}/{uuid.uuid4()}", headers=headers)).status_code == 404
    trail = (await client.get(f"/api/enterprise/orgs/{s['orgId']}/audit", headers=headers)).json()
    retire = [e for e in trail if e["action"] == "site.device.retire"]
    assert len(retire) == 1 and retire[0]["after"]["code"] == "CAM-OTQ-7" and retire[0]["after"]["status"] == "retired"
    assert retire[0]["entityId"] == s["id"] and retire[0]["actorLabel"]
