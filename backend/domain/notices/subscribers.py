"""How notices react to other features' facts (backend/events.py)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from backend import clock
from backend.context import Context
from backend.domain.identity.events import LoginFailuresRepeated
from backend.domain.notices.service import enqueue
from backend.events import subscriber


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
