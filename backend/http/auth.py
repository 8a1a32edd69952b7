"""Who is calling: a person with a bearer token or cookie (apps), resolved to a Principal per request.

Cookie-authenticated writes must carry X-Requested-With (set by our pages' fetch and by HTMX's
HX-Request): a cross-site form cannot add that header, which closes CSRF without a token dance.
"""

from __future__ import annotations

import functools
import ipaddress
import uuid
from typing import Any

import msgspec
from litestar import Request, Response
from litestar.connection import ASGIConnection
from litestar.handlers import BaseRouteHandler
from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, Receive, Scope, Send

from backend.context import Context
from backend.domain.drivers import service as drivers
from backend.domain.identity import service as identity
from backend.domain.identity.schemas import MembershipInfo, Principal, Role, Tokens
from backend.domain.identity.service import decode_jwt
from backend.domain.organisations import service as organisations
from backend.errors import DomainError, Forbidden, Unauthorized

ACCESS_COOKIE = "mt_access"
REFRESH_COOKIE = "mt_refresh"
# A browser's device token (backend/domain/identity/backoff.py): sent only to the auth routes.
DEVICE_COOKIE = "mt_device"
_SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


def client_label(scope: Scope) -> str:
    headers = dict(scope.get("headers", []))
    ip = client_ip(scope)
    agent = headers.get(b"user-agent", b"").decode("latin-1")[:200]
    return f"{ip} {agent}".strip()


def client_ip(scope: Scope) -> str:
    """The caller's address: the TCP peer, unless the peer is one of settings.trusted_proxies; then the
    right-most X-Forwarded-For address that is not a trusted proxy (what the outermost trusted proxy
    saw). Addresses to its left were written by the client and prove nothing."""
    client = scope.get("client")
    peer = client[0] if client else "unknown"
    app = scope.get("litestar_app")
    trusted = _networks(app.state.ctx.settings.trusted_proxies) if app is not None else ()
    if not trusted or not _within(peer, trusted):
        return peer
    forwarded = b",".join(value for name, value in scope.get("headers", []) if name == b"x-forwarded-for")
    nearest = peer
    for part in reversed(forwarded.decode("latin-1").split(",")):
        address = _address(part.strip())
        if address is None:  # junk a trusted proxy passed on: stop at the last hop we can vouch for
            return nearest
        if not _within(address, trusted):
            return address
        nearest = address
    return nearest


@functools.lru_cache(maxsize=8)
def _networks(cidrs: tuple[str, ...]) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(cidr, strict=False) for cidr in cidrs)


def _address(text: str) -> str | None:
    try:
        return str(ipaddress.ip_address(text))
    except ValueError:
        return None


