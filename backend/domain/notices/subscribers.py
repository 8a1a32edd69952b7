"""Notices the person gets about his own account (identity's facts, backend/events.py): every new
sign-in, every recovery code spent and repeated failed logins, in the same transaction as the login."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from backend import clock
from backend.context import Context
from backend.domain.identity import service as identity
from backend.domain.identity.events import LoginFailuresRepeated, RecoveryCodeUsed, SessionStarted
from backend.domain.notices.service import enqueue
from backend.events import subscriber

SESSIONS_URL = "/account/sessions"


@subscriber(SessionStarted)
async def tell_new_session(session: AsyncSession, ctx: Context, event: SessionStarted) -> None:
    at = clock.china_time(event.started_at).strftime("%Y-%m-%d %H:%M")
    client = " · ".join(p for p in (identity.device_label(event.client), event.client.partition(" ")[0]) if p)
    await enqueue(
        session, user_id=event.user_id, kind="session_started", title_zh="新设备登录", title_en="New sign-in",
        body_zh=f"{at} 在 {client or '未知设备'} 登录了您的账户。如非本人操作，请在“登录设备”中退出该设备并修改密码。",
        body_en=f"Your account was signed in at {at} from {client or 'an unknown device'}. If this was not you, "
                "sign that device out under 'Signed-in devices' and change your password.",
        data={"sessionId": str(event.session_id), "url": SESSIONS_URL},
    )


@subscriber(RecoveryCodeUsed)
async def tell_recovery_code_used(session: AsyncSession, ctx: Context, event: RecoveryCodeUsed) -> None:
    at = clock.china_time(event.at).strftime("%Y-%m-%d %H:%M")
    await enqueue(
        session, user_id=event.user_id, kind="recovery_code_used", title_zh="恢复码已使用",
        title_en="Recovery code used",
        body_zh=f"{at} 有人用恢复码登录了您的账户，剩余 {event.remaining} 个。如非本人操作，请立即退出其他设备并重新生成恢复码。",
        body_en=f"A recovery code was used to sign in at {at}; {event.remaining} left. If this was not you, sign out "
                "the other devices and generate new recovery codes now.",
        data={"remaining": event.remaining, "url": SESSIONS_URL},
    )


@subscriber(LoginFailuresRepeated)
async def warn_of_failed_logins(session: AsyncSession, ctx: Context, event: LoginFailuresRepeated) -> None:
    """The owner hears that someone is guessing at his password, and from where; logins from his own
    devices go on regardless, so the advice is to change the password, not to wait."""
    at = clock.china_time(event.at).strftime("%Y-%m-%d %H:%M")
    await enqueue(
        session, user_id=event.user_id, kind="login_failures",
        title_zh="有人多次用错误密码登录您的账户", title_en="Repeated failed logins to your account",
        body_zh=f"截至 {at}，您的账户已连续 {event.failures} 次密码错误（最近一次来自 {event.ip}），新设备登录已被放慢。"
        "如非本人操作，请尽快修改密码；您常用的设备仍可正常登录。",
        body_en=f"By {at}, {event.failures} wrong passwords in a row were tried on your account (the last from "
        f"{event.ip}); logins from new devices are slowed down. If this was not you, change your password; "
        "your usual devices can still log in.",
        data={"failures": event.failures},
    )
