"""Pickup orders as buyers and carriers see them, and dispatch by the named carrier.

    GET  /api/enterprise/orders                      orders where my organisation is buyer, carrier or seller
                                                     (contract_id to list one contract's orders)
    GET  /api/enterprise/orders/{order_id}           one order with its transitions
    POST /api/enterprise/orders/{order_id}/dispatch  the carrier's carrier_admin or dispatcher: {plate, driverPhone}
"""

from __future__ import annotations

import uuid

from litestar import Router, get, post
from litestar.params import FromPath, FromQuery, JSONBody

from backend.domain.orders import service as orders
from backend.domain.orders.schemas import OrderDetail, OrderDispatch, OrderOut, OrderPage, OrderStatus
from backend.http.auth import signed_in
from backend.http.deps import Ctx, Db, Limit, Me, Offset, Search


@get("/orders", summary="Pickup orders of my organisations (buyer, carrier or seller)")
async def list_orders(
    me: Me, db: Db, status: FromQuery[OrderStatus | None] = None, open_only: FromQuery[bool] = False,
    contract_id: FromQuery[uuid.UUID | None] = None, q: Search = None, offset: FromQuery[Offset] = 0,
    limit: FromQuery[Limit] = 50,
) -> OrderPage:
    return await orders.list_orders(db, actor=me, status=status, open_only=open_only, contract_id=contract_id, q=q,
                                    offset=offset, limit=limit)


@get("/orders/{order_id:uuid}")
async def get_order(order_id: FromPath[uuid.UUID], me: Me, db: Db) -> OrderDetail:
    return await orders.get_order(db, actor=me, order_id=order_id)


@post("/orders/{order_id:uuid}/dispatch", status_code=200, summary="派单 by the order's carrier")
async def dispatch_order(order_id: FromPath[uuid.UUID], data: JSONBody[OrderDispatch], me: Me, db: Db,
                         ctx: Ctx) -> OrderOut:
    return await orders.dispatch_order(db, ctx=ctx, actor=me, order_id=order_id, data=data)


router = Router(path="/api/enterprise", route_handlers=[list_orders, get_order, dispatch_order],
                guards=[signed_in], tags=["orders"])
