"""One-code passes on the machine interface: a gate's verification, its offline bundle, and the
passages it accepted offline.

    POST /open/v1/passes/verify                 {code, siteId, transition, plateRead?, gateId?}: always 200
    GET  /open/v1/sites/{site_id}/pass-bundle   the sealed bundle for the calling device (octet-stream)
    POST /open/v1/passes/offline-passages       {siteId, gateId?, passages: [...]}: each accepted/duplicate/refused
"""

from __future__ import annotations

import uuid

from litestar import Response, Router, get, post
from litestar.di import Provide
from litestar.params import FromPath, JSONBody

from backend.domain.orders import service as orders
from backend.domain.orders.schemas import OfflinePassages, OfflinePassagesOut, PassVerdictOut, PassVerify
from backend.http.deps import Ctx, Db
from backend.http.signing import Machine, provide_machine, signed_machine


@post("/passes/verify", status_code=200, summary="Verify a scanned pass at a gate (a refusal is a 200 too)")
async def verify_pass(machine: Machine, data: JSONBody[PassVerify], db: Db, ctx: Ctx) -> PassVerdictOut:
    return await orders.verify_pass(db, ctx=ctx, machine=machine, data=data)


@get("/sites/{site_id:uuid}/pass-bundle", summary="The site's offline pass bundle, sealed for this device",
     media_type="application/octet-stream")
async def pass_bundle(site_id: FromPath[uuid.UUID], machine: Machine, db: Db, ctx: Ctx) -> Response[bytes]:
    blob = await orders.pass_bundle(db, ctx=ctx, machine=machine, site_id=site_id)
    return Response(blob, media_type="application/octet-stream", headers={"Cache-Control": "no-store"})


@post("/passes/offline-passages", status_code=200, summary="Upload passages a gate accepted while offline")
async def offline_passages(machine: Machine, data: JSONBody[OfflinePassages], db: Db, ctx: Ctx) -> OfflinePassagesOut:
    return await orders.offline_passages(db, ctx=ctx, machine=machine, data=data)


router = Router(
    path="/open/v1", route_handlers=[verify_pass, pass_bundle, offline_passages], tags=["open", "passes"],
    guards=[signed_machine], dependencies={"machine": Provide(provide_machine)},
)
