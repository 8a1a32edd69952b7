"""HTML pages of the regulator's GPS view: 车辆实时位置 in my region (sites, checkpoints, coverage
holes, trucks, live), the waybills of the region, and one waybill's track with its events.

The pages render the shell; js/livemap.js and js/waybill.js draw from the JSON API
(apps/regulator/tracking.py). A waybill outside the reader's region answers 404, as a missing one.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from litestar import Request, Router, get
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from apps.regulator.pages import signed_in_regulator
from backend.domain.identity.schemas import Principal
from backend.domain.parties.schemas import AS_REGULATOR
from backend.domain.regions import service as regions
from backend.http.deps import Db
from backend.http.i18n import lang_of
from backend.http.pages import PAGE_ERRORS, render
from backend.http.track_views import STATUSES, waybill_json

NAV_HERE = "/regulator/tracking"


async def _region_options(db: Db, me: Principal, lang: str) -> list[tuple[str, str]]:
    """My regions, each followed by the districts under it (a city regulator narrows to a banner)."""
    options: list[tuple[str, str]] = []
    for code in me.regulator_scopes:
        zh, en = regions.region_name(code)
        options.append((code, en if lang == "en" else zh))
        for child in await regions.list_regions(db, parent_code=code):
            zh, en = regions.region_name(child.code)
            options.append((child.code, f"· {en if lang == 'en' else zh}"))
    return options


@get("/tracking")
async def live_map(request: Request[Any, Any, Any], db: Db, region_code: FromQuery[str | None] = None) -> Template | Redirect:
    me = signed_in_regulator(request)
    options = await _region_options(db, me, lang_of(request))
    codes = [code for code, _ in options]
    chosen = region_code if region_code in codes else (codes[0] if codes else "")
    return render(request, "gps_tracking.html", app="regulator", role="regulator", current=NAV_HERE,
                  param="regionCode", lead_key="gps.live.leadRegion", picker_key="gps.live.region", options=options,
                  chosen=chosen)


@get("/waybills")
async def waybill_list(request: Request[Any, Any, Any], status: FromQuery[str | None] = None) -> Template | Redirect:
    signed_in_regulator(request)  # the list itself comes from the API, which checks again
    return render(request, "gps_waybills.html", app="regulator", role="regulator",
                  status=status if status in STATUSES else "")


@get("/waybills/{waybill_no:str}")
async def waybill_page(request: Request[Any, Any, Any], db: Db, waybill_no: FromPath[str]) -> Template | Redirect:
    me = signed_in_regulator(request)
    first = await waybill_json(db, actor=me, reading_as=AS_REGULATOR, waybill_no=waybill_no)
    return render(request, "gps_waybill.html", app="regulator", role="regulator", current="/regulator/waybills",
                  waybill_json=first, api=f"/api/regulator/waybills/{quote(waybill_no, safe='')}")


router = Router(path="/regulator", include_in_schema=False, exception_handlers=PAGE_ERRORS,
                route_handlers=[live_map, waybill_list, waybill_page])
