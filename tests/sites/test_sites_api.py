"""Sites through the enterprise API: a real fence near Ordos, and every refusal with its field."""

from __future__ import annotations

from typing import Any

import pytest

from tests.sites import helpers as h


@pytest.fixture
async def admin(ctx, client) -> tuple[Any, dict[str, str]]:
    _, org_id, headers = await h.member(ctx, client, role="enterprise_admin")
    return org_id, headers


def refusal(response: Any, status: int, code: str, field: str | None) -> None:
    assert response.status_code == status, response.text
    body = response.json()
    assert (body["code"], body["field"]) == (code, field), body
    assert body["message_zh"] and body["message_en"]


async def test_create_site_stores_normalised_fence_area_and_centroid(client, admin):
    org_id, headers = admin
    site = await h.create_site(client, headers, org_id, checkinZone=h.CHECKIN_ZONE)
    assert site["orgId"] == str(org_id)
    assert site["regionCode"] == "150623" and site["regionName"] == "鄂托克前旗"  # the org's region by default
    assert 235_000 < site["fenceAreaM2"] < 245_000  # 600 m x 400 m
    assert site["centroidLon"] == pytest.approx(h.offset(h.LON, h.LAT, east_m=300)[0], abs=1e-6)
    assert site["centroidLat"] == pytest.approx(h.offset(h.LON, h.LAT, north_m=200)[1], abs=1e-6)
    assert site["fence"]["type"] == "Polygon" and site["checkinZone"]["type"] == "Polygon"
    assert site["gates"] == [] and site["lanes"] == [] and site["devices"] == []
    again = await client.get(f"/api/enterprise/sites/{site['id']}", headers=headers)
    assert again.status_code == 200 and again.json()["fence"] == site["fence"]


async def test_explicit_region_must_be_known(client, admin):
    org_id, headers = admin
    site = await h.create_site(client, headers, org_id, regionCode="150624")
    assert site["regionCode"] == "150624"
    url = f"/api/enterprise/orgs/{org_id}/sites"
    refusal(await client.post(url, json=h.site_body("二号", regionCode="150699"), headers=headers),
            422, "region_unknown", "regionCode")
    refusal(await client.post(url, json=h.site_body("三号", regionCode="15062"), headers=headers),
            422, "region_format", "regionCode")


@pytest.mark.parametrize(
    ("fence", "status", "code"),
    [
        ("POLYGON((107.5 38.2, 107.6 38.2, 107.6 38.3, 107.5 38.2))", 400, "invalid_input"),  # WKT, not GeoJSON
        ({"type": "Point", "coordinates": [107.5, 38.2]}, 422, "fence_type"),
        ({"type": "Polygon", "coordinates": [[[107.5, 38.2], [107.6, 38.2]]]}, 422, "fence_coordinates"),
        ({"type": "Polygon", "coordinates": [[["107.5", "38.2"]] * 4]}, 422, "fence_coordinates"),
        ({"type": "Polygon", "coordinates": [[[107.5, 38.2], [107.51, 38.2], [107.51, 38.21], [107.5, 38.21]]]},
         422, "fence_not_closed"),
    ],
    ids=["wkt-string", "point", "two-positions", "string-numbers", "not-closed"],
)
async def test_malformed_geojson_is_refused_on_field_fence(client, admin, fence, status, code):
    org_id, headers = admin
    response = await client.post(f"/api/enterprise/orgs/{org_id}/sites", json=h.site_body(fence=fence), headers=headers)
    refusal(response, status, code, "fence")


async def test_self_intersecting_fence_is_refused(client, admin):
    org_id, headers = admin
    east, north = h.offset(h.LON, h.LAT, east_m=500, north_m=500)
    bow_tie = [[h.LON, h.LAT], [east, north], [east, h.LAT], [h.LON, north], [h.LON, h.LAT]]
    response = await client.post(
        f"/api/enterprise/orgs/{org_id}/sites",
        json=h.site_body(fence={"type": "Polygon", "coordinates": [bow_tie]}), headers=headers,
    )
    refusal(response, 422, "fence_self_intersection", "fence")


async def test_lat_lon_swapped_is_refused(client, admin):
    org_id, headers = admin
    swapped = [[lat, lon] for lon, lat in h.SITE_FENCE["coordinates"][0]]
    response = await client.post(
        f"/api/enterprise/orgs/{org_id}/sites",
        json=h.site_body(fence={"type": "Polygon", "coordinates": [swapped]}), headers=headers,
    )
    refusal(response, 422, "fence_bounds", "fence")
    assert "[lon, lat]" in response.json()["message_en"]


async def test_checkin_zone_rules(client, admin):
    org_id, headers = admin
    url = f"/api/enterprise/orgs/{org_id}/sites"
    far = h.rect(*h.offset(h.LON, h.LAT, east_m=40_000), width_m=300, height_m=300)
    refusal(await client.post(url, json=h.site_body(checkinZone=far), headers=headers), 422, "checkin_zone_far", "checkinZone")
    # Near at one end but reaching past 30 km at the other: all of the zone must be within reach.
    long_strip = h.rect(*h.offset(h.LON, h.LAT, east_m=25_000), width_m=6_000, height_m=200)
    refusal(await client.post(url, json=h.site_body(checkinZone=long_strip), headers=headers),
            422, "checkin_zone_far", "checkinZone")
    huge = h.rect(h.LON, h.LAT, width_m=8_000, height_m=8_000)  # 64 km² > 50 km²
    refusal(await client.post(url, json=h.site_body(checkinZone=huge), headers=headers), 422, "fence_area", "checkinZone")
    tiny = h.rect(h.LON, h.LAT, width_m=5, height_m=5)
    refusal(await client.post(url, json=h.site_body(checkinZone=tiny), headers=headers), 422, "fence_area", "checkinZone")
    bad = {"type": "LineString", "coordinates": [[107.5, 38.2], [107.6, 38.2]]}
    refusal(await client.post(url, json=h.site_body(checkinZone=bad), headers=headers), 422, "fence_type", "checkinZone")
    road = h.rect(*h.offset(h.LON, h.LAT, east_m=20_000), width_m=1_000, height_m=500)  # outside the fence: fine
    assert (await client.post(url, json=h.site_body(checkinZone=road), headers=headers)).status_code == 201


