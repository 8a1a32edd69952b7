"""The driver's phone as the truck's fallback tracker.

    POST /api/driver/positions   {vehicleId?, positions: [{fixAt, lon, lat, speedKmh?, courseDeg?, accuracyM?,
                                 altitudeM?}] (≤ 500)} → {accepted, vehicleId}; a bad item is a 4xx naming
                                 `positions[i].field`
"""

from __future__ import annotations

from litestar import Router, post
from litestar.params import JSONBody

from backend import clock
from backend.domain.tracking.schemas import PhoneAccepted, PhoneUpload
from backend.domain.waybills import service as waybills
from backend.http.auth import signed_in
from backend.http.deps import Ctx, Db, Me


@post("/positions", status_code=200, summary="Upload a batch of the phone's GPS fixes for the truck I drive")
async def upload(data: JSONBody[PhoneUpload], me: Me, db: Db, ctx: Ctx) -> PhoneAccepted:
    return await waybills.upload(db, redis=ctx.redis, settings=ctx.settings, actor=me, data=data, now_s=clock.now_s())


router = Router(path="/api/driver", route_handlers=[upload], guards=[signed_in], tags=["driver", "gps"])
