"""Notices the person gets about his own account (identity's facts, backend/events.py): every new
sign-in and every recovery code spent, in the same transaction as the login itself."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from backend.context import Context
from backend.domain.identity.events import RecoveryCodeUsed, SessionStarted
from backend.domain.notices.service import enqueue
from backend.events import subscriber

# Times in a notice read as the coal regions read their clocks.
_LOCAL_TZ = ZoneInfo("Asia/Shanghai")
SESSIONS_URL = "/account/sessions"


@subscriber(SessionStarted)
async def tell_new_session(session: AsyncSession, ctx: Context, event: SessionStarted) -> None:
    at = event.started_at.astimezone(_LOCAL_TZ).strftime("%Y-%m-%d %H:%M")
    client = event.client or "未知设备"
    await enqueue(
        session, user_id=event.user_id, kind="session_started", title_zh="新设备登录", title_en="New sign-in",
        body_zh=f"{at} 在 {client} 登录了您的账户。如非本人操作，请在“登录设备”中退出该设备并修改密码。",
        body_en=f"Your account was signed in at {at} from {event.client or 'an unknown device'}. If this was not you, "
                "sign that device out under 'Signed-in devices' and change your password.",
        data={"sessionId": str(event.session_id), "url": SESSIONS_URL},
    )


@subscriber(RecoveryCodeUsed)
async def tell_recovery_code_used(session: AsyncSession, ctx: Context, event: RecoveryCodeUsed) -> None:
    at = event.at.astimezone(_LOCAL_TZ).strftime("%Y-%m-%d %H:%M")
    await enqueue(
        session, user_id=event.user_id, kind="recovery_code_used", title_zh="恢复码已使用",
        title_en="Recovery code used",
        body_zh=f"{at} 有人用恢复码登录了您的账户，剩余 {event.remaining} 个。如非本人操作，请立即退出其他设备并重新生成恢复码。",
        body_en=f"A recovery code was used to sign in at {at}; {event.remaining} left. If this was not you, sign out "
                "the other devices and generate new recovery codes now.",
        data={"remaining": event.remaining, "url": SESSIONS_URL},
    )
