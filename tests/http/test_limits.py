"""Request budgets (backend/http/limits.py): per user and per address on every dynamic route, per
machine key on /open/v1, per address on the public ticket check; each refusal a 429 that says which
budget, how big, over what window, and when to come back."""

from __future__ import annotations

import httpx
from litestar import Litestar

from backend.app import create_app
from backend.context import Context, build_context
from backend.settings import Settings, load_settings
from tests import factories as f
from tests.clock import TestClock
from tests.drivers import helpers as h
from tests.http.limits_helpers import client_from, freeze_at_window_start, tighten

WINDOW_S = 60
ERROR_KEYS = {"code", "message_zh", "message_en", "field"}


def assert_refused(r: httpx.Response, *, scope: str, limit: int, window_s: int = WINDOW_S) -> int:
    assert r.status_code == 429, r.text
    body = r.json()
    assert ERROR_KEYS <= set(body) and body["code"] == "rate_limited" and body["field"] is None
    assert body["message_zh"] and body["message_en"]
    assert (body["scope"], body["limit"], body["window_s"]) == (scope, limit, window_s), body
    retry_after_s = int(r.headers["Retry-After"])
    assert 1 <= retry_after_s <= window_s and body["retry_after_s"] == retry_after_s
    return retry_after_s


async def test_api_per_user_limit_refuses_at_the_limit_and_refills(ctx: Context, app: Litestar, client: httpx.AsyncClient,
                                                                  clock: TestClock) -> None:
    _, number = await f.make_user(ctx)
    _, other_number = await f.make_user(ctx)
    me, other = await f.login(client, number), await f.login(client, other_number)
    tighten(app, ctx, rate_per_user=5, rate_window_s=WINDOW_S)
    freeze_at_window_start(clock, WINDOW_S)
    for _ in range(5):
        assert (await client.get("/api/auth/me", headers=me)).status_code == 200
    refused = await client.get("/api/auth/me", headers=me)
    assert assert_refused(refused, scope="user", limit=5) == WINDOW_S
    # Pages spend from the same budget: scraping them instead of the API gains nothing.
    assert (await client.get("/api/notices/unread-count", headers=me)).status_code == 429
    # Another user on the same address has his own budget.
    assert (await client.get("/api/auth/me", headers=other)).status_code == 200
    clock.advance(WINDOW_S - 1)
    assert assert_refused(await client.get("/api/auth/me", headers=me), scope="user", limit=5) == 1
    clock.advance(1)
    assert (await client.get("/api/auth/me", headers=me)).status_code == 200


async def test_api_per_address_limit_counts_anonymous_calls_and_pages(app: Litestar, ctx: Context, clock: TestClock) -> None:
    tighten(app, ctx, rate_per_ip=4, rate_window_s=WINDOW_S)
    freeze_at_window_start(clock, WINDOW_S)
    async with client_from(app, "198.51.100.7") as flood, client_from(app, "203.0.113.5") as bystander:
        assert (await flood.get("/api/regions")).status_code == 200
        assert (await flood.get("/api/public/pass-keys")).status_code == 200
        assert (await flood.get("/driver/login")).status_code == 200
        assert (await flood.get("/api/regions")).status_code == 200
        assert_refused(await flood.get("/api/regions"), scope="ip", limit=4)
        page = await flood.get("/driver/login")  # a page answers as a page, with the same Retry-After
        assert page.status_code == 429 and "text/html" in page.headers["content-type"]
        assert 1 <= int(page.headers["Retry-After"]) <= WINDOW_S
        # Static files and health probes spend nothing (a load balancer polls them).
        for _ in range(6):
            assert (await flood.get("/healthz")).status_code == 200
            assert (await flood.get("/static/app.css")).status_code in (200, 404)
        assert (await bystander.get("/api/regions")).status_code == 200
        clock.advance(WINDOW_S)
        assert (await flood.get("/api/regions")).status_code == 200


async def test_machine_key_limit_counts_signed_calls_only(ctx: Context, app: Litestar, client: httpx.AsyncClient,
                                                          clock: TestClock) -> None:
    org_id, admin = await h.member(client, ctx, role="enterprise_admin")
    issued = await h.issue_key(client, org_id, admin)
    other = await h.issue_key(client, org_id, admin)
    tighten(app, ctx, rate_per_machine_key=3, rate_window_s=WINDOW_S)
    freeze_at_window_start(clock, WINDOW_S)
    async with h.signed_client(app, issued["key"]["keyId"], "x" * 43) as forger:
        for _ in range(5):  # a wrong secret does not spend the real key's budget
            assert (await forger.get("/open/v1/ping")).status_code == 401
    async with h.signed_client(app, issued["key"]["keyId"], issued["secret"]) as machine, \
            h.signed_client(app, other["key"]["keyId"], other["secret"]) as neighbour:
        for _ in range(3):
            assert (await machine.get("/open/v1/ping")).status_code == 200
        assert_refused(await machine.get("/open/v1/ping"), scope="machine_key", limit=3)
        assert (await neighbour.get("/open/v1/ping")).status_code == 200
        clock.advance(WINDOW_S)
        assert (await machine.get("/open/v1/ping")).status_code == 200


async def test_public_ticket_verify_is_limited_per_address(app: Litestar, ctx: Context, clock: TestClock) -> None:
    tighten(app, ctx, rate_verify_per_ip=3, rate_window_s=WINDOW_S)
    freeze_at_window_start(clock, WINDOW_S)
    async with client_from(app, "198.51.100.7") as sweeper, client_from(app, "203.0.113.5") as officer:
        for n in range(2):
            assert (await sweeper.get(f"/api/public/tickets/T{n}/verify", params={"c": "abcd"})).status_code == 200
        assert (await sweeper.get("/verify/T9", params={"c": "abcd"})).status_code == 404
        # The page and the API share one budget: a sweep cannot alternate between them.
        assert_refused(await sweeper.get("/api/public/tickets/T3/verify", params={"c": "abcd"}), scope="verify", limit=3)
        assert (await sweeper.get("/verify/T4", params={"c": "abcd"})).status_code == 429
        assert (await officer.get("/api/public/tickets/T5/verify", params={"c": "abcd"})).status_code == 200
        clock.advance(WINDOW_S)
        assert (await sweeper.get("/api/public/tickets/T6/verify", params={"c": "abcd"})).status_code == 200


async def test_without_redis_requests_go_on_unmetered(settings: Settings) -> None:
    """A limit protects the platform; an outage of its counters must not take the platform down."""
    broken = load_settings(database_url=settings.database_url, redis_url="redis://127.0.0.1:1/0", log_json=False)
    context = build_context(broken)
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=create_app(ctx=context)), base_url="http://t") as c:
            r = await c.get("/api/regions")
    finally:
        await context.engine.dispose()
    assert r.status_code == 200, r.text
