from __future__ import annotations

import re

import pyotp

from backend import clock as backend_clock
from tests import factories as f


async def test_regulator_must_enrol_totp_then_log_in_with_it(client, ctx):
    user_id, number, _ = await f.staff(ctx, role="regulator", kind="regulator", region_code="150600")
    r = await client.post("/api/auth/login", json={"phone": number, "password": f.PASSWORD})
    body = r.json()
    assert r.status_code == 200 and body["status"] == "totp_setup_required" and body["tokens"] is None
    setup = (await client.post("/api/auth/totp/enrol", json={"mfaToken": body["mfaToken"]})).json()
    assert setup["otpauthUri"].startswith("otpauth://totp/") and "<svg" in setup["qrSvg"]
    wrong = await client.post("/api/auth/totp/enrol/confirm", json={"mfaToken": body["mfaToken"], "totpCode": "000000"})
    assert wrong.status_code == 401 and wrong.json()["field"] == "totpCode"
    code = pyotp.TOTP(setup["secret"]).now()
    done = await client.post("/api/auth/totp/enrol/confirm", json={"mfaToken": body["mfaToken"], "totpCode": code})
    assert done.status_code == 200 and done.json()["accessToken"]

    # Next login asks for the code; the same code cannot be used twice.
    client.cookies.clear()
    step = (await client.post("/api/auth/login", json={"phone": number, "password": f.PASSWORD})).json()
    assert step["status"] == "totp_required"
    replay = await client.post("/api/auth/login/totp", json={"mfaToken": step["mfaToken"], "totpCode": code})
    assert replay.status_code == 401
    fresh = pyotp.TOTP(setup["secret"]).at(backend_clock.now_s() + 30)
    ok = await client.post("/api/auth/login/totp", json={"mfaToken": step["mfaToken"], "totpCode": fresh})
    assert ok.status_code == 200, ok.text


async def test_mfa_token_is_not_an_access_token(client, ctx):
    _, number, _ = await f.staff(ctx, role="regulator", kind="regulator", region_code="150600")
    body = (await client.post("/api/auth/login", json={"phone": number, "password": f.PASSWORD})).json()
    client.cookies.clear()
    r = await client.get("/api/auth/me", headers={"Authorization": f"Bearer {body['mfaToken']}"})
    assert r.status_code == 401


async def test_staff_may_enable_totp_voluntarily(client, ctx):
    _, number, _ = await f.staff(ctx, role="sales")
    headers = await f.login(client, number)
    setup = (await client.post("/api/auth/totp/setup", headers=headers)).json()
    r = await client.post("/api/auth/totp/confirm", headers=headers, json={"totpCode": pyotp.TOTP(setup["secret"]).now()})
    assert r.status_code == 200
    again = (await client.post("/api/auth/login", json={"phone": number, "password": f.PASSWORD})).json()
    assert again["status"] == "totp_required"


async def test_sms_login_with_console_sender(client, ctx):
    _, number = await f.make_user(ctx)
    assert (await client.post("/api/auth/sms", json={"phone": number, "purpose": "login"})).status_code == 202
    text = ctx.sms.last_to(number)
    code = re.search(r"(\d{6})", text).group(1)
    bad = await client.post("/api/auth/login/sms", json={"phone": number, "smsCode": "999999" if code != "999999" else "111111"})
    assert bad.status_code == 401 and bad.json()["field"] == "smsCode"
    ok = await client.post("/api/auth/login/sms", json={"phone": number, "smsCode": code})
    assert ok.status_code == 200 and ok.json()["status"] == "ok"
    client.cookies.clear()
    # A code works once.
    again = await client.post("/api/auth/login/sms", json={"phone": number, "smsCode": code})
    assert again.status_code == 401


async def test_sms_resend_cooldown(client, ctx):
    _, number = await f.make_user(ctx)
    assert (await client.post("/api/auth/sms", json={"phone": number})).status_code == 202
    r = await client.post("/api/auth/sms", json={"phone": number})
    assert r.status_code == 429


async def test_bad_phone_and_bad_json_are_4xx_with_field(client, ctx):
    r = await client.post("/api/auth/login", json={"phone": "12345", "password": "x"})
    assert r.status_code == 422 and r.json()["field"] == "phone" and r.json()["code"] == "phone_format"
    r = await client.post("/api/auth/login", json={"phone": "13800000000"})
    assert r.status_code == 400 and r.json()["field"] == "password"
    r = await client.post("/api/auth/login", content=b"{not json", headers={"content-type": "application/json"})
    assert 400 <= r.status_code < 500
    r = await client.post("/api/auth/login", json={"phone": "13800000000", "password": "x", "extra": 1})
    assert r.status_code == 400 and r.json()["field"] == "extra"


async def test_odd_totp_codes_are_refused_not_crashed(client, ctx):
    # Found by the OpenAPI fuzzer: hmac.compare_digest raises on non-ASCII text.
    _, number, _ = await f.staff(ctx, role="sales")
    headers = await f.login(client, number)
    await client.post("/api/auth/totp/setup", headers=headers)
    for code in ("１２３４５６", "12345٦", "abcdef", "1234"):
        r = await client.post("/api/auth/totp/confirm", headers=headers, json={"totpCode": code})
        assert r.status_code == 401, (code, r.text)
