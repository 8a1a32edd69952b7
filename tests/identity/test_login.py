from __future__ import annotations

from tests import factories as f


async def test_password_login_and_me(client, ctx):
    _, number = await f.make_user(ctx, name="张三")
    headers = await f.login(client, number)
    me = await client.get("/api/auth/me", headers=headers)
    assert me.status_code == 200
    assert me.json()["name"] == "张三"


async def test_wrong_password_is_401_with_bilingual_body(client, ctx):
    _, number = await f.make_user(ctx)
    r = await client.post("/api/auth/login", json={"phone": number, "password": "wrong-pass-1"})
    assert r.status_code == 401
    body = r.json()
    assert body["code"] == "bad_credentials" and body["field"] == "password"
    assert body["message_zh"] and body["message_en"]
