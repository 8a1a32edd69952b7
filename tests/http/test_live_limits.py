"""Live streams per user, over a real socket (httpx's in-process transport buffers whole responses),
and the client address uvicorn hands the app as the server runs it (backend.cli.UVICORN_OPTIONS)."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager

import httpx
import pytest
import uvicorn
from litestar import Litestar

from backend import ratelimit
from backend.cli import UVICORN_OPTIONS
from backend.context import Context
from backend.errors import TooManyRequests
from backend.http.limits import is_live_stream, stream_key
from tests import factories as f
from tests.clock import TestClock
from tests.http.limits_helpers import tighten


@asynccontextmanager
async def serving(app: Litestar) -> AsyncIterator[str]:
    """The app behind uvicorn, configured as `meitong serve` configures it, on a loopback port."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen()
    server = uvicorn.Server(uvicorn.Config(app, lifespan="off", log_level="warning", **UVICORN_OPTIONS))
    task = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        await task
        sock.close()


async def test_live_streams_per_user_are_capped_and_freed_when_a_stream_ends(ctx: Context, app: Litestar) -> None:
    user_id, number = await f.make_user(ctx)
    _, other_number = await f.make_user(ctx)
    tight = tighten(app, ctx, live_streams_per_user=2)
    async with serving(app) as base, httpx.AsyncClient(base_url=base, timeout=10) as http:
        me, other = await f.login(http, number), await f.login(http, other_number)
        async with AsyncExitStack() as streams:
            for _ in range(2):
                r = await streams.enter_async_context(http.stream("GET", "/api/notices/stream", headers=me))
                assert r.status_code == 200 and r.headers["content-type"].startswith("text/event-stream")
            third = await http.get("/api/notices/stream", headers=me)
            assert third.status_code == 429, third.text
            body = third.json()
            assert (body["scope"], body["limit"], body["window_s"]) == ("live_streams", 2, tight.settings.live_stream_lease_s)
            assert body["code"] == "rate_limited" and int(third.headers["Retry-After"]) >= 1
            # Someone else's streams are his own business.
            async with http.stream("GET", "/api/notices/stream", headers=other) as theirs:
                assert theirs.status_code == 200
            # The ordinary API still answers while the streams are open.
            assert (await http.get("/api/auth/me", headers=me)).status_code == 200
        # Closing the streams gives their leases back (the server notices the disconnect).
        for _ in range(50):
            if await ratelimit.holders(ctx.redis, key=stream_key(user_id)) == 0:
                break
            await asyncio.sleep(0.1)
        async with http.stream("GET", "/api/notices/stream", headers=me) as again:
            assert again.status_code == 200


async def test_a_dead_holders_lease_runs_out_and_a_live_one_is_kept(ctx: Context, clock: TestClock) -> None:
    clock.freeze()
    key = "live:streams:test"
    # A process that died holding two leases never releases them: their deadlines do.
    for _ in range(2):
        await ratelimit.acquire(ctx.redis, key=key, limit=2, lease_s=60, scope="live_streams")
    with pytest.raises(TooManyRequests):
        await ratelimit.acquire(ctx.redis, key=key, limit=2, lease_s=60, scope="live_streams")
    clock.advance(61)
    assert await ratelimit.holders(ctx.redis, key=key) == 0
    # A living holder pushes its deadline on (every third of the lease) for as long as it holds.
    async with ratelimit.held(ctx.redis, key=key, limit=2, lease_s=1, scope="live_streams"):
        clock.advance(0.9)
        await asyncio.sleep(0.6)  # the keeper has run once by now, at the advanced time
        clock.advance(0.9)  # past the first deadline, not past the refreshed one
        assert await ratelimit.holders(ctx.redis, key=key) == 1
    assert await ratelimit.holders(ctx.redis, key=key) == 0


def test_every_event_stream_route_holds_a_lease(app: Litestar) -> None:
    """Detection is by the handler's return type: a new stream cannot forget to take part."""
    streams = sorted(route.path for route in app.routes for handler in getattr(route, "route_handlers", ())
                     if is_live_stream(handler))
    assert streams == ["/api/driver/queue/{order_id:uuid}/events", "/api/mine/sites/{site_id:uuid}/queue/events",
                       "/api/notices/stream"], streams


async def test_served_app_ignores_x_forwarded_for_from_an_untrusted_peer(ctx: Context, app: Litestar) -> None:
    """The finding: uvicorn's proxy_headers believed X-Forwarded-For from loopback (and from anyone with
    FORWARDED_ALLOW_IPS="*"), so a guesser who rotated it never met the per-address login limit."""
    _, number = await f.make_user(ctx)
    tighten(app, ctx, login_attempts_per_ip=3)
    async with serving(app) as base, httpx.AsyncClient(base_url=base, timeout=10) as http:
        statuses = []
        for n in range(5):
            r = await http.post("/api/auth/login", json={"phone": number, "password": "Wrong-pass-1"},
                                headers={"X-Forwarded-For": f"192.0.2.{n + 1}"})
            statuses.append(r.status_code)
    assert statuses == [401, 401, 401, 429, 429], statuses
