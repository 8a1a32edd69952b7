"""The site queue for the mine's dispatchers (排队/叫号).

    GET  /api/mine/sites/{site_id}/queue?line=           the board: waiting in call order, called with countdown
    GET  /api/mine/sites/{site_id}/queue/events?line=    the board live (Server-Sent Events)
    POST /api/mine/sites/{site_id}/queue/call            {line, count 1..20}: call the next trucks
    POST /api/mine/sites/{site_id}/queue/{order_id}/skip move a waiting or called truck to the tail (once)
    GET  /api/mine/sites/{site_id}/queue-settings
    PUT  /api/mine/sites/{site_id}/queue-settings        {nevFirst, callDeadlineS, appointmentsRequired, hourlyQuota}

Only members of the site's organisation see its queue (404 for others, as for a missing site).
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from typing import Annotated

import msgspec
from litestar import Router, get, post, put
from litestar.params import FromPath, JSONBody, QueryParameter
from litestar.response import ServerSentEvent
from litestar.response.sse import ServerSentEventMessage

from backend.domain.identity.schemas import SITE_STAFF
from backend.domain.queue import service as queue
from backend.domain.queue.schemas import (
    LINE_PATTERN,
    QueueBoardOut,
    QueueCall,
    QueueCallOut,
    QueueCardOut,
    QueueSettingsIn,
    QueueSettingsOut,
)
from backend.http.auth import any_role
from backend.http.deps import Ctx, Db, Me

KEEP_ALIVE_S = 15.0
LineQuery = Annotated[str | None, QueryParameter(pattern=LINE_PATTERN, max_length=32)]


@get("/sites/{site_id:uuid}/queue", summary="The queue board of a site")
async def board(site_id: FromPath[uuid.UUID], me: Me, db: Db, ctx: Ctx, line: LineQuery = None) -> QueueBoardOut:
    return await queue.board(db, ctx=ctx, actor=me, site_id=site_id, line=line)


# Not in the OpenAPI document: an endless stream is not a request/response operation.
@get("/sites/{site_id:uuid}/queue/events", opt={"skip_compression": True}, include_in_schema=False)
async def board_events(site_id: FromPath[uuid.UUID], me: Me, db: Db, ctx: Ctx, line: LineQuery = None) -> ServerSentEvent:
    """The board now and after every change of the queue; a comment line after 15 s of silence."""
    updates = await queue.board_stream(db, ctx=ctx, actor=me, site_id=site_id, line=line, idle_s=KEEP_ALIVE_S)

    async def events() -> AsyncIterator[ServerSentEventMessage]:
        async for out in updates:
            if out is None:
                yield ServerSentEventMessage(data=None, comment="keep-alive")
            else:
                yield ServerSentEventMessage(data=msgspec.json.encode(out).decode(), event="board")

    return ServerSentEvent(events(), headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})


@post("/sites/{site_id:uuid}/queue/call", status_code=200, summary="叫号: call the next trucks of a line")
async def call(site_id: FromPath[uuid.UUID], data: JSONBody[QueueCall], me: Me, db: Db, ctx: Ctx) -> QueueCallOut:
    return await queue.call_next(db, ctx=ctx, actor=me, site_id=site_id, data=data)


@post("/sites/{site_id:uuid}/queue/{order_id:uuid}/skip", status_code=200, summary="Move a truck to the tail (once)")
async def skip(site_id: FromPath[uuid.UUID], order_id: FromPath[uuid.UUID], me: Me, db: Db, ctx: Ctx) -> QueueCardOut:
    return await queue.skip(db, ctx=ctx, actor=me, site_id=site_id, order_id=order_id)


@get("/sites/{site_id:uuid}/queue-settings")
async def get_settings(site_id: FromPath[uuid.UUID], me: Me, db: Db) -> QueueSettingsOut:
    return await queue.get_settings(db, actor=me, site_id=site_id)


@put("/sites/{site_id:uuid}/queue-settings", summary="Replace the site's queue rules")
async def put_settings(site_id: FromPath[uuid.UUID], data: JSONBody[QueueSettingsIn], me: Me, db: Db,
                       ctx: Ctx) -> QueueSettingsOut:
    return await queue.update_settings(db, ctx=ctx, actor=me, site_id=site_id, data=data)


router = Router(
    path="/api/mine",
    route_handlers=[board, board_events, call, skip, get_settings, put_settings],
    guards=[any_role(*SITE_STAFF)],
    tags=["queue"],
)
