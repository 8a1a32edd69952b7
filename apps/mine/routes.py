"""JSON API of the mine app (sales, dispatchers, finance and admins of mines, plants and stations).

    GET /api/mine/sites    the site overview: my organisations' sites with gates, lanes and devices
                           (each device with last_seen_at and its online flag)
"""

from __future__ import annotations

from litestar import Router, get

from backend.domain.identity.schemas import ENTERPRISE_ROLES
from backend.domain.sites import service as sites
from backend.domain.sites.schemas import SiteDetailOut
from backend.http.auth import any_role
from backend.http.deps import Db, Me


@get("/sites")
async def my_sites(me: Me, db: Db) -> list[SiteDetailOut]:
    return await sites.my_sites(db, actor=me)


router = Router(
    path="/api/mine",
    route_handlers=[my_sites],
    guards=[any_role(*ENTERPRISE_ROLES)],
    tags=["mine"],
)
