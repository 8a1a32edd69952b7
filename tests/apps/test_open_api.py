"""The signed machine interface end to end: the platform's verifier against devices.signing."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest

from backend import clock as backend_clock
from backend.db.base import utcnow
from backend.db.unit import unit_of_work
from backend.domain.machines import service as machines
from devices.signing import signed_headers
from tests import factories as f
from tests.drivers import helpers as h


@pytest.fixture
async def key(client, ctx):
    """(org id, admin headers, key id, secret) of a mine's key not bound to a device."""
    org_id, admin = await h.member(client, ctx, role="enterprise_admin")
    issued = await h.issue_key(client, org_id, admin)
    return org_id, admin, issued["key"]["keyId"], issued["secret"]


def _signed(key_id: str, secret: str, method: str, path: str, body: bytes = b"", **kw) -> dict[str, str]:
    headers = signed_headers(key_id=key_id, secret=secret, method=method, path=path, body=body, **kw)
    if body:
        headers["Content-Type"] = "application/json"
    return headers


async def test_valid_signed_ping_through_the_signed_client(app, key):
    org_id, _, key_id, secret = key
    async with h.signed_client(app, key_id, secret) as machine:
        r = await machine.get("/open/v1/ping")
        assert r.status_code == 200, r.text
        body = r.json()
        assert body["keyId"] == key_id and body["orgId"] == str(org_id) and body["deviceId"] is None
        assert body["orgName"]
        assert abs(backend_clock.now_s() - _epoch(body["serverTime"])) < 5
        # The query string is signed as sent (percent-encoded, unsorted).
        r = await machine.get("/open/v1/ping?z=1&a=%E7%85%A4+x")
        assert r.status_code == 200, r.text


def _epoch(iso: str) -> float:
    return datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp()


async def test_unsigned_and_malformed_calls_are_401(client, key):
    _, _, key_id, secret = key
    r = await client.get("/open/v1/ping")
    assert r.status_code == 401 and r.json()["code"] == "signature_missing"
    # An unsigned junk body is refused for its signature, not parsed.
    r = await client.post("/open/v1/devices/heartbeat", content=b"{not json", headers={"Content-Type": "application/json"})
    assert r.status_code == 401 and r.json()["code"] == "signature_missing"
    good = _signed(key_id, secret, "GET", "/open/v1/ping")
    for name, value in [("X-MT-Timestamp", "12.5"), ("X-MT-Nonce", "short"), ("X-MT-Signature", good["X-MT-Signature"].upper()),
                        ("X-MT-Key", "mk_bad key"), ("X-MT-Timestamp", "9" * 30)]:
        r = await client.get("/open/v1/ping", headers={**good, name: value})
        assert r.status_code == 401 and r.json()["code"] == "signature_malformed", (name, r.text)


async def test_stale_timestamp(client, key):
    _, _, key_id, secret = key
    for skew in (-301, 301):
        headers = _signed(key_id, secret, "GET", "/open/v1/ping", timestamp_s=int(backend_clock.now_s()) + skew)
        r = await client.get("/open/v1/ping", headers=headers)
        assert r.status_code == 401 and r.json()["code"] == "signature_stale"


async def test_replayed_nonce(client, key):
    _, _, key_id, secret = key
    headers = _signed(key_id, secret, "GET", "/open/v1/ping")
    assert (await client.get("/open/v1/ping", headers=headers)).status_code == 200
    r = await client.get("/open/v1/ping", headers=headers)
    assert r.status_code == 401 and r.json()["code"] == "signature_replayed"


async def test_a_bad_signature_does_not_burn_the_nonce(client, key):
    _, _, key_id, secret = key
    nonce = "n0nce-burn-test-000001"
    bad = _signed(key_id, "wrong-secret", "GET", "/open/v1/ping", nonce=nonce)
    assert (await client.get("/open/v1/ping", headers=bad)).json()["code"] == "signature_invalid"
    good = _signed(key_id, secret, "GET", "/open/v1/ping", nonce=nonce)
    assert (await client.get("/open/v1/ping", headers=good)).status_code == 200


async def test_wrong_secret_unknown_key_and_wrong_path(client, key):
    _, _, key_id, secret = key
    r = await client.get("/open/v1/ping", headers=_signed(key_id, secret + "x", "GET", "/open/v1/ping"))
    assert r.status_code == 401 and r.json()["code"] == "signature_invalid"
    r = await client.get("/open/v1/ping", headers=_signed("mk_nosuchkey000000000", secret, "GET", "/open/v1/ping"))
    assert r.status_code == 401 and r.json()["code"] == "signature_key_unknown"
    # Signed for another path (or method): the same signature does not carry over.
    r = await client.get("/open/v1/ping", headers=_signed(key_id, secret, "GET", "/open/v1/ping?x=1"))
    assert r.json()["code"] == "signature_invalid"
    r = await client.get("/open/v1/ping", headers=_signed(key_id, secret, "POST", "/open/v1/ping"))
    assert r.json()["code"] == "signature_invalid"


async def test_tampered_body(client, ctx, key):
    org_id, admin, key_id, secret = key
    _, _, code = await h.device(client, org_id, admin)
    signed_body = json.dumps({"deviceCode": code, "status": {"online": True}}, separators=(",", ":")).encode()
    sent_body = json.dumps({"deviceCode": code, "status": {"online": False}}, separators=(",", ":")).encode()
    headers = _signed(key_id, secret, "POST", "/open/v1/devices/heartbeat", signed_body)
    r = await client.post("/open/v1/devices/heartbeat", content=sent_body, headers=headers)
    assert r.status_code == 401 and r.json()["code"] == "signature_invalid"


