"""人工门岗: the guard checks a driver's one-code pass by hand (phone camera or a scanner).

    POST /api/mine/gate/verify   {code, siteId, transition: "in"|"out", plateRead?, gateId?} → always 200
                                 {accepted, code, messageZh, messageEn, orderNo, plate, ...}, as a gate device's
                                 POST /open/v1/passes/verify; the transition is recorded under the guard's name.
"""

from __future__ import annotations

from litestar import Router, post
from litestar.params import JSONBody

from backend.domain.identity.schemas import GUARDS
from backend.domain.orders import service as orders
from backend.domain.orders.schemas import PassVerdictOut, PassVerify
from backend.http.auth import any_role
from backend.http.deps import Ctx, Db, Me


@post("/gate/verify", status_code=200, summary="人工门岗: verify a pass by hand (a refusal is a 200 too)")
async def verify_pass(data: JSONBody[PassVerify], me: Me, db: Db, ctx: Ctx) -> PassVerdictOut:
    return await orders.verify_by_guard(db, ctx=ctx, actor=me, data=data)


router = Router(path="/api/mine", route_handlers=[verify_pass],
                guards=[any_role(*GUARDS)], tags=["mine", "passes"])
