"""HTML page of the driver's waybill (我的运单): the open waybill — origin → destination, status,
distance so far, events — on its map, and the 共享位置 switch (js/phonegps.js) that sends the phone's
fixes to POST /api/driver/positions while the page is open. Without an open waybill the page says so
(暂无进行中的运单) and js/waybill.js keeps looking for one."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from litestar import Request, Router, get
from litestar.response import Redirect, Template

from apps.driver.pages import signed_in_driver
from backend.http.deps import Db
from backend.http.pages import PAGE_ERRORS, render
from backend.http.track_views import current_json

NAV_HERE = "/driver/waybill"


@get("/waybill")
async def my_waybill(request: Request[Any, Any, Any], db: Db) -> Template | Redirect:
    me = signed_in_driver(request)
    current = await current_json(db, actor=me)
    # With a waybill on screen the page follows that one (its arrival included); without, the current.
    api = f"/api/driver/waybills/{quote(current[0], safe='')}" if current else "/api/driver/waybills/current"
    return render(request, "driver/waybill.html", app="driver", current=NAV_HERE, api=api,
                  waybill_json=current[1] if current else None)


router = Router(path="/driver", include_in_schema=False, exception_handlers=PAGE_ERRORS, route_handlers=[my_waybill])
