"""Issue 12 point 4 (this part): a person sees his own login sessions, signs one or all others out
remotely (their refresh and access tokens die at once, audited), and is told of every new sign-in."""

from __future__ import annotations

from sqlalchemy import select

from backend.db.unit import unit_of_work
from backend.domain.audit.models import AuditEntry
from tests import factories as f


async def _login(client, number, agent):
    r = await client.post("/api/auth/login", json={"phone": number, "password": f.PASSWORD},
                          headers={"User-Agent": agent})
    assert r.status_code == 200 and r.json()["status"] == "ok", r.text
    client.cookies.clear()
    tokens = r.json()["tokens"]
    return {"Authorization": f"Bearer {tokens['accessToken']}"}, tokens["refreshToken"]


async def test_remote_sign_out_kills_the_other_sessions_tokens(client, ctx):
    _, number, _ = await f.staff(ctx, role="sales")
    phone_headers, _ = await _login(client, number, "MeitongApp/1.0 (Android)")
    laptop_headers, laptop_refresh = await _login(client, number, "Mozilla/5.0 (X11; Linux) Chromium")

    listed = (await client.get("/api/auth/sessions", headers=phone_headers)).json()
    assert len(listed) == 2
    mine = [s for s in listed if s["current"]]
    assert len(mine) == 1 and "Android" in mine[0]["client"]
    laptop = next(s for s in listed if not s["current"])
    assert "Chromium" in laptop["client"] and laptop["createdAt"] and laptop["lastUsedAt"]

    r = await client.delete(f"/api/auth/sessions/{laptop['sessionId']}", headers=phone_headers)
    assert r.status_code == 200 and r.json() == {"signedOut": 1}
    assert (await client.get("/api/auth/me", headers=laptop_headers)).status_code == 401
    refreshed = await client.post("/api/auth/refresh", json={"refreshToken": laptop_refresh})
    assert refreshed.status_code == 401
    # The one asking stays signed in; the list shrinks; a second sign-out of it is 404.
    assert (await client.get("/api/auth/me", headers=phone_headers)).status_code == 200
    assert len((await client.get("/api/auth/sessions", headers=phone_headers)).json()) == 1
    again = await client.delete(f"/api/auth/sessions/{laptop['sessionId']}", headers=phone_headers)
    assert again.status_code == 404

    async with unit_of_work(ctx) as session:
        trail = (await session.execute(select(AuditEntry).where(AuditEntry.action == "session.sign_out"))).scalars().all()
    assert [e.entity_id for e in trail] == [laptop["sessionId"]]


async def test_sign_out_all_others(client, ctx):
    _, number, _ = await f.staff(ctx, role="dispatcher")
    sessions = [await _login(client, number, f"Device {i}") for i in range(3)]
    keep, _ = sessions[0]
    r = await client.post("/api/auth/sessions/sign-out-others", headers=keep)
    assert r.status_code == 200 and r.json() == {"signedOut": 2}
    for headers, refresh in sessions[1:]:
        assert (await client.get("/api/auth/me", headers=headers)).status_code == 401
        assert (await client.post("/api/auth/refresh", json={"refreshToken": refresh})).status_code == 401
    assert (await client.get("/api/auth/me", headers=keep)).status_code == 200


async def test_nobody_signs_out_anothers_session(client, ctx):
    _, alice, _ = await f.staff(ctx, role="sales")
    _, bob, _ = await f.staff(ctx, role="sales")
    alice_headers, _ = await _login(client, alice, "A")
    bob_headers, _ = await _login(client, bob, "B")
    bob_session = (await client.get("/api/auth/sessions", headers=bob_headers)).json()[0]["sessionId"]
    r = await client.delete(f"/api/auth/sessions/{bob_session}", headers=alice_headers)
    assert r.status_code == 404
    assert (await client.get("/api/auth/me", headers=bob_headers)).status_code == 200


async def test_a_new_session_raises_a_notice(client, ctx):
    _, number, _ = await f.staff(ctx, role="finance")
    headers, _ = await _login(client, number, "Mozilla/5.0 (iPhone) Safari")
    await _login(client, number, "MeitongApp/2.0 (Android)")
    inbox = (await client.get("/api/notices/inbox", headers=headers)).json()["items"]
    started = [n for n in inbox if n["kind"] == "session_started"]
    assert len(started) == 2
    assert all(n["titleZh"] == "新设备登录" and n["titleEn"] == "New sign-in" for n in started)
    assert any("MeitongApp/2.0" in n["bodyZh"] for n in started)
    assert all(n["data"]["url"] == "/account/sessions" for n in started)


async def test_an_administrator_is_told_of_a_sign_in_completed_by_totp(client, ctx):
    _, number = await f.make_user(ctx, name="平台管理员", admin=True)
    headers = await f.login(client, number)  # enrols: the first session
    await f.login(client, number)  # the second, through the TOTP step
    inbox = (await client.get("/api/notices/inbox", headers=headers)).json()["items"]
    assert len([n for n in inbox if n["kind"] == "session_started"]) == 2


async def test_the_account_page_lists_the_sessions_and_recovery_codes_left(client, ctx):
    _, number, _ = await f.staff(ctx, role="enterprise_admin")
    await f.login(client, number)  # another device, enrolled: ten recovery codes
    await f.sign_in(client, number)  # this browser, by cookie
    page = await client.get("/account/sessions?app=enterprise")
    assert page.status_code == 200, page.text
    assert page.text.count("data-session=") == 2 and page.text.count("data-current") == 1
    assert "本设备" in page.text and "退出其他所有设备" in page.text
    assert '<strong data-remaining>10</strong>' in page.text
    english = await client.get("/account/sessions?app=enterprise&lang=en")
    assert "Signed-in devices" in english.text and "This device" in english.text
    # Every app's pages link to it.
    assert 'href="/account/sessions?app=enterprise"' in (await client.get("/enterprise/orgs")).text
    client.cookies.clear()
    anonymous = await client.get("/account/sessions?app=mine")
    assert anonymous.status_code == 302 and anonymous.headers["location"].startswith("/mine/login?next=")


async def test_the_sessions_list_names_browser_system_and_device(client, ctx):
    """A person recognises "Chrome 120 · Windows 10", not a raw User-Agent string."""
    _, number, _ = await f.staff(ctx, role="sales")
    chrome = ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
              "Chrome/120.0.0.0 Safari/537.36")
    iphone = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
              "Version/17.2 Mobile/15E148 Safari/604.1")
    headers, _ = await _login(client, number, chrome)
    await _login(client, number, iphone)
    await _login(client, number, "MeitongApp/1.0")
    listed = (await client.get("/api/auth/sessions", headers=headers)).json()
    assert {s["device"] for s in listed} == {"Chrome 120 · Windows 10", "Mobile Safari 17 · iOS 17 · iPhone",
                                            "MeitongApp/1.0"}
    assert all(s["address"] for s in listed)
