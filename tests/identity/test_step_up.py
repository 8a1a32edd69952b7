"""Issue 12 point 3: the most dangerous actions ask for the TOTP code again (step-up). Suspension and
blacklisting of organisations, blacklisting a driver, issuing or rotating a machine key and granting a
role answer 403 step_up_required until the login session re-entered its code, and again once the
step-up is older than step_up_ttl_s."""

from __future__ import annotations

import pytest

from tests import factories as f
from tests.drivers import helpers as dh


def _needs_step_up(r) -> None:
    assert r.status_code == 403, r.text
    body = r.json()
    assert body["code"] == "step_up_required" and body["message_zh"] and body["message_en"]


async def test_platform_admin_must_step_up_to_suspend_an_organisation(client, ctx, clock):
    """The finding: the platform administrator could suspend organisations on a password alone."""
    clock.freeze()
    org_id = await f.make_org(ctx, kind="mine", region_code="150623")
    _, number = await f.make_user(ctx, name="平台管理员", admin=True)
    admin = await f.login(client, number)
    url = f"/api/regulator/orgs/{org_id}/status"
    _needs_step_up(await client.post(url, headers=admin, json={"status": "suspended", "reason": "未按规定安装设备"}))

    await f.step_up(client, admin)
    r = await client.post(url, headers=admin, json={"status": "suspended", "reason": "未按规定安装设备"})
    assert r.status_code == 200 and r.json()["status"] == "suspended", r.text
    r = await client.post(url, headers=admin, json={"status": "blacklisted", "reason": "伪造磅单"})
    assert r.status_code == 200 and r.json()["status"] == "blacklisted"

    # Stale: past the window the code is asked for again.
    clock.advance(ctx.settings.step_up_ttl_s + 1)
    _needs_step_up(await client.post(url, headers=admin, json={"status": "active", "reason": "整改完成"}))
    await f.step_up(client, admin)
    r = await client.post(url, headers=admin, json={"status": "active", "reason": "整改完成"})
    assert r.status_code == 200 and r.json()["status"] == "active"


async def test_regulator_steps_up_to_blacklist_a_driver(client, ctx, clock):
    clock.freeze()
    body, _ = await dh.driver(client, ctx, regionCode="150623")
    _, number, _ = await f.staff(ctx, role="regulator", kind="regulator", region_code="150623")
    regulator = await f.login(client, number)
    url = f"/api/regulator/drivers/{body['driver']['id']}/status"
    _needs_step_up(await client.post(url, headers=regulator, json={"status": "blacklisted", "reason": "多次伪造磅单"}))
    await f.step_up(client, regulator)
    r = await client.post(url, headers=regulator, json={"status": "blacklisted", "reason": "多次伪造磅单"})
    assert r.status_code == 200 and r.json()["status"] == "blacklisted"
    clock.advance(ctx.settings.step_up_ttl_s)
    _needs_step_up(await client.post(url, headers=regulator, json={"status": "active", "reason": "整改完成"}))


async def test_enterprise_admin_steps_up_to_issue_and_rotate_a_machine_key(client, ctx, clock):
    clock.freeze()
    _, number, org_id = await f.staff(ctx, role="enterprise_admin")
    admin = await f.login(client, number)
    _needs_step_up(await client.post(f"/api/enterprise/orgs/{org_id}/keys", headers=admin, json={"name": "ERP"}))
    await f.step_up(client, admin)
    issued = await client.post(f"/api/enterprise/orgs/{org_id}/keys", headers=admin, json={"name": "ERP"})
    assert issued.status_code == 201, issued.text
    key_id = issued.json()["key"]["keyId"]
    clock.advance(ctx.settings.step_up_ttl_s + 5)
    _needs_step_up(await client.post(f"/api/enterprise/keys/{key_id}/rotate", headers=admin))
    # Revoking only takes power away: no code needed.
    assert (await client.post(f"/api/enterprise/keys/{key_id}/revoke", headers=admin)).status_code == 200


async def test_granting_a_role_asks_for_the_code_again(client, ctx, clock):
    clock.freeze()
    _, number, org_id = await f.staff(ctx, role="enterprise_admin")
    admin = await f.login(client, number)
    grant = {"phone": f.phone(), "role": "finance"}  # an invitation the person then accepts
    _needs_step_up(await client.post(f"/api/enterprise/orgs/{org_id}/users", headers=admin, json=grant))
    await f.step_up(client, admin)
    r = await client.post(f"/api/enterprise/orgs/{org_id}/users", headers=admin, json=grant)
    assert r.status_code == 201, r.text


async def test_a_step_up_belongs_to_one_login_session(client, ctx, clock):
    clock.freeze()
    org_id = await f.make_org(ctx, kind="mine", region_code="150623")
    _, number = await f.make_user(ctx, name="平台管理员", admin=True)
    first = await f.login(client, number)
    second = await f.login(client, number)
    await f.step_up(client, first)
    url = f"/api/regulator/orgs/{org_id}/status"
    _needs_step_up(await client.post(url, headers=second, json={"status": "suspended", "reason": "另一设备"}))


@pytest.mark.parametrize("code", ["000000", "12345x", "１２３４５６"])
async def test_a_wrong_step_up_code_is_refused(client, ctx, code):
    _, number = await f.make_user(ctx, name="平台管理员", admin=True)
    admin = await f.login(client, number)
    r = await client.post("/api/auth/step-up", headers=admin, json={"totpCode": code})
    assert r.status_code == 401 and r.json()["field"] == "totpCode"


async def test_step_up_without_totp_is_refused_with_a_reason(client, ctx):
    _, number, _ = await f.staff(ctx, role="sales")
    sales = await f.login(client, number)
    r = await client.post("/api/auth/step-up", headers=sales, json={"totpCode": "123456"})
    assert r.status_code == 422 and r.json()["code"] == "totp_not_enabled"


async def test_guessing_the_step_up_code_is_limited_and_a_right_code_clears_the_count(client, ctx):
    _, number = await f.make_user(ctx, name="平台管理员", admin=True)
    admin = await f.login(client, number)
    for _ in range(9):
        assert (await client.post("/api/auth/step-up", headers=admin, json={"totpCode": "000000"})).status_code == 401
    await f.step_up(client, admin)  # the tenth try, right: the count starts again
    for _ in range(10):
        assert (await client.post("/api/auth/step-up", headers=admin, json={"totpCode": "000000"})).status_code == 401
    blocked = await client.post("/api/auth/step-up", headers=admin, json={"totpCode": await f.totp_code(ctx, number)})
    assert blocked.status_code == 429 and blocked.json()["code"] == "rate_limited"
