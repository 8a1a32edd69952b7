from __future__ import annotations

import asyncio

from tests import factories as f


async def _login_tokens(client, number):
    r = await client.post("/api/auth/login", json={"phone": number, "password": f.PASSWORD})
    assert r.status_code == 200, r.text
    client.cookies.clear()
    return r.json()["tokens"]


async def test_refresh_rotates_and_reuse_revokes_the_family(client, ctx):
    _, number = await f.make_user(ctx)
    first = await _login_tokens(client, number)
    r = await client.post("/api/auth/refresh", json={"refreshToken": first["refreshToken"]})
    assert r.status_code == 200
    second = r.json()
    assert second["refreshToken"] != first["refreshToken"]
    client.cookies.clear()
    # The rotated token comes back (stolen copy): the whole login is revoked.
    reuse = await client.post("/api/auth/refresh", json={"refreshToken": first["refreshToken"]})
    assert reuse.status_code == 401 and reuse.json()["code"] == "refresh_token_reused"
    client.cookies.clear()
    # The legitimate newer tokens of that family are dead too: refresh and access both.
    again = await client.post("/api/auth/refresh", json={"refreshToken": second["refreshToken"]})
    assert again.status_code == 401
    me = await client.get("/api/auth/me", headers={"Authorization": f"Bearer {second['accessToken']}"})
    assert me.status_code == 401


async def test_concurrent_refresh_with_one_token_yields_one_winner(client, ctx):
    _, number = await f.make_user(ctx)
    tokens = await _login_tokens(client, number)
    results = await asyncio.gather(
        *(client.post("/api/auth/refresh", json={"refreshToken": tokens["refreshToken"]}) for _ in range(4))
    )
    assert sorted(r.status_code for r in results).count(200) <= 1
    assert any(r.status_code == 401 for r in results)


async def test_logout_kills_access_and_refresh(client, ctx):
    _, number = await f.make_user(ctx)
    tokens = await _login_tokens(client, number)
    headers = {"Authorization": f"Bearer {tokens['accessToken']}"}
    assert (await client.post("/api/auth/logout", headers=headers)).status_code == 200
    assert (await client.get("/api/auth/me", headers=headers)).status_code == 401
    r = await client.post("/api/auth/refresh", json={"refreshToken": tokens["refreshToken"]})
    assert r.status_code == 401


async def test_garbage_and_forged_tokens_are_401(client, ctx):
    import jwt

    user_id, _ = await f.make_user(ctx)
    forged = jwt.encode({"sub": str(user_id), "typ": "access", "sid": str(user_id), "exp": 4102444800}, "an-attacker-key-that-is-not-ours-0123456789")
    for token in ("garbage", forged):
        r = await client.get("/api/auth/me", headers={"Authorization": f"Bearer {token}"})
        assert r.status_code == 401
        assert r.json()["code"] == "token_invalid"


async def test_cookie_writes_need_the_anti_csrf_header(client, ctx):
    _, number = await f.make_user(ctx)
    r = await client.post("/api/auth/login", json={"phone": number, "password": f.PASSWORD})
    assert r.status_code == 200 and "mt_access" in r.cookies
    # A cross-site form post carries the cookie but cannot add X-Requested-With.
    bare = await client.post("/api/auth/logout")
    assert bare.status_code == 403 and bare.json()["code"] == "csrf"
    ok = await client.post("/api/auth/logout", headers={"X-Requested-With": "fetch"})
    assert ok.status_code == 200