async def test_revoked_key_is_dead_at_once(app, client, key):
    _, admin, key_id, secret = key
    async with h.signed_client(app, key_id, secret) as machine:
        assert (await machine.get("/open/v1/ping")).status_code == 200
        assert (await client.post(f"/api/enterprise/keys/{key_id}/revoke", headers=admin)).status_code == 200
        r = await machine.get("/open/v1/ping")
        assert r.status_code == 401 and r.json()["code"] == "signature_key_unknown"


async def test_rotated_key_old_secret_works_in_grace_then_not(app, client, ctx, key):
    _, admin, key_id, old = key
    rotated = await client.post(f"/api/enterprise/keys/{key_id}/rotate", headers=admin)
    new = rotated.json()["secret"]
    async with h.signed_client(app, key_id, old) as old_machine, h.signed_client(app, key_id, new) as new_machine:
        assert (await old_machine.get("/open/v1/ping")).status_code == 200  # within the 24 h grace
        assert (await new_machine.get("/open/v1/ping")).status_code == 200
        # Rotate again as if a day had passed since: the grace of the secret it replaces is over.
        admin_id, _ = await f.make_user(ctx, admin=True)
        async with unit_of_work(ctx) as session:
            admin_principal = f.platform_principal(admin_id)
            newest = await machines.rotate_key(session, ctx=ctx, actor=admin_principal, key_id=key_id,
                                               now=utcnow() - timedelta(seconds=ctx.settings.key_rotation_grace_s + 1))
        r = await new_machine.get("/open/v1/ping")  # `new` is now the previous secret, its grace over
        assert r.status_code == 401 and r.json()["code"] == "signature_invalid"
        r = await old_machine.get("/open/v1/ping")  # two rotations ago: long dead
        assert r.status_code == 401 and r.json()["code"] == "signature_invalid"
    async with h.signed_client(app, key_id, newest.secret) as machine:
        assert (await machine.get("/open/v1/ping")).status_code == 200


async def test_last_used_is_recorded_at_minute_precision(app, client, key):
    org_id, admin, key_id, secret = key
    listed = (await client.get(f"/api/enterprise/orgs/{org_id}/keys", headers=admin)).json()
    assert listed[0]["lastUsedAt"] is None
    async with h.signed_client(app, key_id, secret) as machine:
        assert (await machine.get("/open/v1/ping")).status_code == 200
        first = (await client.get(f"/api/enterprise/orgs/{org_id}/keys", headers=admin)).json()[0]["lastUsedAt"]
        assert first is not None
        assert (await machine.get("/open/v1/ping")).status_code == 200
        second = (await client.get(f"/api/enterprise/orgs/{org_id}/keys", headers=admin)).json()[0]["lastUsedAt"]
        assert second == first  # within the minute: no write


async def test_heartbeat_touches_own_devices_only(app, client, ctx, key):
    org_id, admin, key_id, secret = key
    site_id, _, code = await h.device(client, org_id, admin)
    other_org, other_admin = await h.member(client, ctx, role="enterprise_admin")
    _, _, foreign_code = await h.device(client, other_org, other_admin)
    async with h.signed_client(app, key_id, secret) as machine:
        r = await machine.post("/open/v1/devices/heartbeat", json={"deviceCode": code, "status": {"online": True, "温度": 21}})
        assert r.status_code == 200, r.text
        assert r.json()["deviceCode"] == code
        r = await machine.post("/open/v1/devices/heartbeat", json={"deviceCode": foreign_code})
        assert r.status_code == 404
        r = await machine.post("/open/v1/devices/heartbeat", json={"deviceCode": "NO-SUCH-DEVICE"})
        assert r.status_code == 404
        r = await machine.post("/open/v1/devices/heartbeat", json={"code": code})
        assert r.status_code == 400  # signed, so now the body is read: and refused
    site = (await client.get(f"/api/enterprise/sites/{site_id}", headers=admin)).json()
    device = next(d for d in site["devices"] if d["code"] == code)
    assert device["lastSeenAt"] is not None and device["lastStatus"] == {"online": True, "温度": 21}


async def test_key_bound_to_a_device_heartbeats_for_that_device_only(app, client, key):
    org_id, admin, _, _ = key
    _, device_id, code = await h.device(client, org_id, admin)
    _, _, sibling_code = await h.device(client, org_id, admin)
    issued = await h.issue_key(client, org_id, admin, deviceId=device_id)
    async with h.signed_client(app, issued["key"]["keyId"], issued["secret"]) as machine:
        ping = await machine.get("/open/v1/ping")
        assert ping.json()["deviceId"] == device_id
        assert (await machine.post("/open/v1/devices/heartbeat", json={"deviceCode": code})).status_code == 200
        r = await machine.post("/open/v1/devices/heartbeat", json={"deviceCode": sibling_code})
        assert r.status_code == 404


async def test_a_retired_devices_key_stops_working(app, client, ctx):
    org_id, admin = await h.member(client, ctx, role="enterprise_admin")
    site_id, device_id, code = await h.device(client, org_id, admin)
    issued = await h.issue_key(client, org_id, admin, deviceId=device_id)
    key_id, secret = issued["key"]["keyId"], issued["secret"]
    async with h.signed_client(app, key_id, secret) as machine:
        assert (await machine.post("/open/v1/devices/heartbeat", json={"deviceCode": code})).status_code == 200
        retired = await client.delete(f"/api/enterprise/sites/{site_id}/devices/{device_id}", headers=admin)
        assert retired.status_code == 204
        r = await machine.get("/open/v1/ping")
        assert r.status_code == 401 and r.json()["code"] == "signature_key_unknown"
