"""TOTP second factor (pyotp): enrolment, verification at login, and its MFA step tokens.

Staff may enable it; platform, enterprise and carrier administrators and regulators must (login answers
totp_setup_required until they enrol). A code is accepted once: the last used time step is stored, so
a shoulder-surfed code is dead. Enrolment hands out ten recovery codes (recovery.py), which stand in
for a code at login.
"""

from __future__ import annotations

import hmac
import io
import uuid
from datetime import UTC, datetime
from typing import Any

import pyotp
import qrcode
import qrcode.image.svg
from sqlalchemy.ext.asyncio import AsyncSession

from backend import clock, ratelimit
from backend.context import Context
from backend.db.base import utcnow
from backend.domain.audit import service as audit
from backend.domain.audit.schemas import Actor
from backend.domain.identity import errors, tokens
from backend.domain.identity.events import RecoveryCodeUsed
from backend.domain.identity.models import User
from backend.domain.identity.recovery import issue_recovery_codes, spend_recovery_code
from backend.domain.identity.schemas import RecoveryCodesOut, Tokens, TotpEnrolled, TotpSetup
from backend.errors import Invalid, NotFound
from backend.events import announce

_TOTP_CONTEXT = "user.totp"


def totp_ok(ctx: Context, user: User, code: str) -> bool:
    code = code.strip()
    # compare_digest refuses non-ASCII text: anything but six digits is simply wrong.
    if not user.totp_secret_enc or not (len(code) == 6 and code.isascii() and code.isdigit()):
        return False
    totp = pyotp.TOTP(ctx.vault.decrypt(user.totp_secret_enc, context=_TOTP_CONTEXT))
    now_s = clock.now_s()
    for drift in (0, -1, 1):  # one step of clock drift either way
        step = totp.timecode(datetime.fromtimestamp(now_s + drift * totp.interval, UTC))
        if step > user.totp_last_step and hmac.compare_digest(totp.generate_otp(step), code):
            user.totp_last_step = step
            return True
    return False


async def _audit_self(
    session: AsyncSession, *, user: User, client: str, action: str, after: dict[str, Any]
) -> None:
    """A change a person makes to his own second factor (never the secret or a code itself)."""
    label = f"{user.name} ({user.phone[:3]}****{user.phone[-4:]})"
    await audit.record(session, actor=Actor(user_id=user.id, label=label, client=client), action=action,
                       entity="user", entity_id=user.id, after=after)


async def count_attempt(ctx: Context, user_id: uuid.UUID) -> None:
    """Ten tries at the second factor (TOTP or recovery code, at login, step-up or regeneration) per
    window; a right answer clears the count (clear_attempts), so only guessing runs into the limit."""
    await ratelimit.hit(ctx.redis, f"rl:totp:{user_id}", limit=10, window_s=ctx.settings.login_window_s)


async def clear_attempts(ctx: Context, user_id: uuid.UUID) -> None:
    await ratelimit.reset(ctx.redis, f"rl:totp:{user_id}")


async def user_from_mfa(session: AsyncSession, *, ctx: Context, mfa_token: str, step: str) -> User:
    claims = tokens.decode_jwt(ctx.settings, mfa_token, typ="mfa")
    if claims.get("step") != step:
        raise errors.token_invalid("MFA token")
    user = await session.get(User, uuid.UUID(claims["sub"]))
    if user is None or user.status != "active":
        raise errors.token_invalid("MFA token")
    return user


async def totp_login(session: AsyncSession, *, ctx: Context, mfa_token: str, code: str, client: str) -> Tokens:
    user = await user_from_mfa(session, ctx=ctx, mfa_token=mfa_token, step="verify")
    await count_attempt(ctx, user.id)
    if not totp_ok(ctx, user, code):
        raise errors.bad_totp()
    await clear_attempts(ctx, user.id)
    user.last_login_at = utcnow()
    pair = await tokens.issue(session, settings=ctx.settings, user_id=user.id, client=client)
    return pair


async def _enrolling_user(
    session: AsyncSession, *, ctx: Context, user_id: uuid.UUID | None, mfa_token: str | None
) -> User:
    """The signed-in user, or the one a setup-step MFA token names (enrolment during login)."""
    user = (
        await user_from_mfa(session, ctx=ctx, mfa_token=mfa_token, step="setup")
        if mfa_token
        else await session.get(User, user_id)
    )
    if user is None:
        raise NotFound("用户", "user")
    return user


