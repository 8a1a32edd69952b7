"""Login, SMS codes, TOTP, refresh and logout: shared by every app."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, Router, get, post
from litestar.params import JSONBody

from backend.domain.identity import service as identity
from backend.domain.identity.schemas import (
    LoginResult,
    MembershipOut,
    MeOut,
    MfaStart,
    PasswordLogin,
    RefreshRequest,
    SmsLogin,
    SmsRequest,
    Tokens,
    TotpConfirm,
    TotpSetup,
    TotpVerify,
)
from backend.errors import Unauthorized
from backend.http.auth import (
    ACCESS_COOKIE,
    DEVICE_COOKIE,
    REFRESH_COOKIE,
    client_ip,
    client_label,
    signed_in,
    with_device_cookie,
    with_session_cookies,
)
from backend.http.deps import Ctx, Db, Me


@post("/login", status_code=200)
async def login(request: Request[Any, Any, Any], data: JSONBody[PasswordLogin], db: Db, ctx: Ctx) -> Response[LoginResult]:
    result = await identity.login_password(
        db, ctx=ctx, phone=data.phone, password=data.password, ip=client_ip(request.scope), client=client_label(request.scope),
        device_token=data.device_token or request.cookies.get(DEVICE_COOKIE),
    )
    return with_device_cookie(ctx, with_session_cookies(ctx, result, result.tokens), result.device_token)


@post("/sms", status_code=202)
async def send_sms(request: Request[Any, Any, Any], data: JSONBody[SmsRequest], ctx: Ctx) -> dict[str, str]:
    await identity.send_sms_code(ctx=ctx, phone=data.phone, purpose=data.purpose, ip=client_ip(request.scope))
    return {"status": "sent"}


@post("/login/sms", status_code=200)
async def login_sms(request: Request[Any, Any, Any], data: JSONBody[SmsLogin], db: Db, ctx: Ctx) -> Response[LoginResult]:
    result = await identity.login_sms(db, ctx=ctx, phone=data.phone, code=data.sms_code, client=client_label(request.scope))
    return with_session_cookies(ctx, result, result.tokens)


@post("/login/totp", status_code=200)
async def login_totp(request: Request[Any, Any, Any], data: JSONBody[TotpVerify], db: Db, ctx: Ctx) -> Response[Tokens]:
    tokens = await identity.totp_login(db, ctx=ctx, mfa_token=data.mfa_token, code=data.totp_code, client=client_label(request.scope))
    return with_session_cookies(ctx, tokens, tokens)


@post("/totp/enrol", status_code=200)
async def totp_enrol_with_mfa(data: JSONBody[MfaStart], db: Db, ctx: Ctx) -> TotpSetup:
    """Step 2 for an account that must use TOTP but has none yet (regulators)."""
    return await identity.totp_setup(db, ctx=ctx, mfa_token=data.mfa_token)


@post("/totp/enrol/confirm", status_code=200)
async def totp_enrol_confirm(request: Request[Any, Any, Any], data: JSONBody[TotpVerify], db: Db, ctx: Ctx) -> Response[Tokens | None]:
    tokens = await identity.totp_confirm(db, ctx=ctx, code=data.totp_code, mfa_token=data.mfa_token, client=client_label(request.scope))
    return with_session_cookies(ctx, tokens, tokens)


@post("/totp/setup", status_code=200, guards=[signed_in])
async def totp_setup(me: Me, db: Db, ctx: Ctx) -> TotpSetup:
    return await identity.totp_setup(db, ctx=ctx, user_id=me.user_id)


@post("/totp/confirm", status_code=200, guards=[signed_in])
async def totp_confirm(me: Me, data: JSONBody[TotpConfirm], db: Db, ctx: Ctx) -> dict[str, bool]:
    await identity.totp_confirm(db, ctx=ctx, code=data.totp_code, user_id=me.user_id, client=me.client)
    return {"totpEnabled": True}


@post("/refresh", status_code=200)
async def refresh(request: Request[Any, Any, Any], db: Db, ctx: Ctx, data: JSONBody[RefreshRequest | None] = None) -> Response[Tokens]:
    token = data.refresh_token if data else request.cookies.get(REFRESH_COOKIE)
    if not token:
        raise Unauthorized("token_invalid", "缺少刷新令牌", "Refresh token missing", field="refreshToken")
    tokens = await identity.refresh(db, ctx=ctx, refresh_token=token)
    # Cookies are renewed only for a cookie-borne login (pages); API clients keep their own tokens.
    return with_session_cookies(ctx, tokens, None if data else tokens)


@post("/logout", status_code=200, guards=[signed_in])
async def logout(me: Me, db: Db) -> Response[dict[str, str]]:
    if me.session_id is not None:
        await identity.logout(db, session_id=me.session_id)
    response: Response[dict[str, str]] = Response({"status": "logged_out"})
    response.delete_cookie(ACCESS_COOKIE, path="/")
    response.delete_cookie(REFRESH_COOKIE, path="/api/auth")
    return response


@get("/me", guards=[signed_in])
async def who_am_i(me: Me) -> MeOut:
    return MeOut(
        user_id=me.user_id, name=me.name, phone=me.phone, roles=sorted(me.roles),
        memberships=[MembershipOut(org_id=m.org_id, role=m.role) for m in me.memberships],
        driver_id=me.driver_id, totp_enabled=me.totp_enabled,
    )


router = Router(
    path="/api/auth",
    route_handlers=[login, send_sms, login_sms, login_totp, totp_enrol_with_mfa, totp_enrol_confirm, totp_setup,
                    totp_confirm, refresh, logout, who_am_i],
    tags=["auth"],
)
