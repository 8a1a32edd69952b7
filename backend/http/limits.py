"""Request budgets on Redis (backend.ratelimit), applied after authentication.

Pages count as well as the API: a page or an HTMX fragment runs the same queries as its API twin, so
leaving pages out would leave an unmetered way to scrape. Every dynamic route spends from its client
address's budget (trusted proxies resolved by client_ip) and, when signed in, from the user's; static
files and the health probes spend nothing (a load balancer polls them, and they must answer while
Redis is down). /open/v1 spends per machine key in backend.http.signing, once the signature is
proven, so that unsigned junk cannot spend a real key's budget. The public ticket check spends its own
small per-address budget (guard `public_verify`). A live stream (a handler answering ServerSentEvent)
also holds one of the user's stream leases for as long as it stays open.

If Redis cannot be reached the request goes on unmetered (logged): a limit protects the platform;
it must not take it down.
"""

from __future__ import annotations

import logging
from typing import Any

from litestar.connection import ASGIConnection
from litestar.handlers import BaseRouteHandler, HTTPRouteHandler
from litestar.middleware import ASGIMiddleware
from litestar.response import ServerSentEvent
from litestar.types import ASGIApp, Receive, Scope, Send
from redis.exceptions import RedisError

from backend import ratelimit
from backend.context import Context
from backend.domain.identity.schemas import Principal
from backend.http.auth import client_ip

log = logging.getLogger("meitong.limits")

_UNMETERED = ("^/static/", "^/healthz$", "^/readyz$", "^/health/")


def is_live_stream(handler: Any) -> bool:
    """A route whose handler answers an event stream (its declared return type says so)."""
    if not isinstance(handler, HTTPRouteHandler):
        return False
    return handler.parsed_fn_signature.return_type.is_subclass_of(ServerSentEvent)


def stream_key(user_id: object) -> str:
    return f"live:streams:{user_id}"


class RateLimitMiddleware(ASGIMiddleware):
    """Spends the address's and the user's budgets; holds a stream lease around a live stream."""

    exclude_path_pattern = _UNMETERED

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        if scope["type"] != "http":
            await next_app(scope, receive, send)
            return
        ctx: Context = scope["litestar_app"].state.ctx
        settings = ctx.settings
        principal = scope.get("user")
        budgets = [ratelimit.Budget("ip", client_ip(scope), settings.rate_per_ip, settings.rate_window_s)]
        if isinstance(principal, Principal):
            budgets.append(ratelimit.Budget("user", str(principal.user_id), settings.rate_per_user,
                                            settings.rate_window_s))
        try:
            await ratelimit.spend(ctx.redis, budgets)
        except RedisError:
            log.warning("rate limits unavailable (Redis); request goes on unmetered", exc_info=True)
        if isinstance(principal, Principal) and is_live_stream(scope.get("route_handler")):
            async with ratelimit.held(ctx.redis, key=stream_key(principal.user_id), scope="live_streams",
                                      limit=settings.live_streams_per_user, lease_s=settings.live_stream_lease_s):
                await next_app(scope, receive, send)
            return
        await next_app(scope, receive, send)


async def public_verify(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    """Guard of the public ticket check (page and API): anyone may check a ticket, no one may sweep
    ticket numbers and codes at machine speed."""
    ctx: Context = connection.app.state.ctx
    settings = ctx.settings
    await ratelimit.take(ctx.redis, scope="verify", subject=client_ip(connection.scope),
                         limit=settings.rate_verify_per_ip, window_s=settings.rate_window_s)