async def totp_setup(
    session: AsyncSession, *, ctx: Context, user_id: uuid.UUID | None = None, mfa_token: str | None = None
) -> TotpSetup:
    """Draw a new secret (not yet enabled): for a signed-in user, or with a setup-step MFA token."""
    user = await _enrolling_user(session, ctx=ctx, user_id=user_id, mfa_token=mfa_token)
    if user.totp_enabled:
        raise Invalid("totp_already_enabled", "动态口令已启用", "TOTP is already enabled")
    secret = pyotp.random_base32()
    user.totp_secret_enc = ctx.vault.encrypt(secret, context=_TOTP_CONTEXT)
    uri = pyotp.TOTP(secret).provisioning_uri(name=user.phone, issuer_name="煤通 meitong")
    return TotpSetup(secret=secret, otpauth_uri=uri, qr_svg=qr_svg(uri))


async def totp_confirm(
    session: AsyncSession, *, ctx: Context, code: str, client: str, user_id: uuid.UUID | None = None,
    mfa_token: str | None = None,
) -> TotpEnrolled:
    """Enable TOTP once the user proves the authenticator works, with ten fresh recovery codes (shown
    this once); with an MFA token, also log in."""
    user = await _enrolling_user(session, ctx=ctx, user_id=user_id, mfa_token=mfa_token)
    if user.totp_enabled:
        raise Invalid("totp_already_enabled", "动态口令已启用", "TOTP is already enabled")
    if not totp_ok(ctx, user, code):
        raise errors.bad_totp()
    user.totp_enabled = True
    codes = await issue_recovery_codes(session, ctx=ctx, user_id=user.id)
    await _audit_self(session, user=user, client=client, action="user.totp_enable", after={"recovery_codes": len(codes)})
    pair = None
    if mfa_token:
        user.last_login_at = utcnow()
        pair = await tokens.issue(session, settings=ctx.settings, user_id=user.id, client=client)
    return TotpEnrolled(
        totp_enabled=True, recovery_codes=codes,
        access_token=pair.access_token if pair else None, refresh_token=pair.refresh_token if pair else None,
        expires_in=pair.expires_in if pair else 0,
    )


async def recovery_login(
    session: AsyncSession, *, ctx: Context, mfa_token: str, recovery_code: str, client: str
) -> Tokens:
    """The second step of login with a recovery code instead of the TOTP code; each works once."""
    user = await user_from_mfa(session, ctx=ctx, mfa_token=mfa_token, step="verify")
    # Shares the TOTP step's budget: a recovery code is one more way to guess the second factor.
    await count_attempt(ctx, user.id)
    remaining = await spend_recovery_code(session, ctx=ctx, user_id=user.id, code=recovery_code)
    if remaining < 0:
        raise errors.bad_recovery_code()
    await clear_attempts(ctx, user.id)
    await _audit_self(session, user=user, client=client, action="user.recovery_code_use", after={"remaining": remaining})
    user.last_login_at = utcnow()
    await announce(session, RecoveryCodeUsed(user_id=user.id, remaining=remaining, at=utcnow()))
    return await tokens.issue(session, settings=ctx.settings, user_id=user.id, client=client)


async def regenerate_recovery_codes(
    session: AsyncSession, *, ctx: Context, user_id: uuid.UUID, totp_code: str, client: str = ""
) -> RecoveryCodesOut:
    """New codes need the authenticator itself: whoever holds only a session cannot mint a way in."""
    user = await session.get(User, user_id)
    if user is None or not user.totp_enabled:
        raise errors.totp_not_enabled()
    await count_attempt(ctx, user.id)
    if not totp_ok(ctx, user, totp_code):
        raise errors.bad_totp()
    await clear_attempts(ctx, user.id)
    codes = await issue_recovery_codes(session, ctx=ctx, user_id=user.id)
    await _audit_self(session, user=user, client=client, action="user.recovery_codes_regenerate",
                      after={"recovery_codes": len(codes)})
    return RecoveryCodesOut(codes=codes)


def qr_svg(data: str) -> str:
    buf = io.BytesIO()
    qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage).save(buf)
    return buf.getvalue().decode()


async def enrol_totp_with_secret(session: AsyncSession, *, ctx: Context, user_id: uuid.UUID, secret: str) -> None:
    """Enable TOTP with a known secret (demo seeding, migration from another system); idempotent."""
    user = await session.get(User, user_id)
    if user is None:
        raise NotFound("用户", "user")
    if not user.totp_enabled:
        user.totp_secret_enc = ctx.vault.encrypt(secret, context=_TOTP_CONTEXT)
        user.totp_enabled = True
        await session.flush()


