"""Notices: the in-app inbox, the outbox of deliveries per channel, users' push devices (FCM) and
browsers' Web Push subscriptions."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from backend.db.base import Base, IdMixin, JsonDoc, utcnow


class Notice(IdMixin, Base):
    """One message to one user; the row itself is the inbox entry."""

    __tablename__ = "notices"
    __table_args__ = (Index("ix_notices_user_created", "user_id", "created_at"),)

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(48))
    title_zh: Mapped[str] = mapped_column(String(200))
    title_en: Mapped[str] = mapped_column(String(200))
    body_zh: Mapped[str] = mapped_column(Text)
    body_en: Mapped[str] = mapped_column(Text)
    data: Mapped[dict[str, Any]] = mapped_column(JsonDoc, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    read_at: Mapped[datetime | None]


class NoticeDelivery(IdMixin, Base):
    """The outbox: written with the notice in the caller's transaction, sent later by the worker."""

    __tablename__ = "notice_deliveries"
    # The worker's claim query: pending rows whose time has come.
    __table_args__ = (Index("ix_notice_deliveries_due", "status", "next_attempt_at"),)

    notice_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("notices.id", ondelete="CASCADE"), index=True)
    channel: Mapped[str] = mapped_column(String(8))  # fcm | webpush | sms | inbox
    # FCM token, Web Push endpoint or phone; None for inbox.
    target: Mapped[str | None] = mapped_column(String(512))
    status: Mapped[str] = mapped_column(String(8), default="pending")  # pending | sent | failed
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_error: Mapped[str | None] = mapped_column(String(200))
    sent_at: Mapped[datetime | None]


class PushDevice(IdMixin, Base):
    __tablename__ = "push_devices"

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token: Mapped[str] = mapped_column(String(512), unique=True)
    platform: Mapped[str] = mapped_column(String(8))  # android | ios | web
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Set when FCM says the token is gone (UNREGISTERED); a new registration clears it.
    disabled_at: Mapped[datetime | None]


class WebPushSubscription(IdMixin, Base):
    """A browser's PushSubscription (RFC 8030): where to POST, and the keys to encrypt for (RFC 8291).

    Not a PushDevice: those are FCM registration tokens (platform "web" included), each of which
    gets an "fcm" delivery; a Web Push endpoint is a URL of the browser vendor's push service.
    """

    __tablename__ = "webpush_subscriptions"

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    endpoint: Mapped[str] = mapped_column(String(512), unique=True)
    # Unpadded base64url: the 65-byte uncompressed P-256 point, and the 16-byte auth secret.
    p256dh: Mapped[str] = mapped_column(String(88))
    auth: Mapped[str] = mapped_column(String(24))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Set when the push service answers 404/410 (the subscription expired or was revoked);
    # subscribing again clears it.
    disabled_at: Mapped[datetime | None]