def _within(address: str, networks: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


def _token_from(scope: Scope) -> tuple[str | None, bool]:
    headers = dict(scope.get("headers", []))
    auth = headers.get(b"authorization", b"").decode("latin-1")
    if auth.lower().startswith("bearer "):
        return auth[7:].strip(), False
    cookie = headers.get(b"cookie", b"").decode("latin-1")
    for part in cookie.split(";"):
        name, _, value = part.strip().partition("=")
        if name == ACCESS_COOKIE and value:
            return value, True
    return None, False


_MAY_ACT = frozenset({"active", "pending", "refused"})


async def build_principal(ctx: Context, *, user_id: uuid.UUID, session_id: uuid.UUID | None, client: str) -> Principal | None:
    async with ctx.sessions() as session:
        basics = await identity.principal_basics(session, user_id=user_id, session_id=session_id)
        if basics is None:
            return None
        orgs = await organisations.briefs(session, org_ids={org_id for org_id, _ in basics.memberships})
        driver_id = await drivers.driver_id_for_user(session, user_id=user_id)
    memberships = tuple(
        MembershipInfo(org_id=org_id, org_kind=orgs[org_id].kind, region_code=orgs[org_id].region_code, role=role)
        for org_id, role in basics.memberships
        # A suspended or blacklisted organisation's staff lose its powers until it is reinstated,
        # except regulators and the platform, whose own status is never in question here. One awaiting
        # review keeps them to prepare its data; its services refuse to transact (org_pending).
        if org_id in orgs and (orgs[org_id].status in _MAY_ACT or role == Role.REGULATOR)
    )
    return Principal(
        user_id=basics.user_id, session_id=basics.session_id, name=basics.name, phone=basics.phone,
        is_platform_admin=basics.is_platform_admin, driver_id=driver_id, memberships=memberships,
        totp_enabled=basics.totp_enabled, client=client,
    )


class AuthMiddleware(ASGIMiddleware):
    """Sets scope["user"] to a Principal, or None for anonymous calls. Never refuses by itself,
    except an invalid token (401) and a cookie write without the anti-CSRF header (403)."""

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        if scope["type"] != "http":
            await next_app(scope, receive, send)
            return
        scope["user"] = None
        token, from_cookie = _token_from(scope)
        if token:
            ctx: Context = scope["litestar_app"].state.ctx
            try:
                claims = decode_jwt(ctx.settings, token, typ="access")
                principal = await build_principal(
                    ctx, user_id=uuid.UUID(claims["sub"]), session_id=uuid.UUID(claims["sid"]),
                    client=client_label(scope),
                )
            except DomainError:
                principal = None
            if principal is None and not from_cookie:
                raise Unauthorized("token_invalid", "登录凭证无效或已过期，请重新登录", "Access token invalid or expired")
            if principal is not None and from_cookie and scope.get("method") not in _SAFE_METHODS:
                headers = dict(scope["headers"])
                if b"x-requested-with" not in headers and b"hx-request" not in headers:
                    raise Forbidden("csrf", "请求缺少防伪标头", "Cookie-authenticated writes need X-Requested-With")
            if principal is not None:
                # The route template (no ids) names where personal data was read (audit.record_reads).
                route = f"{scope.get('method', '')} {scope.get('path_template') or scope.get('path', '')}"
                principal = msgspec.structs.replace(principal, route=route[:200])
            scope["user"] = principal
        await next_app(scope, receive, send)


def current(connection: ASGIConnection[Any, Any, Any, Any]) -> Principal:
    principal = connection.scope.get("user")
    if not isinstance(principal, Principal):
        raise Unauthorized("unauthorized", "请先登录", "Authentication required")
    return principal


def signed_in(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    current(connection)


def any_role(*roles: Role) -> Any:
    """Guard: the caller holds at least one of these roles (platform admins pass every guard);
    pass a named set as `any_role(*SITE_STAFF)`."""
    wanted = frozenset(roles)

    def guard(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
        principal = current(connection)
        if not (principal.is_platform_admin or principal.roles & wanted):
            raise Forbidden("role_required", "当前账户无此功能权限", "Your roles do not allow this")

    return guard


async def recent_step_up(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    """Guard for the most dangerous actions a person takes (suspend, blacklist, issue a machine key,
    grant a role): his login session must have re-entered its TOTP code (POST /api/auth/step-up)
    within `step_up_ttl_s`. Pages answer the 403 with a code dialog and retry (static/js/api.js).
    Never put it on a route machines call: they have no second factor to give."""
    principal = current(connection)
    ctx: Context = connection.app.state.ctx
    if principal.machine_key is not None or not await identity.stepped_up(ctx, session_id=principal.session_id):
        raise identity.step_up_required()


async def provide_principal(request: Request[Any, Any, Any]) -> Principal:
    return current(request)


def with_session_cookies(ctx: Context, body: Any, tokens: Tokens | None, status_code: int = 200) -> Response[Any]:
    """Pages use HttpOnly cookies; API clients read the same tokens from the body."""
    response: Response[Any] = Response(body, status_code=status_code)
    if tokens is not None:
        secure = ctx.settings.secure_cookies
        response.set_cookie(ACCESS_COOKIE, tokens.access_token, max_age=ctx.settings.access_token_ttl_s,
                            httponly=True, samesite="strict", secure=secure, path="/")
        response.set_cookie(REFRESH_COOKIE, tokens.refresh_token, max_age=ctx.settings.refresh_token_ttl_s,
                            httponly=True, samesite="strict", secure=secure, path="/api/auth")
    return response


def with_device_cookie(ctx: Context, response: Response[Any], device_token: str | None) -> Response[Any]:
    """Pages keep their device token in an HttpOnly cookie that only /api/auth ever sees."""
    if device_token:
        response.set_cookie(DEVICE_COOKIE, device_token, max_age=ctx.settings.device_token_ttl_s, httponly=True,
                            samesite="strict", secure=ctx.settings.secure_cookies, path="/api/auth")
    return response
