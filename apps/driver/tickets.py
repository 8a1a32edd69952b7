"""The driver's e-weigh tickets.

    GET /api/driver/tickets                 my tickets, newest first
    GET /api/driver/tickets/{ticket_no}     one of mine
"""

from __future__ import annotations

from litestar import Router, get
from litestar.params import FromPath

from backend.domain.weighing import service as weighing
from backend.domain.weighing.schemas import TicketOut, TicketPage
from backend.http.auth import signed_in
from backend.http.deps import Db, Limit, Me, Offset


@get("/tickets", summary="My e-weigh tickets")
async def my_tickets(me: Me, db: Db, offset: Offset = 0, limit: Limit = 50) -> TicketPage:
    return await weighing.list_tickets(db, actor=me, mine_only=True, offset=offset, limit=limit)


@get("/tickets/{ticket_no:str}", summary="One of my e-weigh tickets")
async def my_ticket(ticket_no: FromPath[str], me: Me, db: Db) -> TicketOut:
    return await weighing.get_ticket(db, actor=me, ticket_no=ticket_no)


router = Router(path="/api/driver", route_handlers=[my_tickets, my_ticket], guards=[signed_in],
                tags=["driver", "tickets"])
