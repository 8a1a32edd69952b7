"""The look-ups other features call: touch_device (heartbeats), site_brief, device_org."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from backend import clock as backend_clock
from backend.db.unit import unit_of_work
from backend.domain.sites import service as sites
from backend.domain.sites.views import is_online
from tests.sites import helpers as h


async def _site_with_device(ctx, client, code: str) -> tuple[uuid.UUID, dict, dict, dict[str, str]]:
    _, org_id, headers = await h.member(ctx, client, role="enterprise_admin")
    site = await h.create_site(client, headers, org_id, checkinZone=h.CHECKIN_ZONE)
    device = await h.post_ok(client, f"/api/enterprise/sites/{site['id']}/devices", {"kind": "edge_agent", "code": code},
                             headers)
    return org_id, site, device, headers


async def test_touch_device_marks_it_online_for_its_own_organisation_only(ctx, client):
    org_id, site, device, headers = await _site_with_device(ctx, client, "EDGE-001")
    other_org, _, _, _ = await _site_with_device(ctx, client, "EDGE-002")
    async with unit_of_work(ctx) as session:
        assert await sites.touch_device(session, device_code="EDGE-001", org_id=other_org, status=None) is False
        assert await sites.touch_device(session, device_code="EDGE-404", org_id=org_id, status=None) is False
        assert await sites.touch_device(session, device_code="EDGE-001", org_id=org_id, status={"cpu": 0.3}) is True
        await session.commit()
    detail = (await client.get(f"/api/enterprise/sites/{site['id']}", headers=headers)).json()
    seen = detail["devices"][0]
    assert seen["online"] is True and seen["lastStatus"] == {"cpu": 0.3}
    assert datetime.fromisoformat(seen["lastSeenAt"]) > backend_clock.now() - timedelta(minutes=1)
    async with unit_of_work(ctx) as session:  # a heartbeat without status keeps the last one
        assert await sites.touch_device(session, device_code="EDGE-001", org_id=org_id, status=None) is True
        await session.commit()
    detail = (await client.get(f"/api/enterprise/sites/{site['id']}", headers=headers)).json()
    assert detail["devices"][0]["lastStatus"] == {"cpu": 0.3}
    async with unit_of_work(ctx) as session:  # NUL is dropped, never stored (PostgreSQL JSONB refuses it)
        status = {"msg\x00": ["ok\x00", {"k": "v\x00"}], "n": 1}
        assert await sites.touch_device(session, device_code="EDGE-001", org_id=org_id, status=status) is True
        assert await sites.touch_device(session, device_code="EDGE-\x00", org_id=org_id, status=None) is False
        await session.commit()
    detail = (await client.get(f"/api/enterprise/sites/{site['id']}", headers=headers)).json()
    assert detail["devices"][0]["lastStatus"] == {"msg": ["ok", {"k": "v"}], "n": 1}
    # Retired devices are no longer touched.
    assert (await client.delete(f"/api/enterprise/sites/{site['id']}/devices/{device['id']}", headers=headers)).status_code == 204
    async with unit_of_work(ctx) as session:
        assert await sites.touch_device(session, device_code="EDGE-001", org_id=org_id, status=None) is False


def test_online_means_seen_within_five_minutes():
    now = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
    assert is_online(now - timedelta(seconds=299), now)
    assert is_online(now - timedelta(seconds=300), now)
    assert not is_online(now - timedelta(seconds=301), now)
    assert not is_online(None, now)


async def test_site_brief_and_device_org(ctx, client):
    org_id, site, device, headers = await _site_with_device(ctx, client, "EDGE-010")
    async with unit_of_work(ctx) as session:
        brief = await sites.site_brief(session, site_id=uuid.UUID(site["id"]))
        assert brief is not None
        assert (brief.org_id, brief.region_code, brief.status) == (org_id, "150623", "active")
        assert brief.fence == site["fence"] and brief.checkin_zone == site["checkinZone"]
        assert await sites.site_brief(session, site_id=uuid.uuid4()) is None
        assert await sites.device_org(session, device_id=uuid.UUID(device["id"])) == org_id
        assert await sites.device_org(session, device_id=uuid.uuid4()) is None
    await client.delete(f"/api/enterprise/sites/{site['id']}/devices/{device['id']}", headers=headers)
    async with unit_of_work(ctx) as session:
        assert await sites.device_org(session, device_id=uuid.UUID(device["id"])) is None
