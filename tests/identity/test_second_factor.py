"""Issue 12 point 3: every platform, enterprise and carrier administrator and every regulator passes a
second factor (TOTP) at login, by password and by SMS alike; recovery codes stand in for a lost phone."""

from __future__ import annotations

import re

import pyotp
import pytest

from backend import clock as backend_clock
from tests import factories as f


async def _platform_admin(ctx):
    _, number = await f.make_user(ctx, name="平台管理员", admin=True)
    return number


async def _role(ctx, role, kind):
    _, number, _ = await f.staff(ctx, role=role, kind=kind, region_code="150623")
    return number


ADMINS = {
    "platform_admin": lambda ctx: _platform_admin(ctx),
    "enterprise_admin": lambda ctx: _role(ctx, "enterprise_admin", "mine"),
    "carrier_admin": lambda ctx: _role(ctx, "carrier_admin", "carrier"),
    "regulator": lambda ctx: _role(ctx, "regulator", "regulator"),
}


def _no_session(r) -> None:
    body = r.json()
    assert body["tokens"] is None and body["mfaToken"]
    assert "mt_access" not in r.headers.get("set-cookie", "") and "mt_refresh" not in r.headers.get("set-cookie", "")


@pytest.mark.parametrize("who", sorted(ADMINS))
async def test_an_administrator_cannot_log_in_with_a_password_alone(client, ctx, who):
    """The finding: the platform administrator logged in with a password alone, yet could suspend
    organisations. Now a password (or an SMS code) only opens the TOTP step, before and after enrolment."""
    number = await ADMINS[who](ctx)
    first = await client.post("/api/auth/login", json={"phone": number, "password": f.PASSWORD})
    assert first.status_code == 200 and first.json()["status"] == "totp_setup_required", first.text
    _no_session(first)
    # The mfa token is no access token.
    denied = await client.get("/api/auth/me", headers={"Authorization": f"Bearer {first.json()['mfaToken']}"})
    assert denied.status_code == 401

    await f.login(client, number)  # enrols through the real flow
    again = await client.post("/api/auth/login", json={"phone": number, "password": f.PASSWORD})
    assert again.json()["status"] == "totp_required"
    _no_session(again)

    assert (await client.post("/api/auth/sms", json={"phone": number, "purpose": "login"})).status_code == 202
    code = re.search(r"(\d{6})", ctx.sms.last_to(number)).group(1)
    by_sms = await client.post("/api/auth/login/sms", json={"phone": number, "smsCode": code})
    assert by_sms.status_code == 200 and by_sms.json()["status"] == "totp_required"
    _no_session(by_sms)


async def test_staff_without_admin_roles_still_log_in_with_a_password(client, ctx):
    number = await _role(ctx, "sales", "mine")
    r = await client.post("/api/auth/login", json={"phone": number, "password": f.PASSWORD})
    assert r.json()["status"] == "ok"


async def _enrol(client, number):
    """Enrol through the login page's API; (secret, recovery codes)."""
    step = (await client.post("/api/auth/login", json={"phone": number, "password": f.PASSWORD})).json()
    setup = (await client.post("/api/auth/totp/enrol", json={"mfaToken": step["mfaToken"]})).json()
    code = pyotp.TOTP(setup["secret"]).at(backend_clock.now_s())
    done = await client.post("/api/auth/totp/enrol/confirm", json={"mfaToken": step["mfaToken"], "totpCode": code})
    assert done.status_code == 200, done.text
    client.cookies.clear()
    return setup["secret"], done.json()


