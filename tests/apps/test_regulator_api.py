"""The regulator app: a regulator sees its region and below, read-only except an organisation's status."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import pytest

from tests import factories as f
from tests.sites import helpers as h
from tests.sites.test_sites_api import refusal


@dataclass
class Org:
    id: uuid.UUID
    site_id: str
    headers: dict[str, str]


async def _mine(ctx, client, region_code: str, *, lon: float, lat: float) -> Org:
    _, org_id, headers = await h.member(ctx, client, role="enterprise_admin", region_code=region_code)
    site = await h.create_site(client, headers, org_id, fence=h.rect(lon, lat))
    return Org(org_id, site["id"], headers)


@pytest.fixture
async def mines(ctx, client) -> dict[str, Org]:
    """Mines in Otog Front Banner (150623), Jungar Banner (150622) and Wuhai's Haibowan (150302)."""
    return {
        "otog_front": await _mine(ctx, client, "150623", lon=107.5, lat=38.2),
        "jungar": await _mine(ctx, client, "150622", lon=111.2, lat=39.8),
        "wuhai": await _mine(ctx, client, "150302", lon=106.8, lat=39.7),
    }


def ids(page_or_list: Any) -> set[str]:
    items = page_or_list["items"] if isinstance(page_or_list, dict) else page_or_list
    return {item["id"] for item in items}


async def test_district_regulator_sees_its_banner_only(client, ctx, mines):
    own_org, headers = await h.regulator(ctx, client, "150623")
    page = (await client.get("/api/regulator/orgs", headers=headers)).json()
    assert ids(page) == {str(mines["otog_front"].id), str(own_org)}
    assert (page["total"], page["offset"], page["limit"]) == (2, 0, 50)
    assert ids((await client.get("/api/regulator/orgs?kind=mine", headers=headers)).json()) == {str(mines["otog_front"].id)}
    for name in ("jungar", "wuhai"):
        refusal(await client.get(f"/api/regulator/orgs/{mines[name].id}", headers=headers), 404, "not_found", None)
        refusal(await client.get(f"/api/enterprise/orgs/{mines[name].id}", headers=headers), 404, "not_found", None)
        refusal(await client.get(f"/api/enterprise/sites/{mines[name].site_id}", headers=headers), 404, "not_found", None)
    detail = (await client.get(f"/api/regulator/orgs/{mines['otog_front'].id}", headers=headers)).json()
    assert detail["org"]["regionCode"] == "150623" and [s["id"] for s in detail["sites"]] == [mines["otog_front"].site_id]
    sites = (await client.get("/api/regulator/sites", headers=headers)).json()
    assert ids(sites) == {mines["otog_front"].site_id}
    assert sites[0]["fence"]["type"] == "Polygon" and sites[0]["orgName"]
    site = (await client.get(f"/api/enterprise/sites/{mines['otog_front'].site_id}", headers=headers)).json()
    assert site["id"] == mines["otog_front"].site_id


async def test_city_regulator_sees_all_of_ordos_but_not_wuhai(client, ctx, mines):
    _, headers = await h.regulator(ctx, client, "150600")
    page = (await client.get("/api/regulator/orgs?kind=mine", headers=headers)).json()
    assert ids(page) == {str(mines["otog_front"].id), str(mines["jungar"].id)}
    jungar_only = (await client.get("/api/regulator/orgs?region_code=150622", headers=headers)).json()
    assert ids(jungar_only) == {str(mines["jungar"].id)}
    # Asking for a region outside the scope narrows to nothing; it never widens the scope.
    assert (await client.get("/api/regulator/orgs?region_code=150300", headers=headers)).json()["total"] == 0
    first = (await client.get("/api/regulator/orgs?kind=mine&limit=1", headers=headers)).json()
    second = (await client.get("/api/regulator/orgs?kind=mine&limit=1&offset=1", headers=headers)).json()
    assert first["total"] == second["total"] == 2 and ids(first) | ids(second) == ids(page)
    refusal(await client.get(f"/api/regulator/orgs/{mines['wuhai'].id}", headers=headers), 404, "not_found", None)
    assert ids((await client.get("/api/regulator/sites", headers=headers)).json()) == {
        mines["otog_front"].site_id, mines["jungar"].site_id,
    }
    summary = (await client.get("/api/regulator/summary", headers=headers)).json()
    assert summary["orgsByKind"] == {"mine": 2, "regulator": 1}
    assert summary["orgsByStatus"] == {"active": 3} and summary["orgsTotal"] == 3
    assert (summary["sitesTotal"], summary["sitesByKind"]) == (2, {"mine_yard": 2})
    assert (summary["devicesTotal"], summary["devicesOnline"]) == (0, 0)


