"""Site and gate changes reach the GPS workers at once: each bumps the world version they reload
on, and `active_sites` (what they tag against) reads the change."""

from __future__ import annotations

import uuid

from backend.context import Context
from backend.db.unit import unit_of_work
from backend.domain.sites import service as sites
from backend.domain.tracking.zones import WORLD_VERSION_KEY
from tests.sites import helpers as h


async def _version(ctx: Context) -> int:
    return int(await ctx.redis.get(WORLD_VERSION_KEY) or 0)


async def test_site_and_gate_changes_bump_the_gps_world(ctx, client):
    _, org_id, headers = await h.member(ctx, client, role="enterprise_admin")
    assert await _version(ctx) == 0
    site = await h.create_site(client, headers, org_id)
    assert await _version(ctx) == 1
    site_id = uuid.UUID(site["id"])
    lon, lat = h.offset(h.LON, h.LAT, east_m=100.0)  # on the south edge
    await h.post_ok(client, f"/api/enterprise/sites/{site_id}/gates",
                    {"name": "南门", "direction": "out", "lon": lon, "lat": lat}, headers)
    await h.post_ok(client, f"/api/enterprise/sites/{site_id}/gates", {"name": "北门", "direction": "in"}, headers)
    assert await _version(ctx) == 3

    url = f"/api/enterprise/sites/{site_id}"
    bigger = await client.patch(url, json={"fence": h.rect(width_m=1_000.0)}, headers=headers)
    assert bigger.status_code == 200, bigger.text
    assert await _version(ctx) == 4
    same = await client.patch(url, json={"fence": bigger.json()["fence"]}, headers=headers)
    assert same.status_code == 200 and await _version(ctx) == 4  # nothing changed: no reload
    async with unit_of_work(ctx) as session:
        [shape] = await sites.active_sites(session, site_ids={site_id})
    assert shape.fence == bigger.json()["fence"] and shape.centroid_lon == bigger.json()["centroidLon"]
    assert [(g.name, g.direction) for g in shape.gates] == [("南门", "out")]  # an unplaced gate is no exit

    closed = await client.patch(url, json={"status": "closed"}, headers=headers)
    assert closed.status_code == 200 and await _version(ctx) == 5
    async with unit_of_work(ctx) as session:
        assert await sites.active_sites(session, site_ids={site_id}) == []
