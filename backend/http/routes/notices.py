"""Notices for every signed-in user, whatever the app: push devices, Web Push subscriptions, the
inbox, its live stream."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from typing import Annotated

from litestar import Router, delete, get, post
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter
from litestar.response import ServerSentEvent
from litestar.response.sse import ServerSentEventMessage

from backend.domain.notices import service as notices
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
from backend.http.auth import signed_in
from backend.http.deps import Ctx, Db, Limit, Me, Offset

KEEP_ALIVE_S = 15.0
# The endpoint URL of a browser's push subscription, as PushSubscription.endpoint gives it.
Endpoint = Annotated[str, QueryParameter(min_length=8, max_length=512)]


@post("/devices", status_code=200)
async def register_device(me: Me, db: Db, data: JSONBody[DeviceRegister]) -> DeviceOut:
    return await notices.register_device(db, user_id=me.user_id, data=data)


@get("/webpush-key")
async def webpush_key(ctx: Ctx) -> WebPushKeyOut:
    return notices.webpush_key(settings=ctx.settings)


@post("/webpush-subscriptions", status_code=200)
async def subscribe_webpush(me: Me, db: Db, ctx: Ctx, data: JSONBody[WebPushSubscribe]) -> WebPushSubscriptionOut:
    return await notices.subscribe_webpush(db, settings=ctx.settings, user_id=me.user_id, data=data)


@delete("/webpush-subscriptions", status_code=204)
async def unsubscribe_webpush(
    me: Me, db: Db, endpoint: FromQuery[Endpoint],
) -> None:
    await notices.unsubscribe_webpush(db, user_id=me.user_id, endpoint=endpoint)


@get("/inbox")
async def inbox(me: Me, db: Db, offset: Offset = 0, limit: Limit = 20) -> NoticePage:
    return await notices.list_inbox(db, user_id=me.user_id, offset=offset, limit=limit)


@post("/inbox/{notice_id:uuid}/read", status_code=200)
async def mark_read(me: Me, db: Db, notice_id: FromPath[uuid.UUID]) -> NoticeOut:
    return await notices.mark_read(db, user_id=me.user_id, notice_id=notice_id)


@get("/unread-count")
async def unread_count(me: Me, db: Db) -> UnreadCount:
    return await notices.unread_count(db, user_id=me.user_id)


# Not in the OpenAPI document: an endless text/event-stream is not a request/response operation,
# and schema-driven clients (and the fuzzer, which reads /schema) would wait on it forever.
@get("/stream", opt={"skip_compression": True}, include_in_schema=False)
async def stream(me: Me, ctx: Ctx) -> ServerSentEvent:
    """Server-Sent Events: each new inbox notice as it is delivered, and a comment line after
    every 15 s of silence so that proxies keep the connection open."""

    async def events() -> AsyncIterator[ServerSentEventMessage]:
        async for message in notices.live_messages(ctx.redis, user_id=me.user_id, idle_s=KEEP_ALIVE_S):
            if message is None:
                yield ServerSentEventMessage(data=None, comment="keep-alive")
            else:
                yield ServerSentEventMessage(data=message, event="notice")

    # No caching, and no buffering in nginx-style proxies: each event must go out as it happens.
    return ServerSentEvent(events(), headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})


router = Router(
    path="/api/notices", route_handlers=[register_device, webpush_key, subscribe_webpush, unsubscribe_webpush, inbox, mark_read,
                                         unread_count, stream],
    guards=[signed_in], tags=["notices"],
)
