"""The driver's waybill (我的运单).

    GET /api/driver/waybills/current   the open waybill of the truck I drive (404 when none)
    GET /api/driver/waybills/{no}      one of my waybills with its track and events
"""

from __future__ import annotations

from litestar import Router, get
from litestar.params import FromPath

from backend.domain.parties.schemas import AS_DRIVER
from backend.domain.waybills import service as waybills
from backend.domain.waybills.schemas import WaybillDetail
from backend.http.auth import signed_in
from backend.http.deps import Db, Me


@get("/waybills/current", summary="My waybill on the road now")
async def current(me: Me, db: Db) -> WaybillDetail:
    return await waybills.current_for_driver(db, actor=me)


@get("/waybills/{waybill_no:str}")
async def one(waybill_no: FromPath[str], me: Me, db: Db) -> WaybillDetail:
    return await waybills.get_waybill(db, actor=me, reading_as=AS_DRIVER, waybill_no=waybill_no)


router = Router(path="/api/driver", route_handlers=[current, one], guards=[signed_in], tags=["driver", "waybills"])
