from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any, Literal

import msgspec

from backend.structs import Out, Page, Struct

Platform = Literal["android", "ios", "web"]
Channel = Literal["fcm", "sms", "inbox"]


class DeviceRegister(Struct):
    token: Annotated[str, msgspec.Meta(min_length=8, max_length=512)]
    platform: Platform


class DeviceOut(Out):
    id: uuid.UUID
    platform: str
    created_at: datetime
    last_seen_at: datetime


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
