"""Security headers on every GET route of the route table, pages and API alike, signed in or not (there
used to be no CSP, frame protection, nosniff or referrer policy at all)."""

from __future__ import annotations

import dataclasses
import re
import uuid

import httpx
from litestar import Litestar
from litestar.routes import HTTPRoute

from backend.app import create_app
from backend.http.headers import API_CSP, PAGE_CSP
from tests import factories as f
from tests.pages.helpers import cookie_login


def _route_paths(app: Litestar) -> list[str]:
    out = []
    for route in app.routes:
        if not isinstance(route, HTTPRoute) or "GET" not in route.methods:
            continue
        if any(h.opt.get("skip_compression") for h in route.route_handlers):
            continue  # live event streams never end; their first bytes carry the same headers
        path = route.path
        for name, kind in re.findall(r"\{(\w+):(\w+)\}", path):
            value = str(uuid.uuid4()) if kind == "uuid" else ("app.js" if kind == "path" else "X1")
            path = path.replace(f"{{{name}:{kind}}}", value)
        out.append(path.replace("//", "/"))
    return sorted(set(out))


def _check(response: httpx.Response, path: str) -> bool:
    """Assert the headers; True when the response was a page (HTML)."""
    h = response.headers
    assert h.get("x-content-type-options") == "nosniff", path
    assert h.get("x-frame-options") == "DENY", path
    assert h.get("referrer-policy") in ("strict-origin-when-cross-origin", "no-referrer"), path
    media = h.get("content-type", "").split(";")[0]
    if media.endswith(("html", "json", "javascript")):
        assert "frame-ancestors 'none'" in h.get("content-security-policy", ""), path
    assert "strict-transport-security" not in h, path  # plain http: HSTS would pin the browser to https
    page = h.get("content-type", "").startswith("text/html")
    if page:
        csp = h["content-security-policy"]
        assert csp == PAGE_CSP, path
        script = next(d for d in csp.split("; ") if d.startswith("script-src "))
        assert script == "script-src 'self'", path  # no inline script, no eval
        assert "object-src 'none'" in csp and "base-uri 'self'" in csp and "form-action 'self'" in csp
        policy = h["permissions-policy"]
        camera = "camera=(self)" if re.fullmatch(r"/mine/gate/?", path) else "camera=()"
        assert camera in policy, (path, policy)
        located = re.fullmatch(r"/driver/(waybill|orders/[^/]+)/?", path)
        assert ("geolocation=(self)" if located else "geolocation=()") in policy, (path, policy)
        assert "microphone=()" in policy and "payment=()" in policy
    elif h.get("content-type", "").startswith("application/json"):
        assert h["content-security-policy"] == API_CSP, path
    return page


async def test_every_get_route_answers_with_the_security_headers(ctx, client, app):
    paths = _route_paths(app)
    pages = 0
    for who in ("anonymous", "platform admin", "driver"):
        if who == "platform admin":
            _, phone = await f.make_user(ctx, admin=True)
            await cookie_login(client, phone)
        elif who == "driver":
            from tests.pages.helpers import driver_with_vehicle

            await driver_with_vehicle(client, ctx)
        for path in paths:
            response = await client.get(path)
            assert response.status_code < 500, (who, path, response.status_code)
            pages += _check(response, path)
    print(f"{len(paths)} GET routes, {pages} page responses checked")
    assert len(paths) > 60 and pages > 40
    for path in ("/no/such/page", "/api/no-such-route"):  # no route matched: the headers still come
        response = await client.get(path)
        assert response.status_code == 404
        _check(response, path)


async def test_the_gate_and_the_drivers_located_pages_alone_may_ask_for_devices(ctx, client):
    for path, camera, located in (("/mine/gate", True, False), ("/driver/waybill", False, True),
                                  (f"/driver/orders/{uuid.uuid4()}", False, True), ("/driver/orders", False, False),
                                  ("/mine/orders", False, False), ("/", False, False)):
        policy = (await client.get(path)).headers["permissions-policy"]
        assert ("camera=(self)" in policy) is camera, path
        assert ("geolocation=(self)" in policy) is located, path


async def test_hsts_only_when_the_public_url_is_https(ctx, settings):
    secure = create_app(dataclasses.replace(settings, public_url="https://meitong.example"), ctx=ctx)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=secure), base_url="https://meitong.example") as c:
        for path in ("/", "/api/regions", "/nope"):
            hsts = (await c.get(path)).headers.get("strict-transport-security", "")
            assert hsts.startswith("max-age=31536000"), path
