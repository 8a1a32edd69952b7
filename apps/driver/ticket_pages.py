"""HTML pages of the driver's e-weigh tickets (我的磅单): the list, and one ticket with its verify QR
large enough for another phone to scan and the net weight first. Reads through weighing.service,
which shows a driver the tickets of the loads he drove and nothing else."""

from __future__ import annotations

from typing import Any

from litestar import Request, Router, get
from litestar.params import FromPath
from litestar.response import Redirect, Template

from apps.driver.pages import signed_in_driver
from backend.domain.contracts.schemas import PRODUCT_LABELS
from backend.domain.weighing import service as weighing
from backend.http.deps import Ctx, Db
from backend.http.pages import PAGE_ERRORS, render
from backend.http.weigh_views import ticket_context

NAV_HERE = "/driver/tickets"


@get("/tickets")
async def my_tickets(request: Request[Any, Any, Any], db: Db) -> Template | Redirect:
    me = signed_in_driver(request)
    page = await weighing.list_tickets(db, actor=me, mine_only=True, limit=50)
    return render(request, "driver/tickets.html", app="driver", tickets=page.items, total=page.total,
                  products=PRODUCT_LABELS)


@get("/tickets/{ticket_no:str}")
async def my_ticket(request: Request[Any, Any, Any], db: Db, ctx: Ctx, ticket_no: FromPath[str]) -> Template | Redirect:
    me = signed_in_driver(request)
    ticket = await weighing.get_ticket(db, actor=me, ticket_no=ticket_no)
    return render(request, "driver/ticket.html", app="driver", current=NAV_HERE, **ticket_context(ctx, ticket))


router = Router(path="/driver", include_in_schema=False, exception_handlers=PAGE_ERRORS,
                route_handlers=[my_tickets, my_ticket])
