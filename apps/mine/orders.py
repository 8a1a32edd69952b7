"""JSON API of pickup orders (电子提煤单) for the mine's sales office and dispatchers.

    POST /api/mine/orders                       issue one or a batch on an active contract (enterprise_admin, sales)
    GET  /api/mine/orders                       orders of my organisations (status, open, contract_id, site_id, q)
    GET  /api/mine/orders/{order_id}            one order with its transitions (who, when, from, to)
    POST /api/mine/orders/{order_id}/dispatch   派单: {plate, driverPhone} (enterprise_admin, sales, dispatcher)
    POST /api/mine/orders/{order_id}/cancel     作废: {reason}; releases the reserved tonnage

409 for a move the order's status does not allow, and for a contract without room for the batch.
"""

from __future__ import annotations

import uuid

from litestar import Router, get, post
from litestar.params import FromPath, FromQuery, JSONBody

from backend.domain.identity.schemas import ENTERPRISE_ROLES
from backend.domain.orders import service as orders
from backend.domain.orders.schemas import (
    OrderCancel,
    OrderDetail,
    OrderDispatch,
    OrderIssue,
    OrderOut,
    OrderPage,
    OrderStatus,
)
from backend.http.auth import any_role
from backend.http.deps import Ctx, Db, Limit, Me, Offset, Search


@post("/orders", status_code=201, summary="Issue pickup orders (one or a batch) on an active contract")
async def issue_orders(data: JSONBody[OrderIssue], me: Me, db: Db, ctx: Ctx) -> list[OrderOut]:
    return await orders.issue_orders(db, ctx=ctx, actor=me, data=data)


@get("/orders", summary="Pickup orders of my organisations, newest first")
async def list_orders(
    me: Me, db: Db, status: FromQuery[OrderStatus | None] = None, open_only: FromQuery[bool] = False,
    contract_id: FromQuery[uuid.UUID | None] = None, site_id: FromQuery[uuid.UUID | None] = None,
    q: Search = None, offset: FromQuery[Offset] = 0, limit: FromQuery[Limit] = 50,
) -> OrderPage:
    return await orders.list_orders(db, actor=me, status=status, open_only=open_only, contract_id=contract_id,
                                    site_id=site_id, q=q, offset=offset, limit=limit)


@get("/orders/{order_id:uuid}")
async def get_order(order_id: FromPath[uuid.UUID], me: Me, db: Db) -> OrderDetail:
    return await orders.get_order(db, actor=me, order_id=order_id)


@post("/orders/{order_id:uuid}/dispatch", status_code=200, summary="派单: assign the truck and its driver")
async def dispatch_order(order_id: FromPath[uuid.UUID], data: JSONBody[OrderDispatch], me: Me, db: Db,
                         ctx: Ctx) -> OrderOut:
    return await orders.dispatch_order(db, ctx=ctx, actor=me, order_id=order_id, data=data)


@post("/orders/{order_id:uuid}/cancel", status_code=200, summary="作废: void the order, release its tonnage")
async def cancel_order(order_id: FromPath[uuid.UUID], data: JSONBody[OrderCancel], me: Me, db: Db,
                       ctx: Ctx) -> OrderOut:
    return await orders.cancel_order(db, ctx=ctx, actor=me, order_id=order_id, data=data)


router = Router(
    path="/api/mine",
    route_handlers=[issue_orders, list_orders, get_order, dispatch_order, cancel_order],
    guards=[any_role(*ENTERPRISE_ROLES)],
    tags=["orders"],
)
