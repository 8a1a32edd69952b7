"""The mine's weighbridge: lanes live, tickets, refusals, and supervisors' re-weigh overrides.

    GET  /api/mine/sites/{site_id}/lanes                each lane as its controller last reported it
    GET  /api/mine/sites/{site_id}/weighings?status=    weighings, newest first (status=refused: refusals)
    GET  /api/mine/sites/{site_id}/tickets?since=       the site's tickets, newest first
    GET  /api/mine/tickets/{ticket_no}                  one ticket
    POST /api/mine/weigh-overrides                      {orderId, kind, reason}: allow one re-weigh (audited)
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

from litestar import Router, get, post
from litestar.params import FromPath, JSONBody, QueryParameter

from backend.domain.identity.schemas import SITE_STAFF
from backend.domain.weighing import service as weighing
from backend.domain.weighing.schemas import (
    LaneOut,
    OverrideCreate,
    OverrideOut,
    TicketOut,
    TicketPage,
    WeighingPage,
)
from backend.http.auth import any_role
from backend.http.deps import Db, Limit, Me, Offset

Since = Annotated[datetime | None, QueryParameter()]


@get("/sites/{site_id:uuid}/lanes", summary="The site's lanes, live")
async def lanes(site_id: FromPath[uuid.UUID], me: Me, db: Db) -> list[LaneOut]:
    return await weighing.site_lanes(db, actor=me, site_id=site_id)


@get("/sites/{site_id:uuid}/weighings", summary="The site's weighings (status=refused for refusals)")
async def weighings(site_id: FromPath[uuid.UUID], me: Me, db: Db,
                    status: Annotated[Literal["accepted", "refused", "superseded"] | None, QueryParameter()] = None,
                    since: Since = None, offset: Offset = 0, limit: Limit = 50) -> WeighingPage:
    return await weighing.list_weighings(db, actor=me, site_id=site_id, status=status, since=since,
                                         offset=offset, limit=limit)


@get("/sites/{site_id:uuid}/tickets", summary="The site's e-weigh tickets")
async def site_tickets(site_id: FromPath[uuid.UUID], me: Me, db: Db, since: Since = None,
                       offset: Offset = 0, limit: Limit = 50) -> TicketPage:
    return await weighing.list_tickets(db, actor=me, site_id=site_id, since=since, offset=offset, limit=limit)


@get("/tickets/{ticket_no:str}", summary="One e-weigh ticket")
async def ticket(ticket_no: FromPath[str], me: Me, db: Db) -> TicketOut:
    return await weighing.get_ticket(db, actor=me, ticket_no=ticket_no)


@post("/weigh-overrides", status_code=201, summary="复磅授权: allow one more weighing of an order (audited)")
async def override(data: JSONBody[OverrideCreate], me: Me, db: Db) -> OverrideOut:
    return await weighing.create_override(db, actor=me, data=data)


router = Router(
    path="/api/mine", route_handlers=[lanes, weighings, site_tickets, ticket, override],
    guards=[any_role(*SITE_STAFF)], tags=["mine", "weighing"],
)
