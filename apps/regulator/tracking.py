"""The regulator's live map, waybills and zones (checkpoints, coverage holes, truck parks).

    GET    /api/regulator/tracking/live?regionCode=   LiveMap of my region's sites and trucks
    GET    /api/regulator/waybills?status=&offset=&limit=
    GET    /api/regulator/waybills/{no}
    GET    /api/regulator/zones?regionCode=           zones in my regions
    POST   /api/regulator/zones                       {kind, name, regionCode, geometry} (audited)
    DELETE /api/regulator/zones/{id}                  (audited)
"""

from __future__ import annotations

import uuid

from litestar import Router, delete, get, post
from litestar.params import FromPath, FromQuery, JSONBody

from backend.db.base import utcnow
from backend.domain.identity.schemas import Role
from backend.domain.parties.schemas import AS_REGULATOR
from backend.domain.tracking import service as tracking
from backend.domain.tracking.schemas import ZoneCreate, ZoneOut
from backend.domain.waybills import service as waybills
from backend.domain.waybills.schemas import LiveMap, WaybillDetail, WaybillPage, WaybillStatus
from backend.http.auth import any_role
from backend.http.deps import Ctx, Db, Limit, Me, Offset


@get("/tracking/live", summary="Trucks in my region, live")
async def live_map(me: Me, db: Db, ctx: Ctx, region_code: FromQuery[str | None] = None) -> LiveMap:
    return await waybills.regulator_live(db, redis=ctx.redis, actor=me, region_code=region_code, now=utcnow())


@get("/waybills")
async def list_waybills(me: Me, db: Db, status: FromQuery[WaybillStatus | None] = None, offset: FromQuery[Offset] = 0,
                        limit: FromQuery[Limit] = 50) -> WaybillPage:
    return await waybills.list_waybills(db, actor=me, reading_as=AS_REGULATOR, status=status, offset=offset, limit=limit)


@get("/waybills/{waybill_no:str}")
async def one(waybill_no: FromPath[str], me: Me, db: Db) -> WaybillDetail:
    return await waybills.get_waybill(db, actor=me, reading_as=AS_REGULATOR, waybill_no=waybill_no)


@get("/zones")
async def list_zones(me: Me, db: Db, region_code: FromQuery[str | None] = None) -> list[ZoneOut]:
    return await tracking.list_zones(db, actor=me, region_code=region_code)


@post("/zones", status_code=201)
async def create_zone(data: JSONBody[ZoneCreate], me: Me, db: Db, ctx: Ctx) -> ZoneOut:
    return await tracking.create_zone(db, redis=ctx.redis, actor=me, data=data)


@delete("/zones/{zone_id:uuid}", status_code=204)
async def delete_zone(zone_id: FromPath[uuid.UUID], me: Me, db: Db, ctx: Ctx) -> None:
    await tracking.delete_zone(db, redis=ctx.redis, actor=me, zone_id=zone_id)


router = Router(
    path="/api/regulator", route_handlers=[live_map, list_waybills, one, list_zones, create_zone, delete_zone],
    guards=[any_role(Role.REGULATOR)], tags=["regulator", "gps"],
)
