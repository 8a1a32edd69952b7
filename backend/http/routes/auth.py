"""Login, SMS codes, TOTP and recovery codes, step-up, refresh, logout and the caller's own sessions:
shared by every app."""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Request, Response, Router, delete, get, post
from litestar.params import FromPath, JSONBody

from backend.domain.identity import service as identity
from backend.domain.identity.schemas import (
    LoginResult,
    MembershipOut,
    MeOut,
    MfaStart,
    PasswordLogin,
    RecoveryCodesOut,
    RecoveryLogin,
    RecoveryStatus,
    RefreshRequest,
    SessionOut,
    SignedOut,
    SmsLogin,
    SmsRequest,
    StepUp,
    StepUpOut,
    Tokens,
    TotpConfirm,
    TotpEnrolled,
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


@post("/login/recovery", status_code=200)
async def login_recovery(request: Request[Any, Any, Any], data: JSONBody[RecoveryLogin], db: Db, ctx: Ctx) -> Response[Tokens]:
    """The TOTP step with one of the ten recovery codes instead (the phone is lost); each works once."""
    tokens = await identity.recovery_login(db, ctx=ctx, mfa_token=data.mfa_token, recovery_code=data.recovery_code,
                                           client=client_label(request.scope))
    return with_session_cookies(ctx, tokens, tokens)


def _enrolled_tokens(enrolled: TotpEnrolled) -> Tokens | None:
    if enrolled.access_token is None or enrolled.refresh_token is None:
        return None
    return Tokens(access_token=enrolled.access_token, refresh_token=enrolled.refresh_token,
                  expires_in=enrolled.expires_in)


@post("/totp/enrol/confirm", status_code=200)
async def totp_enrol_confirm(request: Request[Any, Any, Any], data: JSONBody[TotpVerify], db: Db, ctx: Ctx) -> Response[TotpEnrolled]:
    """Finish enrolment during login: TOTP on, the recovery codes (shown this once) and the tokens."""
    enrolled = await identity.totp_confirm(db, ctx=ctx, code=data.totp_code, mfa_token=data.mfa_token,
                                           client=client_label(request.scope))
    return with_session_cookies(ctx, enrolled, _enrolled_tokens(enrolled))


@post("/totp/setup", status_code=200, guards=[signed_in])
async def totp_setup(me: Me, db: Db, ctx: Ctx) -> TotpSetup:
    return await identity.totp_setup(db, ctx=ctx, user_id=me.user_id)


@post("/totp/confirm", status_code=200, guards=[signed_in])
async def totp_confirm(me: Me, data: JSONBody[TotpConfirm], db: Db, ctx: Ctx) -> TotpEnrolled:
    return await identity.totp_confirm(db, ctx=ctx, code=data.totp_code, user_id=me.user_id, client=me.client)


@get("/recovery-codes", guards=[signed_in])
async def recovery_codes_left(me: Me, db: Db) -> RecoveryStatus:
    return await identity.recovery_status(db, user_id=me.user_id)


@post("/recovery-codes", status_code=200, guards=[signed_in])
async def regenerate_recovery_codes(me: Me, data: JSONBody[TotpConfirm], db: Db, ctx: Ctx) -> RecoveryCodesOut:
    """Ten new codes (the old ones stop working); needs a TOTP code, not just a session."""
    return await identity.regenerate_recovery_codes(db, ctx=ctx, user_id=me.user_id, totp_code=data.totp_code,
                                                    client=me.client)


@post("/step-up", status_code=200, guards=[signed_in])
async def step_up(me: Me, data: JSONBody[StepUp], db: Db, ctx: Ctx) -> StepUpOut:
    """Re-enter the TOTP code: this login may do the most dangerous actions for a few minutes."""
    return await identity.step_up(db, ctx=ctx, user_id=me.user_id, session_id=me.session_id, code=data.totp_code)


@get("/sessions", guards=[signed_in])
async def list_sessions(me: Me, db: Db) -> list[SessionOut]:
    return await identity.list_sessions(db, actor=me)


@delete("/sessions/{session_id:uuid}", status_code=200, guards=[signed_in])
async def sign_out_session(me: Me, db: Db, session_id: FromPath[uuid.UUID]) -> SignedOut:
    return await identity.sign_out_session(db, actor=me, session_id=session_id)


@post("/sessions/sign-out-others", status_code=200, guards=[signed_in])
async def sign_out_others(me: Me, db: Db) -> SignedOut:
    return await identity.sign_out_others(db, actor=me)


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
    route_handlers=[login, send_sms, login_sms, login_totp, login_recovery, totp_enrol_with_mfa, totp_enrol_confirm,
                    totp_setup, totp_confirm, recovery_codes_left, regenerate_recovery_codes, step_up, list_sessions,
                    sign_out_session, sign_out_others, refresh, logout, who_am_i],
    tags=["auth"],
)
