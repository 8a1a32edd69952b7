"""Health, readiness, OpenAPI, error bodies and request-id logging: what an operator relies on."""

from __future__ import annotations

import json
import logging

from backend.app import create_app
from backend.context import build_context
from backend.http.logs import JsonFormatter
from backend.settings import load_settings


async def test_healthz_and_readyz(client):
    assert (await client.get("/healthz")).json() == {"status": "ok"}
    r = await client.get("/readyz")
    assert r.status_code == 200
    assert r.json()["checks"] == {"database": "ok", "redis": "ok"}


async def test_readyz_is_503_when_redis_is_down(settings):
    import httpx

    broken = load_settings(database_url=settings.database_url, redis_url="redis://127.0.0.1:1/0", log_json=False)
    app = create_app(ctx=build_context(broken))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c:
        r = await c.get("/readyz")
    assert r.status_code == 503
    assert r.json()["checks"]["database"] == "ok"
    assert r.json()["checks"]["redis"].startswith("fail")


async def test_openapi_and_local_swagger_ui(client):
    spec = (await client.get("/schema/openapi.json")).json()
    assert spec["info"]["title"].startswith("meitong")
    assert "/api/auth/login" in spec["paths"]
    ui = await client.get("/schema/")
    assert ui.status_code == 200
    # The browsable UI must load from our own server: no CDN at run time.
    assert "/static/vendor/swagger/swagger-ui-bundle.js" in ui.text
    assert "cdn" not in ui.text.lower() and "unpkg" not in ui.text.lower()
    asset = await client.get("/static/vendor/swagger/swagger-ui-bundle.js")
    assert asset.status_code == 200 and len(asset.content) > 100_000


async def test_unknown_route_and_method_use_the_error_body(client):
    r = await client.get("/api/no-such-thing")
    assert r.status_code == 404
    assert set(r.json()) == {"code", "message_zh", "message_en", "field"}
    r = await client.delete("/healthz")
    assert r.status_code == 405 and r.json()["code"] == "method_not_allowed"


async def test_request_id_is_echoed_and_logged(client, caplog):
    caplog.set_level(logging.INFO, logger="meitong.access")
    r = await client.get("/healthz", headers={"X-Request-ID": "abc12345-trace"})
    assert r.headers["X-Request-ID"] == "abc12345-trace"
    generated = (await client.get("/healthz", headers={"X-Request-ID": "bad id with spaces"})).headers["X-Request-ID"]
    assert generated != "bad id with spaces" and len(generated) == 16
    records = [rec for rec in caplog.records if rec.name == "meitong.access"]
    assert records, "no access log line"
    # The formatter turns the record into one JSON line with the request id and the fields.
    from backend.http.logs import request_id_var

    token = request_id_var.set("abc12345-trace")
    try:
        line = json.loads(JsonFormatter().format(records[0]))
    finally:
        request_id_var.reset(token)
    assert line["request_id"] == "abc12345-trace"
    assert line["path"] == "/healthz" and line["status"] == 200 and "duration_ms" in line


async def test_control_characters_are_a_400_naming_the_field(client):
    # PostgreSQL refuses NUL in text; the API must say so as a 4xx, never let it become a 500.
    r = await client.post("/api/auth/login", json={"phone": "13800000000", "password": "a\x00b"})
    assert r.status_code == 400
    assert r.json()["field"] == "password" and "控制字符" in r.json()["message_zh"]


async def test_control_characters_in_the_query_or_path_are_a_400(client):
    # The fuzzer found GET /api/regions?parent_code=%00 answering 500 on PostgreSQL: query parameters
    # never pass through a Struct, so the screening must happen before routing.
    r = await client.get("/api/regions", params={"parent_code": "15\x0006"})
    assert r.status_code == 400 and r.json()["field"] == "parent_code", r.text
    # Litestar runs middleware only on matched routes; an unmatched path is a plain 404 anyway.
    r = await client.post("/api/enterprise/keys/k%00ey/revoke")
    assert r.status_code == 400 and r.json()["field"] == "path", r.text
    assert (await client.get("/api/regions", params={"parent_code": "150600"})).status_code == 200


async def test_absurd_paging_is_a_400_not_an_overflow(client, ctx):
    from tests import factories as f

    _, number, _ = await f.staff(ctx, role="regulator", kind="regulator", region_code="150600")
    _, admin_phone = await f.make_user(ctx, admin=True)
    headers = await f.login(client, admin_phone)
    for query in ("offset=99999999999999999999", "offset=-1", "limit=0", "limit=100000"):
        r = await client.get(f"/api/regulator/orgs?{query}", headers=headers)
        assert r.status_code == 400, (query, r.text)
        assert r.json()["field"] in ("offset", "limit")
