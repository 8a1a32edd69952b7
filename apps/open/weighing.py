"""The weighbridge lane's calls (docs/lane-protocol.md), signed by the lane controller's device key.

    POST /open/v1/lane/identify   {plateRead?, code?, at?}: which order, tare or gross, open or not (200)
    POST /open/v1/weighings       a weighing with its trace, stable statistics, gratings and pictures (200;
                                  the same answer again for a repeated weighingId)
"""

from __future__ import annotations

from typing import Any

from litestar import Request, Router, post
from litestar.di import Provide
from litestar.params import JSONBody

from backend.domain.weighing import service as weighing
from backend.domain.weighing.schemas import LaneDecisionOut, LaneIdentify, WeighingAnswer, WeighingSubmit
from backend.http.deps import Ctx, Db
from backend.http.signing import Machine, provide_machine, signed_machine


@post("/lane/identify", status_code=200, summary="A truck identified at a weighbridge lane: the platform decides")
async def identify(machine: Machine, data: JSONBody[LaneIdentify], db: Db, ctx: Ctx) -> LaneDecisionOut:
    return await weighing.identify(db, ctx=ctx, machine=machine, data=data)


@post("/weighings", status_code=200, summary="Submit a weighing (exactly once per weighingId)",
      request_max_body_size=4 * 2**20)
async def weighings(machine: Machine, data: JSONBody[WeighingSubmit], db: Db, ctx: Ctx,
                    request: Request[Any, Any, Any]) -> WeighingAnswer:
    # The raw bytes too: the weighing's own signature is over the body as the lane wrote it.
    return await weighing.submit(db, ctx=ctx, machine=machine, data=data, raw=await request.body())


router = Router(
    path="/open/v1", route_handlers=[identify, weighings], tags=["open", "weighing"],
    guards=[signed_machine], dependencies={"machine": Provide(provide_machine)},
)