async def test_filters_are_checked(client, ctx, mines):
    _, headers = await h.regulator(ctx, client, "150600")
    refusal(await client.get("/api/regulator/orgs?kind=castle", headers=headers), 400, "invalid_input", "kind")
    refusal(await client.get("/api/regulator/orgs?status=asleep", headers=headers), 400, "invalid_input", "status")
    refusal(await client.get("/api/regulator/orgs?limit=1000", headers=headers), 400, "invalid_input", "limit")
    refusal(await client.get("/api/regulator/orgs?offset=-1", headers=headers), 400, "invalid_input", "offset")
    refusal(await client.get("/api/regulator/orgs?region_code=15062", headers=headers), 422, "region_format", "region_code")
    refusal(await client.get("/api/regulator/sites?region_code=159999", headers=headers), 422, "region_unknown", "region_code")
    # A search term is text, not a pattern: "%" matches only a "%".
    assert (await client.get("/api/regulator/orgs?q=%25", headers=headers)).json()["total"] == 0


async def test_regulator_reads_but_never_writes_the_registry(client, ctx, mines):
    _, headers = await h.regulator(ctx, client, "150623")
    mine = mines["otog_front"]
    refusal(await client.patch(f"/api/enterprise/orgs/{mine.id}", json={"name": "改名"}, headers=headers), 403, "forbidden", None)
    refusal(await client.patch(f"/api/enterprise/orgs/{mines['jungar'].id}", json={"name": "改名"}, headers=headers),
            404, "not_found", None)
    refusal(await client.post(f"/api/enterprise/orgs/{mine.id}/sites", json=h.site_body("新场"), headers=headers),
            403, "forbidden", None)
    refusal(await client.patch(f"/api/enterprise/sites/{mine.site_id}", json={"name": "新名"}, headers=headers),
            403, "forbidden", None)
    refusal(await client.post(f"/api/enterprise/sites/{mine.site_id}/gates", json={"name": "门", "direction": "in"},
                              headers=headers), 403, "forbidden", None)
    assert (await client.get(f"/api/enterprise/orgs/{mine.id}", headers=mine.headers)).json()["name"] != "改名"


async def test_status_change_suspends_and_reinstates(client, ctx, mines):
    _, headers = await h.regulator(ctx, client, "150623")
    mine = mines["otog_front"]
    url = f"/api/regulator/orgs/{mine.id}/status"
    await f.step_up(client, headers)  # suspending asks for the TOTP code again
    refusal(await client.post(url, json={"status": "suspended"}, headers=headers), 400, "invalid_input", "reason")
    refusal(await client.post(url, json={"status": "closed", "reason": "检查"}, headers=headers), 400, "invalid_input", "status")
    refusal(await client.post(f"/api/regulator/orgs/{mines['jungar'].id}/status",
                              json={"status": "suspended", "reason": "超载"}, headers=headers), 404, "not_found", None)
    suspended = await client.post(url, json={"status": "suspended", "reason": "未按规定安装称重设备"}, headers=headers)
    assert suspended.status_code == 200 and suspended.json()["status"] == "suspended"
    # The suspended organisation's staff lose its powers at once.
    assert (await client.get(f"/api/enterprise/orgs/{mine.id}", headers=mine.headers)).status_code == 404
    listed = (await client.get("/api/regulator/orgs?status=suspended", headers=headers)).json()
    assert ids(listed) == {str(mine.id)}
    assert (await client.post(url, json={"status": "active", "reason": "整改完成"}, headers=headers)).status_code == 200
    assert (await client.get(f"/api/enterprise/orgs/{mine.id}", headers=mine.headers)).status_code == 200
    # Staff cannot change a status, not even their own organisation's.
    refusal(await client.post(url, json={"status": "active", "reason": "自查"}, headers=mine.headers),
            403, "role_required", None)


async def test_a_site_is_seen_by_the_regulator_of_its_own_region(client, ctx):
    """An Otog Front Banner mine's yard across the border in Otog Banner (150624) is that banner's to see."""
    _, org_id, headers = await h.member(ctx, client, role="enterprise_admin", region_code="150623")
    home = await h.create_site(client, headers, org_id, name="本部煤场")
    across = await h.create_site(client, headers, org_id, name="飞地煤场", regionCode="150624")
    _, otog_headers = await h.regulator(ctx, client, "150624")
    assert ids((await client.get("/api/regulator/sites", headers=otog_headers)).json()) == {across["id"]}
    assert (await client.get(f"/api/enterprise/sites/{across['id']}", headers=otog_headers)).status_code == 200
    assert (await client.get(f"/api/enterprise/sites/{home['id']}", headers=otog_headers)).status_code == 404
    assert (await client.get(f"/api/regulator/orgs/{org_id}", headers=otog_headers)).status_code == 404
    _, front_headers = await h.regulator(ctx, client, "150623")
    detail = (await client.get(f"/api/regulator/orgs/{org_id}", headers=front_headers)).json()
    assert [s["id"] for s in detail["sites"]] == [home["id"]]
