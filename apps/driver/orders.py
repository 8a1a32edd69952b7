"""The driver's pickup orders: the list, one order, 签到 (check-in) and appointment booking.

    GET  /api/driver/orders                         my orders (open ones first by default: open=true)
    GET  /api/driver/orders/{order_id}              one of my orders with its transitions
    POST /api/driver/orders/{order_id}/check-in     {lon, lat, accuracyM}: join the site's queue
    POST /api/driver/orders/{order_id}/appointment  {hourStart}: book an hour at the site (when it takes bookings)

The pass is in apps/driver/passes.py, the live queue card in apps/driver/queue.py.
"""

from __future__ import annotations

import uuid

from litestar import Router, get, post
from litestar.params import FromPath, FromQuery, JSONBody

from backend.domain.orders import service as orders
from backend.domain.orders.schemas import AppointmentBook, CheckIn, OrderDetail, OrderPage
from backend.domain.queue.schemas import AppointmentOut, QueueCardOut
from backend.http.auth import signed_in
from backend.http.deps import Ctx, Db, Limit, Me, Offset


@get("/orders", summary="My pickup orders")
async def my_orders(me: Me, db: Db, open_only: FromQuery[bool] = True, offset: FromQuery[Offset] = 0,
                    limit: FromQuery[Limit] = 50) -> OrderPage:
    return await orders.list_orders(db, actor=me, mine_only=True, open_only=open_only, offset=offset, limit=limit)


@get("/orders/{order_id:uuid}")
async def my_order(order_id: FromPath[uuid.UUID], me: Me, db: Db) -> OrderDetail:
    return await orders.get_order(db, actor=me, order_id=order_id)


@post("/orders/{order_id:uuid}/check-in", status_code=200, summary="签到: join the site's queue from here")
async def check_in(order_id: FromPath[uuid.UUID], data: JSONBody[CheckIn], me: Me, db: Db, ctx: Ctx) -> QueueCardOut:
    return await orders.check_in(db, ctx=ctx, actor=me, order_id=order_id, data=data)


@post("/orders/{order_id:uuid}/appointment", status_code=201, summary="预约: book an hour at the site")
async def book(order_id: FromPath[uuid.UUID], data: JSONBody[AppointmentBook], me: Me, db: Db,
               ctx: Ctx) -> AppointmentOut:
    return await orders.book_slot(db, ctx=ctx, actor=me, order_id=order_id, hour_start=data.hour_start)


router = Router(path="/api/driver", route_handlers=[my_orders, my_order, check_in, book], guards=[signed_in],
                tags=["driver", "orders"])
