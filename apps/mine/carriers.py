"""The carrier directory (承运单位目录) the issue form names a carrier from.

    GET /api/mine/carriers?q=&limit=   active carriers by name; `q`: part of the name or the start of
                                       the unified social credit code (public registry data, in full)

Only active carriers: issuing refuses a suspended or blacklisted one (orders.issuing).
"""

from __future__ import annotations

from litestar import Router, get
from litestar.params import FromQuery

from backend.domain.identity.schemas import SITE_STAFF
from backend.domain.organisations import service as organisations
from backend.domain.organisations.schemas import OrgPick
from backend.http.auth import any_role
from backend.http.deps import Db, Limit, Search


@get("/carriers", summary="Active carriers to name on pickup orders, by name or credit code")
async def list_carriers(db: Db, q: Search = None, limit: FromQuery[Limit] = 20) -> list[OrgPick]:
    return await organisations.active_carriers(db, q=q, limit=limit)


router = Router(path="/api/mine", route_handlers=[list_carriers],
                guards=[any_role(*SITE_STAFF)], tags=["organisations"])
