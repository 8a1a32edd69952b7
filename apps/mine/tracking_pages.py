"""HTML pages of the mine's GPS view: 车辆实时位置 (a site's fence, exits, zones and the trucks around
it, live), the waybill list, and one waybill's track with its events (运单轨迹).

The pages render the shell; js/livemap.js and js/waybill.js draw from the JSON API
(apps/mine/tracking.py): GET /api/mine/tracking/live, /api/mine/waybills, /api/mine/waybills/{no}.
A waybill's page embeds its first JSON so the map shows before any request, and answers 404 as a
page for a waybill the reader may not see or that does not exist.
"""

from __future__ import annotations

import uuid
from typing import Any
from urllib.parse import quote

from litestar import Request, Router, get
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from apps.mine.pages import signed_in_staff
from backend.domain.parties.schemas import AS_ORG_STAFF
from backend.domain.sites import service as overview
from backend.http.deps import Db
from backend.http.pages import PAGE_ERRORS, render
from backend.http.track_views import STATUSES, waybill_json

NAV_HERE = "/mine/tracking"


@get("/tracking")
async def live_map(request: Request[Any, Any, Any], db: Db,
                   site_id: FromQuery[uuid.UUID | None] = None) -> Template | Redirect:
    me = signed_in_staff(request)
    sites = [s for s in await overview.my_sites(db, actor=me) if s.status == "active"]
    chosen = next((s for s in sites if s.id == site_id), sites[0] if sites else None)
    return render(request, "gps_tracking.html", app="mine", role="mine", current=NAV_HERE, param="siteId",
                  lead_key="gps.live.lead", picker_key="gps.live.site",
                  options=[(str(s.id), s.name) for s in sites], chosen=str(chosen.id) if chosen else "")


@get("/waybills")
async def waybill_list(request: Request[Any, Any, Any], status: FromQuery[str | None] = None) -> Template | Redirect:
    signed_in_staff(request)  # the list itself comes from the API, which checks again
    return render(request, "gps_waybills.html", app="mine", role="mine", current=NAV_HERE,
                  status=status if status in STATUSES else "")


@get("/waybills/{waybill_no:str}")
async def waybill_page(request: Request[Any, Any, Any], db: Db, waybill_no: FromPath[str]) -> Template | Redirect:
    me = signed_in_staff(request)
    first = await waybill_json(db, actor=me, reading_as=AS_ORG_STAFF, waybill_no=waybill_no)
    return render(request, "gps_waybill.html", app="mine", role="mine", current=NAV_HERE, waybill_json=first,
                  api=f"/api/mine/waybills/{quote(waybill_no, safe='')}")


router = Router(path="/mine", include_in_schema=False, exception_handlers=PAGE_ERRORS,
                route_handlers=[live_map, waybill_list, waybill_page])
