from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any, Literal

import msgspec

from backend.structs import Out, Page, Struct

Platform = Literal["android", "ios", "web"]
Channel = Literal["fcm", "webpush", "sms", "inbox"]


class DeviceRegister(Struct):
    token: Annotated[str, msgspec.Meta(min_length=8, max_length=512)]
    platform: Platform


class DeviceOut(Out):
    id: uuid.UUID
    platform: str
    created_at: datetime
    last_seen_at: datetime


class WebPushKeys(Struct):
    # base64url as PushSubscription.toJSON() gives them; checked in webpush.check_subscription.
    p256dh: Annotated[str, msgspec.Meta(min_length=1, max_length=128)]
    auth: Annotated[str, msgspec.Meta(min_length=1, max_length=64)]


class WebPushSubscribe(Struct):
    """The browser's PushSubscription JSON, as sent: {endpoint, expirationTime, keys{p256dh, auth}}."""

    endpoint: Annotated[str, msgspec.Meta(min_length=8, max_length=512)]
    keys: WebPushKeys
    # Milliseconds since the epoch, or null (the usual case); accepted because toJSON() sends it.
    expiration_time: Annotated[float, msgspec.Meta(ge=0)] | None = None


class WebPushSubscriptionOut(Out):
    id: uuid.UUID
    endpoint: str
    created_at: datetime
    last_seen_at: datetime


class WebPushKeyOut(Out):
    """The VAPID public key as PushManager.subscribe() takes it for applicationServerKey."""

    public_key: str


class NoticeOut(Out):
    id: uuid.UUID
    kind: str
    title_zh: str
    title_en: str
    body_zh: str
    body_en: str
    data: dict[str, Any]
    created_at: datetime
    read_at: datetime | None


class NoticePage(Page):
    items: list[NoticeOut]


class UnreadCount(Out):
    count: int
