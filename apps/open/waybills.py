"""E-waybills through the signed machine interface (docs/machine-interface.md).

    POST /open/v1/waybills                  {orderNo, route?: GeoJSON LineString, widthM?}: a waybill for
                                            the key's organisation's ticketed order (201; 200 with the
                                            existing one, which takes the planned route)
    POST /open/v1/waybills/{no}/receipt     {netKg, weighedAt}: the consignee's weighing closes it (buyer's keys)
"""

from __future__ import annotations

from typing import Any

from litestar import Response, Router, post
from litestar.di import Provide
from litestar.params import FromPath, JSONBody

from backend.domain.waybills import service as waybills
from backend.domain.waybills.schemas import WaybillCreate, WaybillOut, WaybillReceipt
from backend.http.deps import Ctx, Db
from backend.http.signing import Machine, provide_machine, signed_machine


@post("/waybills", summary="Open the e-waybill of a ticketed pickup order")
async def create(machine: Machine, data: JSONBody[WaybillCreate], db: Db, ctx: Ctx) -> Response[Any]:
    out, created = await waybills.create_by_machine(db, redis=ctx.redis, machine=machine, data=data,
                                                    default_width_m=ctx.settings.gps_corridor_width_m)
    return Response(content=out, status_code=201 if created else 200)


@post("/waybills/{waybill_no:str}/receipt", status_code=200, summary="The consignee's weighing closes the waybill")
async def receipt(machine: Machine, waybill_no: FromPath[str], data: JSONBody[WaybillReceipt], db: Db,
                  ctx: Ctx) -> WaybillOut:
    return await waybills.receipt_by_machine(db, redis=ctx.redis, settings=ctx.settings, machine=machine,
                                             waybill_no=waybill_no, data=data)


router = Router(
    path="/open/v1", route_handlers=[create, receipt], tags=["open", "waybills"],
    guards=[signed_machine], dependencies={"machine": Provide(provide_machine)},
)
