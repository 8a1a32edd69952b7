"""Notices: enqueue into the outbox in the caller's transaction; the inbox, push devices (FCM) and
Web Push subscriptions."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from typing import Any

from redis.asyncio import Redis
from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from backend.db.base import utcnow
from backend.db.unit import savepoint
from backend.domain.identity import service as identity
from backend.domain.notices import errors, rules, webpush
from backend.domain.notices.models import Notice, NoticeDelivery, PushDevice, WebPushSubscription
from backend.domain.notices.outbox import deliver_due, drain
from backend.domain.notices.schemas import (
    DeviceOut,
    DeviceRegister,
    NoticeOut,
    NoticePage,
    UnreadCount,
    WebPushKeyOut,
    WebPushSubscribe,
    WebPushSubscriptionOut,
)
from backend.domain.notices.targets import disable_device, disable_webpush, inbox_channel
from backend.settings import Settings

__all__ = ["MAX_WEBPUSH_PER_USER", "deliver_due", "disable_device", "disable_webpush", "drain", "enqueue",
    "inbox_channel", "list_inbox", "live_messages", "mark_read", "register_device", "subscribe_webpush",
    "unread_count", "unsubscribe_webpush", "webpush_key"]


# A phone and a computer or two; beyond this the least recently seen subscriptions go, so one
# account cannot turn every notice into thousands of POSTs.
MAX_WEBPUSH_PER_USER = 10


async def enqueue(
    session: AsyncSession, *, user_id: uuid.UUID, kind: str, title_zh: str, title_en: str, body_zh: str,
    body_en: str, data: dict[str, Any] | None = None, sms: bool = False,
) -> uuid.UUID:
    """Adds the notice and its deliveries to the caller's transaction, never commits: the notice
    exists exactly when the change that caused it does (transactional outbox)."""
    notice = Notice(user_id=user_id, kind=kind, title_zh=title_zh, title_en=title_en, body_zh=body_zh,
                    body_en=body_en, data=data or {}, created_at=utcnow())
    session.add(notice)
    await session.flush()
    now = utcnow()
    targets: list[tuple[str, str | None]] = [("inbox", None)]
    tokens = await session.execute(
        select(PushDevice.token).where(PushDevice.user_id == user_id, PushDevice.disabled_at.is_(None))
    )
    targets += [("fcm", token) for (token,) in tokens.all()]
    endpoints = await session.execute(
        select(WebPushSubscription.endpoint)
        .where(WebPushSubscription.user_id == user_id, WebPushSubscription.disabled_at.is_(None))
    )
    targets += [("webpush", endpoint) for (endpoint,) in endpoints.all()]
    if sms:
        basics = await identity.principal_basics(session, user_id=user_id, session_id=None)
        if basics is not None:
            targets.append(("sms", basics.phone))
    session.add_all(
        NoticeDelivery(notice_id=notice.id, channel=channel, target=target, status="pending", attempts=0,
                       next_attempt_at=now)
        for channel, target in targets
    )
    await session.flush()
    return notice.id


async def register_device(session: AsyncSession, *, user_id: uuid.UUID, data: DeviceRegister) -> DeviceOut:
    """A token belongs to one app install: registering it again (even by another user, after a
    re-login on a shared phone) moves it to the caller and re-enables it."""
    now = utcnow()
    device = (await session.execute(select(PushDevice).where(PushDevice.token == data.token))).scalar_one_or_none()
    if device is None:
        device = PushDevice(user_id=user_id, token=data.token, platform=data.platform, created_at=now)
        session.add(device)
    device.user_id = user_id
    device.platform = data.platform
    device.last_seen_at = now
    device.disabled_at = None
    return DeviceOut(id=device.id, platform=device.platform, created_at=device.created_at,
                     last_seen_at=device.last_seen_at)


def webpush_key(*, settings: Settings) -> WebPushKeyOut:
    if not settings.vapid_private_key_pem:
        raise errors.webpush_not_configured()
    return WebPushKeyOut(public_key=webpush.application_server_key(settings.vapid_private_key_pem))


async def _upsert_subscription(
    session: AsyncSession, *, user_id: uuid.UUID, endpoint: str, p256dh: str, auth: str,
) -> WebPushSubscription:
    now = utcnow()
    sub = (await session.execute(
        select(WebPushSubscription).where(WebPushSubscription.endpoint == endpoint)
    )).scalar_one_or_none()
    if sub is None:
        sub = WebPushSubscription(user_id=user_id, endpoint=endpoint, p256dh=p256dh, auth=auth, created_at=now)
        session.add(sub)
    sub.user_id, sub.p256dh, sub.auth, sub.last_seen_at, sub.disabled_at = user_id, p256dh, auth, now, None
    await session.flush()
    return sub


async def subscribe_webpush(
    session: AsyncSession, *, settings: Settings, user_id: uuid.UUID, data: WebPushSubscribe,
) -> WebPushSubscriptionOut:
    """Idempotent on the endpoint: subscribing again (new keys after a browser reset, or another
    user signing in on the same browser) updates the one row, moves it to the caller, re-enables it."""
    endpoint = rules.check_endpoint(data.endpoint, allow_loopback_http=settings.env != "production")
    p256dh = rules.check_p256dh(data.keys.p256dh)
    auth = rules.check_auth(data.keys.auth)
    try:
        async with savepoint(session):
            sub = await _upsert_subscription(session, user_id=user_id, endpoint=endpoint, p256dh=p256dh, auth=auth)
    except IntegrityError:
        # The same browser subscribed twice at once: the other request made the row; update it.
        sub = await _upsert_subscription(session, user_id=user_id, endpoint=endpoint, p256dh=p256dh, auth=auth)
    stale = (await session.execute(
        select(WebPushSubscription.id).where(WebPushSubscription.user_id == user_id)
        .order_by(WebPushSubscription.last_seen_at.desc(), WebPushSubscription.id).offset(MAX_WEBPUSH_PER_USER)
    )).scalars().all()
    if stale:
        await session.execute(delete(WebPushSubscription).where(WebPushSubscription.id.in_(stale)))
    out = WebPushSubscriptionOut(id=sub.id, endpoint=sub.endpoint, created_at=sub.created_at,
                                 last_seen_at=sub.last_seen_at)
    return out


async def unsubscribe_webpush(session: AsyncSession, *, user_id: uuid.UUID, endpoint: str) -> None:
    # Someone else's endpoint answers exactly like a missing one.
    result = await session.execute(
        delete(WebPushSubscription)
        .where(WebPushSubscription.endpoint == endpoint, WebPushSubscription.user_id == user_id)
    )
    if not getattr(result, "rowcount", 0):
        raise errors.subscription_not_found()


def _out(notice: Notice) -> NoticeOut:
    return NoticeOut(
        id=notice.id, kind=notice.kind, title_zh=notice.title_zh, title_en=notice.title_en,
        body_zh=notice.body_zh, body_en=notice.body_en, data=notice.data or {}, created_at=notice.created_at,
        read_at=notice.read_at,
    )


async def list_inbox(session: AsyncSession, *, user_id: uuid.UUID, offset: int, limit: int) -> NoticePage:
    total = (await session.execute(select(func.count()).where(Notice.user_id == user_id))).scalar_one()
    rows = await session.execute(
        select(Notice).where(Notice.user_id == user_id)
        .order_by(Notice.created_at.desc(), Notice.id).offset(offset).limit(limit)
    )
    return NoticePage(total=total, offset=offset, limit=limit, items=[_out(n) for n in rows.scalars()])


async def mark_read(session: AsyncSession, *, user_id: uuid.UUID, notice_id: uuid.UUID) -> NoticeOut:
    notice = await session.get(Notice, notice_id)
    # Someone else's notice answers exactly like a missing one.
    if notice is None or notice.user_id != user_id:
        raise errors.notice_not_found()
    if notice.read_at is None:
        notice.read_at = utcnow()
    return _out(notice)


async def unread_count(session: AsyncSession, *, user_id: uuid.UUID) -> UnreadCount:
    count = (await session.execute(
        select(func.count()).where(Notice.user_id == user_id, Notice.read_at.is_(None))
    )).scalar_one()
    return UnreadCount(count=count)


async def live_messages(redis: Redis, *, user_id: uuid.UUID, idle_s: float = 15.0) -> AsyncIterator[str | None]:
    """The user's live inbox messages (JSON text); None after each `idle_s` of silence, so the
    caller can send a keep-alive that stops proxies from closing an idle stream."""
    pubsub = redis.pubsub()
    await pubsub.subscribe(inbox_channel(user_id))
    loop = asyncio.get_running_loop()
    try:
        quiet_since = loop.time()
        while True:
            left_s = idle_s - (loop.time() - quiet_since)
            if left_s <= 0:
                quiet_since = loop.time()
                yield None
                continue
            # get_message also answers None early (e.g. for the subscribe confirmation it skips),
            # so the keep-alive goes by the clock, not by each empty answer.
            message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=min(left_s, 1.0))
            if message is None or message.get("type") != "message":
                continue
            quiet_since = loop.time()
            payload = message["data"]
            yield payload.decode() if isinstance(payload, bytes) else str(payload)
    finally:
        await pubsub.unsubscribe()
        await pubsub.aclose()
