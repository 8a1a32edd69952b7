"""Login by password or SMS code, TOTP for staff, refresh and logout, users and memberships."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import uuid
from datetime import timedelta
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend import ratelimit
from backend.checks.errors import CheckFailed
from backend.checks.phone import check_mobile, mask_mobile
from backend.context import Context
from backend.db.base import utcnow
from backend.db.unit import keep_on_error
from backend.domain.identity import backoff, errors, passwords, tokens
from backend.domain.identity.errors import step_up_required
from backend.domain.identity.events import LoginFailuresRepeated
from backend.domain.identity.models import AuthSession, Membership, RefreshToken, User
from backend.domain.identity.passwords import configure
from backend.domain.identity.recovery import recovery_codes_left, recovery_status
from backend.domain.identity.schemas import SECOND_FACTOR_ROLES, LoginResult, PrincipalBasics, Tokens, UserOut
from backend.domain.identity.sessions import device_label, list_sessions, sign_out_others, sign_out_session
from backend.domain.identity.stepup import step_up, stepped_up
from backend.domain.identity.tokens import decode_jwt
from backend.domain.identity.totp import (
    enrol_totp_with_secret,
    qr_svg,
    recovery_login,
    regenerate_recovery_codes,
    totp_confirm,
    totp_login,
    totp_setup,
)
from backend.errors import Invalid
from backend.events import announce

__all__ = ["add_membership", "configure", "consume_sms_code", "count_role_holders", "create_user", "decode_jwt",
    "device_label",
    "enrol_totp_with_secret", "hash_password", "issue_tokens", "list_sessions", "login_password", "login_sms", "logout",
    "member_ids", "memberships_of", "normalise_phone", "principal_basics", "purge_expired_refresh_tokens", "qr_svg",
    "recovery_codes_left", "recovery_login", "recovery_status", "refresh", "register_person", "regenerate_recovery_codes",
    "remove_membership", "send_sms_code", "sign_out_others", "sign_out_session", "step_up", "step_up_required", "stepped_up",
    "totp_confirm", "totp_login", "totp_setup", "user_id_by_phone", "users_of_org"]


def hash_password(password: str) -> str:
    if len(password) < 8 or not re.search(r"[A-Za-z]", password) or not re.search(r"\d", password):
        raise errors.weak_password()
    return passwords.hash_secret(password)


def normalise_phone(phone: str, *, field: str = "phone") -> str:
    try:
        return check_mobile(phone)
    except CheckFailed as exc:
        raise Invalid(exc.code, exc.message_zh, exc.message_en, field=field) from exc


async def create_user(
    session: AsyncSession, *, phone: str, name: str, password: str | None, is_platform_admin: bool = False
) -> uuid.UUID:
    phone = normalise_phone(phone)
    if (await session.execute(select(User.id).where(User.phone == phone))).first():
        raise errors.phone_taken()
    user = User(
        phone=phone, name=name.strip(), is_platform_admin=is_platform_admin,
        password_hash=hash_password(password) if password else None,
    )
    session.add(user)
    await session.flush()
    return user.id


async def user_id_by_phone(session: AsyncSession, *, phone: str) -> uuid.UUID | None:
    row = (await session.execute(select(User.id).where(User.phone == phone))).first()
    return None if row is None else row[0]


async def add_membership(session: AsyncSession, *, user_id: uuid.UUID, org_id: uuid.UUID, role: str) -> None:
    exists = await session.execute(
        select(Membership.id).where(Membership.user_id == user_id, Membership.org_id == org_id, Membership.role == role)
    )
    if exists.first() is None:
        session.add(Membership(user_id=user_id, org_id=org_id, role=role))
        await session.flush()


async def memberships_of(session: AsyncSession, *, user_id: uuid.UUID) -> list[tuple[uuid.UUID, str]]:
    rows = await session.execute(select(Membership.org_id, Membership.role).where(Membership.user_id == user_id))
    return [(org_id, role) for org_id, role in rows.all()]


async def member_ids(session: AsyncSession, *, org_id: uuid.UUID, roles: frozenset[str]) -> list[uuid.UUID]:
    """The users holding any of `roles` in the organisation (for notices to a role)."""
    rows = await session.execute(select(Membership.user_id).where(Membership.org_id == org_id,
                                                                  Membership.role.in_(sorted(roles))).distinct())
    return list(rows.scalars().all())


async def users_of_org(session: AsyncSession, *, org_id: uuid.UUID) -> list[UserOut]:
    rows = (
        await session.execute(
            select(User, Membership.role).join(Membership, Membership.user_id == User.id).where(Membership.org_id == org_id)
        )
    ).all()
    by_user: dict[uuid.UUID, UserOut] = {}
    for user, role in rows:
        out = by_user.setdefault(
            user.id, UserOut(user_id=user.id, name=user.name, phone_masked=mask_mobile(user.phone), roles=[], status=user.status)
        )
        out.roles.append(role)
    return sorted(by_user.values(), key=lambda u: u.name)


async def principal_basics(
    session: AsyncSession, *, user_id: uuid.UUID, session_id: uuid.UUID | None
) -> PrincipalBasics | None:
    """The active user behind an access token, or None when the user or that login is gone."""
    user = await session.get(User, user_id)
    if user is None or user.status != "active":
        return None
    if session_id is not None:
        auth_session = await session.get(AuthSession, session_id)
        if auth_session is None or auth_session.revoked_at is not None:
            return None
    return PrincipalBasics(
        user_id=user.id, session_id=session_id, name=user.name, phone=user.phone,
        is_platform_admin=user.is_platform_admin, totp_enabled=user.totp_enabled,
        memberships=await memberships_of(session, user_id=user.id),
    )


async def _finish_login(
    session: AsyncSession, *, ctx: Context, user: User, client: str, staff: bool, must_totp: bool
) -> LoginResult:
    if user.totp_enabled:
        mfa = tokens.encode_jwt(ctx.settings, sub=user.id, typ="mfa", ttl_s=ctx.settings.mfa_token_ttl_s, step="verify")
        return LoginResult(status="totp_required", mfa_token=mfa)
    if must_totp:
        mfa = tokens.encode_jwt(ctx.settings, sub=user.id, typ="mfa", ttl_s=ctx.settings.mfa_token_ttl_s, step="setup")
        return LoginResult(status="totp_setup_required", mfa_token=mfa)
    user.last_login_at = utcnow()
    pair = await tokens.issue(session, settings=ctx.settings, user_id=user.id, client=client)
    return LoginResult(status="ok", tokens=pair)


async def _must_totp(session: AsyncSession, user: User) -> bool:
    """Whoever can suspend, blacklist, issue machine keys or grant roles must pass a second factor."""
    if user.is_platform_admin:
        return True
    return any(role in SECOND_FACTOR_ROLES for _, role in await memberships_of(session, user_id=user.id))


async def login_password(
    session: AsyncSession, *, ctx: Context, phone: str, password: str, ip: str, client: str,
    device_token: str | None = None,
) -> LoginResult:
    phone = normalise_phone(phone)
    window = ctx.settings.login_window_s
    await ratelimit.hit(ctx.redis, f"rl:login:ip:{ip}", limit=ctx.settings.login_attempts_per_ip, window_s=window,
                        scope="login_ip")
    user = (await session.execute(select(User).where(User.phone == phone))).scalar_one_or_none()
    device = await backoff.trusted_device(ctx.redis, ctx.settings, token=device_token, user_id=user.id if user else None)
    if device is None:
        await backoff.check(ctx.redis, ctx.settings, phone=phone)
    if not passwords.verify(user.password_hash if user else None, password) or user is None or user.status != "active":
        await _login_failed(session, ctx=ctx, phone=phone, user=user, device=device, ip=ip)
        raise errors.bad_credentials()
    if user.password_hash and passwords.needs_rehash(user.password_hash):
        user.password_hash = passwords.hash_secret(password)
    if device is None:
        await backoff.clear(ctx.redis, phone=phone)
    result = await _finish_login(
        session, ctx=ctx, user=user, client=client, staff=True, must_totp=await _must_totp(session, user)
    )
    # The password was right: this device is known from now on, whatever second step follows.
    result.device_token = backoff.issue_device_token(ctx.settings, user_id=user.id)
    return result


async def _login_failed(
    session: AsyncSession, *, ctx: Context, phone: str, user: User | None, device: str | None, ip: str
) -> None:
    """Count the failure; once the account is being slowed down, tell its owner (once an hour)."""
    failures = await backoff.record_failure(ctx.redis, ctx.settings, phone=phone, device_id=device)
    if user is None or failures < ctx.settings.login_backoff_free_failures:
        return
    if await ratelimit.once_per(ctx.redis, key=f"login:fail:notice:{user.id}", period_s=3600):
        await announce(session, LoginFailuresRepeated(user_id=user.id, failures=failures, ip=ip, at=utcnow()))
        keep_on_error(session)  # the notice outlives the 401 that follows


def _code_digest(ctx: Context, phone: str, purpose: str, code: str) -> str:
    return hmac.new(ctx.settings.secret_key.encode(), f"{purpose}:{phone}:{code}".encode(), hashlib.sha256).hexdigest()


async def send_sms_code(*, ctx: Context, phone: str, purpose: str, ip: str) -> None:
    phone = normalise_phone(phone)
    # One code a minute per phone, 10 a day, 30 an hour per client address: SMS costs money.
    await ratelimit.hit(ctx.redis, f"rl:sms:cool:{phone}", limit=1, window_s=60, scope="sms")
    await ratelimit.hit(ctx.redis, f"rl:sms:day:{phone}", limit=10, window_s=24 * 3600, scope="sms")
    await ratelimit.hit(ctx.redis, f"rl:sms:ip:{ip}", limit=30, window_s=3600, scope="sms")
    code = f"{secrets.randbelow(1_000_000):06d}"
    key = f"sms:{purpose}:{phone}"
    await ctx.redis.hset(key, mapping={"digest": _code_digest(ctx, phone, purpose, code), "tries": 0})
    await ctx.redis.expire(key, ctx.settings.sms_code_ttl_s)
    minutes = ctx.settings.sms_code_ttl_s // 60
    await ctx.sms.send(phone=phone, text=f"【煤通】验证码 {code}，{minutes} 分钟内有效，请勿告诉他人。")


async def consume_sms_code(*, ctx: Context, phone: str, purpose: str, code: str) -> None:
    """Accept a code once; five wrong tries burn it."""
    key = f"sms:{purpose}:{phone}"
    stored: dict[Any, Any] = await ctx.redis.hgetall(key)
    if not stored:
        raise errors.bad_sms_code()
    if await ctx.redis.hincrby(key, "tries", 1) > 5:
        await ctx.redis.delete(key)
        raise errors.bad_sms_code()
    if not hmac.compare_digest(stored[b"digest"].decode(), _code_digest(ctx, phone, purpose, code.strip())):
        raise errors.bad_sms_code()
    await ctx.redis.delete(key)


async def login_sms(session: AsyncSession, *, ctx: Context, phone: str, code: str, client: str) -> LoginResult:
    phone = normalise_phone(phone)
    await consume_sms_code(ctx=ctx, phone=phone, purpose="login", code=code)
    user = (await session.execute(select(User).where(User.phone == phone))).scalar_one_or_none()
    if user is None or user.status != "active":
        raise errors.bad_sms_code()
    return await _finish_login(
        session, ctx=ctx, user=user, client=client, staff=True, must_totp=await _must_totp(session, user)
    )


async def refresh(session: AsyncSession, *, ctx: Context, refresh_token: str) -> Tokens:
    auth_session = await tokens.session_user(session, refresh_token=refresh_token)
    if auth_session is not None and auth_session.revoked_at is None:
        user = await session.get(User, auth_session.user_id)
        if user is not None and not user.totp_enabled and await _must_totp(session, user):
            # A login made without the second factor (before it was required, or before the person became
            # an administrator) ends here: he logs in again and enrols.
            await tokens.revoke_session(session, session_id=auth_session.id, reason="totp_required")
            keep_on_error(session)
            raise errors.totp_required()
    pair = await tokens.rotate(session, settings=ctx.settings, refresh_token=refresh_token)
    return pair


async def logout(session: AsyncSession, *, session_id: uuid.UUID) -> None:
    await tokens.revoke_session(session, session_id=session_id, reason="logout")


async def purge_expired_refresh_tokens(session: AsyncSession) -> int:
    """Refresh tokens a day past expiry prove nothing any more (reuse detection needs only live ones)."""
    result = await session.execute(delete(RefreshToken).where(RefreshToken.expires_at < utcnow() - timedelta(days=1)))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


async def remove_membership(session: AsyncSession, *, user_id: uuid.UUID, org_id: uuid.UUID, role: str) -> bool:
    """Drop one role of a user in an organisation; False when the user did not hold it."""
    row = (
        await session.execute(
            select(Membership).where(Membership.user_id == user_id, Membership.org_id == org_id, Membership.role == role)
        )
    ).scalar_one_or_none()
    if row is None:
        return False
    await session.delete(row)
    await session.flush()
    return True


async def count_role_holders(session: AsyncSession, *, org_id: uuid.UUID, role: str) -> int:
    """Active users holding `role` in the organisation (a disabled account administers nothing)."""
    rows = await session.execute(
        select(Membership.id).join(User, User.id == Membership.user_id)
        .where(Membership.org_id == org_id, Membership.role == role, User.status == "active")
    )
    return len(rows.all())


async def issue_tokens(session: AsyncSession, *, ctx: Context, user_id: uuid.UUID, client: str) -> Tokens:
    """Start a login session for a user who just proved who they are another way (registration)."""
    return await tokens.issue(session, settings=ctx.settings, user_id=user_id, client=client)


async def register_person(session: AsyncSession, *, ctx: Context, phone: str, sms_code: str, name: str,
                          password: str, client: str) -> Tokens:
    """A person without a role signs up with his phone (proved by an SMS code), so that invitations
    to that phone reach him; the account itself grants nothing. Logs him in."""
    phone = normalise_phone(phone)
    if not name.strip():
        raise Invalid("name_invalid", "请填写姓名", "A name is required", field="name")
    hash_password(password)  # the rule before the code is spent
    await consume_sms_code(ctx=ctx, phone=phone, purpose="register", code=sms_code)
    user_id = await create_user(session, phone=phone, name=name, password=password)
    return await issue_tokens(session, ctx=ctx, user_id=user_id, client=client)
