"""Reference data every app reads: regions and the enumerations' labels."""

from __future__ import annotations

from litestar import Router, get
from litestar.params import FromQuery

from backend.domain.passes import service as passes
from backend.domain.passes.schemas import PassKeysOut
from backend.domain.regions import service as regions
from backend.domain.regions.schemas import RegionOut
from backend.http.deps import Ctx, Db


@get("/regions")
async def list_regions(db: Db, parent_code: FromQuery[str | None] = None) -> list[RegionOut]:
    return await regions.list_regions(db, parent_code=parent_code)


@get("/public/pass-keys")
async def pass_keys(ctx: Ctx) -> PassKeysOut:
    """The platform's public pass keys: any gate of any enterprise verifies any platform code with them."""
    return passes.published_keys(ctx.settings)


router = Router(path="/api", route_handlers=[list_regions, pass_keys], tags=["reference"])
