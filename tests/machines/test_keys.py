"""Machine keys: issued, listed, rotated and revoked by the organisation's admin only."""

from __future__ import annotations

import uuid

from backend.db.unit import unit_of_work
from backend.domain.audit import service as audit
from tests.drivers import helpers as h


async def test_issue_shows_the_secret_once(client, ctx):
    org_id, admin = await h.member(client, ctx, role="enterprise_admin")
    issued = await h.issue_key(client, org_id, admin)
    key_id, secret = issued["key"]["keyId"], issued["secret"]
    assert key_id.startswith("mk_") and len(key_id) == 23
    assert len(secret) == 43 and issued["key"]["status"] == "active" and issued["key"]["deviceId"] is None
    listed = await client.get(f"/api/enterprise/orgs/{org_id}/keys", headers=admin)
    assert listed.status_code == 200 and [k["keyId"] for k in listed.json()] == [key_id]
    assert secret not in listed.text and "secret" not in listed.text.lower()
    async with unit_of_work(ctx) as session:
        trail = await audit.history(session, entity="machine_key", entity_id=key_id)
    assert [e.action for e in trail] == ["machine_key.issue"] and secret not in str(trail)


async def test_key_bound_to_a_device_of_the_org_only(client, ctx):
    org_id, admin = await h.member(client, ctx, role="enterprise_admin")
    other_org, other_admin = await h.member(client, ctx, role="enterprise_admin")
    _, device_id, _ = await h.device(client, org_id, admin)
    _, foreign_device, _ = await h.device(client, other_org, other_admin)
    issued = await h.issue_key(client, org_id, admin, deviceId=device_id)
    assert issued["key"]["deviceId"] == device_id
    r = await client.post(f"/api/enterprise/orgs/{org_id}/keys", json={"name": "x", "deviceId": foreign_device}, headers=admin)
    assert r.status_code == 404 and r.json()["field"] == "deviceId"
    r = await client.post(f"/api/enterprise/orgs/{org_id}/keys", json={"name": "x", "deviceId": str(uuid.uuid4())}, headers=admin)
    assert r.status_code == 404 and r.json()["field"] == "deviceId"


async def test_rotate_gives_a_new_secret_and_revoke_ends_the_key(client, ctx):
    org_id, admin = await h.member(client, ctx, role="carrier_admin", kind="carrier")
    issued = await h.issue_key(client, org_id, admin)
    key_id = issued["key"]["keyId"]
    rotated = await client.post(f"/api/enterprise/keys/{key_id}/rotate", headers=admin)
    assert rotated.status_code == 200, rotated.text
    assert rotated.json()["secret"] != issued["secret"] and rotated.json()["key"]["previousValidUntil"]
    revoked = await client.post(f"/api/enterprise/keys/{key_id}/revoke", headers=admin)
    assert revoked.status_code == 200 and revoked.json()["status"] == "revoked"
    again = await client.post(f"/api/enterprise/keys/{key_id}/rotate", headers=admin)
    assert again.status_code == 409 and again.json()["code"] == "key_revoked"
    async with unit_of_work(ctx) as session:
        trail = await audit.history(session, entity="machine_key", entity_id=key_id)
    assert sorted(e.action for e in trail) == ["machine_key.issue", "machine_key.revoke", "machine_key.rotate"]
    assert issued["secret"] not in str(trail) and rotated.json()["secret"] not in str(trail)


async def test_only_the_orgs_admin_manages_keys(client, ctx):
    org_id, admin = await h.member(client, ctx, role="enterprise_admin")
    key_id = (await h.issue_key(client, org_id, admin))["key"]["keyId"]
    _, sales = await h.member(client, ctx, role="sales", org_id=org_id)
    _, stranger = await h.member(client, ctx, role="enterprise_admin")
    await h.f.step_up(client, stranger)  # past the step-up guard, the organisation is not found
    for headers, status in ((sales, 403), (stranger, 404)):
        assert (await client.get(f"/api/enterprise/orgs/{org_id}/keys", headers=headers)).status_code == status
        assert (await client.post(f"/api/enterprise/orgs/{org_id}/keys", json={"name": "x"}, headers=headers)).status_code == status
        assert (await client.post(f"/api/enterprise/keys/{key_id}/rotate", headers=headers)).status_code == status
        assert (await client.post(f"/api/enterprise/keys/{key_id}/revoke", headers=headers)).status_code == status
    assert (await client.post("/api/enterprise/keys/mk_doesnotexist/revoke", headers=admin)).status_code == 404
    platform = await h.platform_admin(client, ctx)
    assert (await client.get(f"/api/enterprise/orgs/{org_id}/keys", headers=platform)).status_code == 200


async def test_blank_key_name_is_refused(client, ctx):
    org_id, admin = await h.member(client, ctx, role="enterprise_admin")
    await h.f.step_up(client, admin)
    r = await client.post(f"/api/enterprise/orgs/{org_id}/keys", json={"name": "   "}, headers=admin)
    assert r.status_code == 422 and r.json()["field"] == "name"
