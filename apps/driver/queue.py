"""The driver's place in the queue, live, and the hours a site takes bookings for.

    GET /api/driver/queue/{order_id}           my card: position, trucks ahead, ETA, call deadline
    GET /api/driver/queue/{order_id}/events    my card live (Server-Sent Events)
    GET /api/driver/sites/{site_id}/slots?date=YYYY-MM-DD    hours with what each has left

Check-in (签到) and booking go through the order: POST /api/driver/orders/{order_id}/check-in and
/appointment (apps/driver/orders.py).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import AsyncIterator

import msgspec
from litestar import Router, get
from litestar.params import FromPath, FromQuery
from litestar.response import ServerSentEvent
from litestar.response.sse import ServerSentEventMessage

from backend.domain.identity.schemas import Role
from backend.domain.orders import service as orders
from backend.domain.queue import service as queue
from backend.domain.queue.schemas import QueueCardOut, SlotDayOut
from backend.http.auth import any_role, signed_in
from backend.http.deps import Ctx, Db, Me

KEEP_ALIVE_S = 15.0


@get("/queue/{order_id:uuid}", summary="My place in the queue")
async def my_card(order_id: FromPath[uuid.UUID], me: Me, db: Db, ctx: Ctx) -> QueueCardOut:
    return await queue.own_card(db, ctx=ctx, actor=me, order_id=order_id)


# Not in the OpenAPI document: an endless stream is not a request/response operation.
@get("/queue/{order_id:uuid}/events", opt={"skip_compression": True}, include_in_schema=False)
async def my_card_events(order_id: FromPath[uuid.UUID], me: Me, db: Db, ctx: Ctx) -> ServerSentEvent:
    """The card now and after every change of the queue; a comment line after 15 s of silence."""
    updates = await queue.own_card_stream(db, ctx=ctx, actor=me, order_id=order_id, idle_s=KEEP_ALIVE_S)

    async def events() -> AsyncIterator[ServerSentEventMessage]:
        async for out in updates:
            if out is None:
                yield ServerSentEventMessage(data=None, comment="keep-alive")
            else:
                yield ServerSentEventMessage(data=msgspec.json.encode(out).decode(), event="card")

    return ServerSentEvent(events(), headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})


@get("/sites/{site_id:uuid}/slots", summary="预约: the hours of a day and what each has left")
async def slots(site_id: FromPath[uuid.UUID], me: Me, db: Db, date: FromQuery[dt.date | None] = None) -> SlotDayOut:
    """Only for a site where the caller drives an open order: any other answers 404 (orders.site_slots)."""
    return await orders.site_slots(db, actor=me, site_id=site_id, day=date)


router = Router(path="/api/driver", route_handlers=[my_card, my_card_events, slots],
                guards=[signed_in, any_role(Role.DRIVER)], tags=["driver", "queue"])
