"""The outbox sender: claims due deliveries and sends each through its channel.

Several workers may run this at once: on PostgreSQL the claim is `FOR UPDATE SKIP LOCKED`, so
each row goes to one worker, and the lock is held until that worker has recorded the outcome.
"""

from __future__ import annotations

import json
import logging
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.context import Context
from backend.db.unit import unit_of_work
from backend.domain.notices import fcm, targets, webpush
from backend.domain.notices.models import Notice, NoticeDelivery, WebPushSubscription

log = logging.getLogger("meitong.outbox")

MAX_ATTEMPTS = 8
_BASE_DELAY_S = 30
_MAX_DELAY_S = 3600
# Waiting for FCM (or the VAPID key) to be configured is not an attempt; look again now and then.
_UNCONFIGURED_DELAY_S = 300


def backoff_s(attempts: int) -> int:
    """Delay before the next try after `attempts` failed ones: 30 s, 60 s, 120 s … at most 1 h."""
    return int(min(_BASE_DELAY_S * 2 ** max(attempts - 1, 0), _MAX_DELAY_S))


async def _claim(session: AsyncSession, *, now: datetime, batch: int) -> list[tuple[NoticeDelivery, Notice]]:
    query = (
        select(NoticeDelivery, Notice).join(Notice, Notice.id == NoticeDelivery.notice_id)
        .where(NoticeDelivery.status == "pending", NoticeDelivery.next_attempt_at <= now)
        .order_by(NoticeDelivery.next_attempt_at).limit(batch)
    )
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(of=NoticeDelivery, skip_locked=True)
    return [(d, n) for d, n in (await session.execute(query)).all()]


async def _send_webpush(ctx: Context, session: AsyncSession, delivery: NoticeDelivery, notice: Notice) -> None:
    endpoint = delivery.target or ""
    sub = (await session.execute(
        select(WebPushSubscription)
        .where(WebPushSubscription.endpoint == endpoint, WebPushSubscription.disabled_at.is_(None))
    )).scalar_one_or_none()
    if sub is None:  # unsubscribed or disabled since the notice was queued
        raise webpush.Gone("subscription removed")
    await webpush.send(private_key_pem=ctx.settings.vapid_private_key_pem, subject=ctx.settings.vapid_subject,
                       endpoint=endpoint, p256dh=sub.p256dh, auth=sub.auth, notice=notice)


async def _send(ctx: Context, session: AsyncSession, delivery: NoticeDelivery, notice: Notice) -> None:
    if delivery.channel == "inbox":
        message = {"id": str(notice.id), "kind": notice.kind, "titleZh": notice.title_zh, "titleEn": notice.title_en}
        await ctx.redis.publish(targets.inbox_channel(notice.user_id), json.dumps(message, ensure_ascii=False))
    elif delivery.channel == "sms":
        await ctx.sms.send(phone=delivery.target or "", text=f"【煤通】{notice.title_zh}：{notice.body_zh}")
    elif delivery.channel == "fcm":
        sender = fcm.sender_for(credentials_file=ctx.settings.fcm_credentials_file,
                                endpoint=ctx.settings.fcm_endpoint)
        assert sender is not None  # checked by the caller
        data = {"noticeId": str(notice.id), "kind": notice.kind, **(notice.data or {})}
        await sender.send(token=delivery.target or "", title=notice.title_zh, body=notice.body_zh, data=data)
    elif delivery.channel == "webpush":
        await _send_webpush(ctx, session, delivery, notice)
    else:
        raise ValueError(f"unknown channel {delivery.channel!r}")


def _fail(delivery: NoticeDelivery, *, now: datetime, error: str) -> None:
    delivery.attempts += 1
    delivery.last_error = error[:200]
    if delivery.attempts >= MAX_ATTEMPTS:
        delivery.status = "failed"
    else:
        delivery.next_attempt_at = now + timedelta(seconds=backoff_s(delivery.attempts))


async def deliver_due(ctx: Context, *, now: datetime, batch: int = 100) -> int:
    """Sends what is due; returns how many deliveries were sent."""
    unconfigured = {channel for channel, ready in (("fcm", ctx.settings.fcm_credentials_file),
                                                   ("webpush", ctx.settings.vapid_private_key_pem)) if not ready}
    sent = 0
    async with unit_of_work(ctx) as session:
        for delivery, notice in await _claim(session, now=now, batch=batch):
            if delivery.channel in unconfigured:
                delivery.last_error = f"{delivery.channel} not configured"
                delivery.next_attempt_at = now + timedelta(seconds=_UNCONFIGURED_DELAY_S)
                continue
            try:
                await _send(ctx, session, delivery, notice)
            except fcm.Unregistered as exc:
                await targets.disable_device(session, token=delivery.target or "")
                delivery.attempts += 1
                delivery.status = "failed"
                delivery.last_error = f"unregistered: {exc}"[:200]
            except webpush.Gone as exc:
                await targets.disable_webpush(session, endpoint=delivery.target or "")
                delivery.attempts += 1
                delivery.status = "failed"
                delivery.last_error = f"gone: {exc}"[:200]
            except webpush.Throttled as exc:
                _fail(delivery, now=now, error=str(exc))
                if exc.retry_after_s and delivery.status == "pending":
                    # Never sooner than the push service asked; capped like the backoff itself.
                    later = now + timedelta(seconds=min(exc.retry_after_s, _MAX_DELAY_S))
                    delivery.next_attempt_at = max(delivery.next_attempt_at, later)
            except Exception as exc:  # any channel failure is retried later, never lost
                log.warning("delivery failed", extra={"delivery_id": str(delivery.id), "channel": delivery.channel})
                _fail(delivery, now=now, error=f"{type(exc).__name__}: {exc}")
            else:
                delivery.status = "sent"
                delivery.sent_at = now
                delivery.attempts += 1
                delivery.last_error = None
                sent += 1
    return sent
