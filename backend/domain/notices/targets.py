"""Where a notice goes: the inbox's pub/sub channel; devices and subscriptions switched off when their
push service says they are gone. Shared by the service and the outbox's delivery."""

from __future__ import annotations

import uuid

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from backend.db.base import utcnow
from backend.domain.notices.models import PushDevice, WebPushSubscription


def inbox_channel(user_id: uuid.UUID) -> str:
    """The Redis pub/sub channel the inbox sender publishes on and the SSE stream listens to."""
    return f"inbox:{user_id}"


async def disable_device(session: AsyncSession, *, token: str) -> None:
    await session.execute(update(PushDevice).where(PushDevice.token == token).values(disabled_at=utcnow()))


async def disable_webpush(session: AsyncSession, *, endpoint: str) -> None:
    await session.execute(
        update(WebPushSubscription).where(WebPushSubscription.endpoint == endpoint).values(disabled_at=utcnow())
    )
