"""Reference data every app reads (regions, the pass keys) and the public ticket check behind a
weigh ticket's QR, which anyone holding the ticket may call without an account."""

from __future__ import annotations

from typing import Annotated

from litestar import Router, get
from litestar.params import FromPath, FromQuery, QueryParameter

from backend.domain.passes import service as passes
from backend.domain.passes.schemas import PassKeysOut
from backend.domain.regions import service as regions
from backend.domain.regions.schemas import RegionOut
from backend.domain.weighing import service as weighing
from backend.domain.weighing.schemas import TicketVerifyOut
from backend.http.deps import Ctx, Db
from backend.http.limits import public_verify

VerifyCode = Annotated[str, QueryParameter(min_length=1, max_length=32)]


@get("/regions")
async def list_regions(db: Db, parent_code: FromQuery[str | None] = None) -> list[RegionOut]:
    return await regions.list_regions(db, parent_code=parent_code)


@get("/public/pass-keys")
async def pass_keys(ctx: Ctx) -> PassKeysOut:
    """The platform's public pass keys: any gate of any enterprise verifies any platform code with them."""
    return passes.published_keys(ctx.settings)


@get("/public/tickets/{ticket_no:str}/verify", summary="Check an e-weigh ticket against its evidence entry",
     guards=[public_verify])
async def verify_ticket(ticket_no: FromPath[str], c: VerifyCode, db: Db, ctx: Ctx) -> TicketVerifyOut:
    return await weighing.verify_ticket(db, ctx=ctx, ticket_no=ticket_no, code=c)


router = Router(path="/api", route_handlers=[list_regions, pass_keys, verify_ticket], tags=["reference"])