async def test_site_fields_are_checked(client, admin, ctx):
    org_id, headers = admin
    url = f"/api/enterprise/orgs/{org_id}/sites"
    await h.create_site(client, headers, org_id, name="一号储煤场")
    refusal(await client.post(url, json=h.site_body("一号储煤场"), headers=headers), 409, "site_name_taken", "name")
    refusal(await client.post(url, json=h.site_body("  x  "), headers=headers), 422, "name_too_short", "name")
    refusal(await client.post(url, json=h.site_body("一号\x00场"), headers=headers), 400, "invalid_input", "name")
    refusal(await client.post(url, json=h.site_body(kind="parking"), headers=headers), 400, "invalid_input", "kind")
    refusal(await client.post(url, json=h.site_body(colour="red"), headers=headers), 400, "invalid_input", "colour")
    _, carrier_id, carrier_headers = await h.member(ctx, client, role="carrier_admin", kind="carrier")
    refusal(await client.post(f"/api/enterprise/orgs/{carrier_id}/sites", json=h.site_body(), headers=carrier_headers),
            422, "org_kind_no_sites", None)


async def test_update_site_recomputes_and_audits(client, admin):
    org_id, headers = admin
    site = await h.create_site(client, headers, org_id, checkinZone=h.CHECKIN_ZONE)
    url = f"/api/enterprise/sites/{site['id']}"
    bigger = h.rect(width_m=1_000, height_m=400)
    response = await client.patch(url, json={"fence": bigger, "name": "一号场（扩建）", "status": "active"}, headers=headers)
    assert response.status_code == 200, response.text
    updated = response.json()
    assert 395_000 < updated["fenceAreaM2"] < 405_000
    assert updated["centroidLon"] > site["centroidLon"] and updated["name"] == "一号场（扩建）"
    assert updated["checkinZone"] == site["checkinZone"]  # not given: kept
    assert (await client.patch(url, json={"name": "一号场（扩建）"}, headers=headers)).status_code == 200  # no change
    cleared = await client.patch(url, json={"checkinZone": None}, headers=headers)
    assert cleared.status_code == 200 and cleared.json()["checkinZone"] is None
    trail = (await client.get(f"/api/enterprise/orgs/{org_id}/audit", headers=headers)).json()
    actions = [e["action"] for e in trail]
    assert actions[:3] == ["site.update", "site.update", "site.create"]
    assert trail[1]["before"]["name"] == "一号储煤场" and trail[1]["after"]["name"] == "一号场（扩建）"
    assert "fence" in trail[1]["after"] and "fence_area_m2" in trail[1]["before"]
    assert trail[0]["after"] == {"checkin_zone": None, "updated_at": trail[0]["after"]["updated_at"]}


async def test_update_site_refusals(client, admin):
    org_id, headers = admin
    site = await h.create_site(client, headers, org_id, checkinZone=h.CHECKIN_ZONE)
    url = f"/api/enterprise/sites/{site['id']}"
    gate_lon, gate_lat = h.offset(h.LON, h.LAT, east_m=300)  # on the southern fence line
    gate = await client.post(f"{url}/gates", json={"name": "南门", "direction": "both", "lon": gate_lon, "lat": gate_lat},
                             headers=headers)
    assert gate.status_code == 201, gate.text
    # Moving the fence 1 km north leaves the south gate 1 km away from it.
    moved = h.rect(*h.offset(h.LON, h.LAT, north_m=1_000))
    refusal(await client.patch(url, json={"fence": moved}, headers=headers), 422, "gate_far_from_fence", "fence")
    # Moving it 35 km east leaves the kept check-in zone too far from the new centre (gate aside).
    far_fence = h.rect(*h.offset(h.LON, h.LAT, east_m=35_000))
    response = await client.patch(url, json={"fence": far_fence}, headers=headers)
    refusal(response, 422, "gate_far_from_fence", "fence")
    refusal(await client.patch(url, json={"regionCode": "999999"}, headers=headers), 422, "region_unknown", "regionCode")
    refusal(await client.patch(url, json={"status": "demolished"}, headers=headers), 400, "invalid_input", "status")
    unchanged = (await client.get(url, headers=headers)).json()
    assert unchanged["fence"] == site["fence"] and unchanged["regionCode"] == "150623"


async def test_fence_change_rechecks_kept_checkin_zone(client, admin):
    org_id, headers = admin
    site = await h.create_site(client, headers, org_id, checkinZone=h.CHECKIN_ZONE)
    far_fence = h.rect(*h.offset(h.LON, h.LAT, east_m=35_000))
    response = await client.patch(f"/api/enterprise/sites/{site['id']}", json={"fence": far_fence}, headers=headers)
    refusal(response, 422, "checkin_zone_far", "checkinZone")
    both = {"fence": far_fence, "checkinZone": h.rect(*h.offset(h.LON, h.LAT, east_m=35_000, north_m=-300))}
    assert (await client.patch(f"/api/enterprise/sites/{site['id']}", json=both, headers=headers)).status_code == 200
