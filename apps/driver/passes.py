"""The driver's one-code pass (一码通行).

    GET /api/driver/orders/{order_id}/pass             token + TOTP secret: the phone draws the QR every 30 s
    GET /api/driver/orders/{order_id}/pass/qr.svg      the QR to show right now (phones without JavaScript)
    GET /api/driver/orders/{order_id}/pass/static.svg  the printed pass (token only: gates want a plate match)

Only the order's driver, only while it is dispatched or entered (else 409 order_pass_unavailable).
Nothing here may be cached: the pass carries the order's secret.
"""

from __future__ import annotations

import uuid

from litestar import Response, Router, get
from litestar.params import FromPath

from backend.domain.orders import service as orders
from backend.domain.orders.schemas import DriverPassOut
from backend.http.auth import signed_in
from backend.http.deps import Ctx, Db, Me

_NO_STORE = {"Cache-Control": "no-store"}
_SVG = "image/svg+xml"


@get("/orders/{order_id:uuid}/pass", summary="My pass: token and TOTP secret to draw the rolling QR")
async def my_pass(order_id: FromPath[uuid.UUID], me: Me, db: Db, ctx: Ctx) -> Response[DriverPassOut]:
    return Response(await orders.driver_pass(db, ctx=ctx, actor=me, order_id=order_id), headers=_NO_STORE)


@get("/orders/{order_id:uuid}/pass/qr.svg", summary="My pass's current QR as SVG", media_type=_SVG)
async def my_pass_qr(order_id: FromPath[uuid.UUID], me: Me, db: Db, ctx: Ctx) -> Response[bytes]:
    svg = await orders.pass_qr_svg(db, ctx=ctx, actor=me, order_id=order_id)
    return Response(svg, media_type=_SVG, headers=_NO_STORE)


@get("/orders/{order_id:uuid}/pass/static.svg", summary="My printed static pass as SVG", media_type=_SVG)
async def my_static_pass(order_id: FromPath[uuid.UUID], me: Me, db: Db, ctx: Ctx) -> Response[bytes]:
    svg = await orders.pass_qr_svg(db, ctx=ctx, actor=me, order_id=order_id, static=True)
    return Response(svg, media_type=_SVG, headers=_NO_STORE)


router = Router(path="/api/driver", route_handlers=[my_pass, my_pass_qr, my_static_pass], guards=[signed_in],
                tags=["driver", "passes"])
