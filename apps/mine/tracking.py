"""The mine's live map and waybills.

    GET /api/mine/tracking/live?siteId=       LiveMap: my sites, zones, trucks around them or on loads from them
    GET /api/mine/waybills?status=&offset=&limit=   waybills my organisation sells, carries or buys
    GET /api/mine/waybills/{no}               WaybillDetail with origin, destination, corridor, track, events
"""

from __future__ import annotations

import uuid

from litestar import Router, get
from litestar.params import FromPath, FromQuery

from backend.db.base import utcnow
from backend.domain.identity.schemas import ENTERPRISE_ROLES, Role
from backend.domain.parties.schemas import AS_ORG_STAFF
from backend.domain.waybills import service as waybills
from backend.domain.waybills.schemas import LiveMap, WaybillDetail, WaybillPage, WaybillStatus
from backend.http.auth import any_role
from backend.http.deps import Ctx, Db, Limit, Me, Offset


@get("/tracking/live", summary="Trucks around my sites, live")
async def live_map(me: Me, db: Db, ctx: Ctx, site_id: FromQuery[uuid.UUID | None] = None) -> LiveMap:
    return await waybills.mine_live(db, redis=ctx.redis, actor=me, site_id=site_id, now=utcnow())


@get("/waybills")
async def list_waybills(me: Me, db: Db, status: FromQuery[WaybillStatus | None] = None, offset: FromQuery[Offset] = 0,
                        limit: FromQuery[Limit] = 50) -> WaybillPage:
    return await waybills.list_waybills(db, actor=me, reading_as=AS_ORG_STAFF, status=status, offset=offset, limit=limit)


@get("/waybills/{waybill_no:str}")
async def one(waybill_no: FromPath[str], me: Me, db: Db) -> WaybillDetail:
    return await waybills.get_waybill(db, actor=me, reading_as=AS_ORG_STAFF, waybill_no=waybill_no)


router = Router(
    path="/api/mine", route_handlers=[live_map, list_waybills, one], tags=["mine", "gps"],
    guards=[any_role(*ENTERPRISE_ROLES, Role.CARRIER_ADMIN)],
)