async def test_enrolment_shows_ten_recovery_codes_once_and_each_works_once(client, ctx):
    number = await _role(ctx, "enterprise_admin", "mine")
    secret, enrolled = await _enrol(client, number)
    codes = enrolled["recoveryCodes"]
    assert len(codes) == 10 and len(set(codes)) == 10 and all(re.fullmatch(r"[a-z2-9]{4}-[a-z2-9]{4}", c) for c in codes)
    assert enrolled["accessToken"] and enrolled["totpEnabled"] is True

    step = (await client.post("/api/auth/login", json={"phone": number, "password": f.PASSWORD})).json()
    wrong = await client.post("/api/auth/login/recovery", json={"mfaToken": step["mfaToken"], "recoveryCode": "abcd-efgh"})
    assert wrong.status_code == 401 and wrong.json()["code"] == "recovery_code_invalid"
    assert wrong.json()["field"] == "recoveryCode"
    ok = await client.post("/api/auth/login/recovery", json={"mfaToken": step["mfaToken"], "recoveryCode": codes[0].upper()})
    assert ok.status_code == 200, ok.text
    headers = {"Authorization": f"Bearer {ok.json()['accessToken']}"}
    client.cookies.clear()

    # Once only.
    step = (await client.post("/api/auth/login", json={"phone": number, "password": f.PASSWORD})).json()
    replay = await client.post("/api/auth/login/recovery", json={"mfaToken": step["mfaToken"], "recoveryCode": codes[0]})
    assert replay.status_code == 401

    # The count left is visible, and the person was told in his inbox.
    left = await client.get("/api/auth/recovery-codes", headers=headers)
    assert left.json() == {"totpEnabled": True, "remaining": 9}
    inbox = (await client.get("/api/notices/inbox", headers=headers)).json()["items"]
    used = [n for n in inbox if n["kind"] == "recovery_code_used"]
    assert len(used) == 1 and "剩余 9 个" in used[0]["bodyZh"] and "9 left" in used[0]["bodyEn"]

    # New codes need the authenticator; the old ones die.
    refused = await client.post("/api/auth/recovery-codes", headers=headers, json={"totpCode": "000000"})
    assert refused.status_code == 401 and refused.json()["field"] == "totpCode"
    backend_clock_code = pyotp.TOTP(secret).at(backend_clock.now_s() + 30)
    fresh = await client.post("/api/auth/recovery-codes", headers=headers, json={"totpCode": backend_clock_code})
    assert fresh.status_code == 200 and len(fresh.json()["codes"]) == 10
    assert (await client.get("/api/auth/recovery-codes", headers=headers)).json()["remaining"] == 10
    step = (await client.post("/api/auth/login", json={"phone": number, "password": f.PASSWORD})).json()
    old = await client.post("/api/auth/login/recovery", json={"mfaToken": step["mfaToken"], "recoveryCode": codes[1]})
    assert old.status_code == 401
    new = await client.post("/api/auth/login/recovery",
                            json={"mfaToken": step["mfaToken"], "recoveryCode": fresh.json()["codes"][0]})
    assert new.status_code == 200

    # Audited, without a secret or a code in the trail.
    from sqlalchemy import select

    from backend.db.unit import unit_of_work
    from backend.domain.audit.models import AuditEntry

    async with unit_of_work(ctx) as session:
        trail = (await session.execute(select(AuditEntry).where(AuditEntry.entity == "user"))).scalars().all()
    assert sorted(e.action for e in trail) == ["user.recovery_code_use", "user.recovery_code_use",
                                               "user.recovery_codes_regenerate", "user.totp_enable"]
    text = str([(e.before, e.after) for e in trail])
    assert secret not in text and not any(c in text for c in codes + fresh.json()["codes"])


async def test_recovery_codes_are_stored_hashed(client, ctx):
    from sqlalchemy import select

    from backend.db.unit import unit_of_work
    from backend.domain.identity.models import RecoveryCode

    number = await _role(ctx, "carrier_admin", "carrier")
    _, enrolled = await _enrol(client, number)
    async with unit_of_work(ctx) as session:
        stored = (await session.execute(select(RecoveryCode.code_hash))).scalars().all()
    assert len(stored) == 10
    plain = {c.replace("-", "") for c in enrolled["recoveryCodes"]} | set(enrolled["recoveryCodes"])
    assert not plain & set(stored) and all(len(h) == 64 for h in stored)


async def test_a_recovery_code_needs_the_password_step_first(client, ctx):
    number = await _role(ctx, "regulator", "regulator")
    _, enrolled = await _enrol(client, number)
    # A setup-step or forged token is no way in.
    r = await client.post("/api/auth/login/recovery",
                          json={"mfaToken": "x" * 40, "recoveryCode": enrolled["recoveryCodes"][0]})
    assert r.status_code == 401


async def test_a_session_without_the_second_factor_ends_at_its_next_refresh(client, ctx):
    """A login made while the person needed no TOTP (before the rule, or before a role grant) cannot
    be carried on by refreshing once he must use one: he logs in again and enrols."""
    from backend.db.unit import unit_of_work
    from backend.domain.identity import service as identity

    user_id, number, org_id = await f.staff(ctx, role="sales")
    r = await client.post("/api/auth/login", json={"phone": number, "password": f.PASSWORD})
    refresh_token = r.json()["tokens"]["refreshToken"]
    client.cookies.clear()
    async with unit_of_work(ctx) as session:
        await identity.add_membership(session, user_id=user_id, org_id=org_id, role="enterprise_admin")
        await session.commit()
    refused = await client.post("/api/auth/refresh", json={"refreshToken": refresh_token})
    assert refused.status_code == 401 and refused.json()["code"] == "totp_required"
    # The session is over for good, not just this once.
    again = await client.post("/api/auth/refresh", json={"refreshToken": refresh_token})
    assert again.status_code == 401
