"""HTML pages of the mine's weighbridge (地磅): a site's lanes live with today's tickets and refusals,
and one ticket whole — weights, parties, lanes, photos, anomalies, evidence seq, its verify QR —
which prints as the paper ticket (打印磅单, @media print in weigh.css). A supervisor allows a re-weigh
(复磅授权) from the ticket; the form posts to POST /api/mine/weigh-overrides, which decides.

The lanes poll GET .../weighbridge/live (an HTML fragment, htmx, every 2 s while the tab is seen);
a fragment request without a login answers 401 so the page's script can refresh the session.
"""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Request, Response, Router, get
from litestar.params import FromPath
from litestar.response import File, Redirect, Template

from apps.mine.pages import my_site, signed_in_staff
from backend.domain.identity.schemas import Principal
from backend.domain.sites import service as sites
from backend.domain.weighing import service as weighing
from backend.domain.weighing.schemas import TicketStatus
from backend.http.deps import Ctx, Db
from backend.http.pages import PAGE_ERRORS, principal, render
from backend.http.stored import stored_file
from backend.http.weigh_views import ticket_context, today_start

NAV_HERE = "/mine/weighbridge"
TODAY_LIMIT = 50


@get("/weighbridge")
async def weighbridge_sites(request: Request[Any, Any, Any], db: Db) -> Template | Redirect:
    """地磅 in the navigation: straight to the site when there is one, else a choice."""
    me = signed_in_staff(request)
    items = [s for s in await sites.my_sites(db, actor=me) if s.status == "active"]
    if len(items) == 1:
        return Redirect(f"/mine/sites/{items[0].id}/weighbridge", status_code=302)
    return render(request, "mine/weighbridge_sites.html", app="mine", sites=items, current=NAV_HERE)


async def _today(db: Db, me: Principal, site_id: uuid.UUID) -> dict[str, Any]:
    since = today_start()
    return {
        "tickets": await weighing.list_tickets(db, actor=me, site_id=site_id, since=since, limit=TODAY_LIMIT),
        "refusals": await weighing.list_weighings(db, actor=me, site_id=site_id, status="refused", since=since,
                                                  limit=TODAY_LIMIT),
    }


@get("/sites/{site_id:uuid}/weighbridge")
async def weighbridge(request: Request[Any, Any, Any], db: Db, site_id: FromPath[uuid.UUID]) -> Template | Redirect:
    me = signed_in_staff(request)
    site = await my_site(db, me, site_id)
    lanes = await weighing.site_lanes(db, actor=me, site_id=site_id)
    return render(request, "mine/weighbridge.html", app="mine", site=site, lanes=lanes, current=NAV_HERE,
                  **await _today(db, me, site_id))


def _fragment_login(request: Request[Any, Any, Any]) -> Principal | Response[bytes]:
    me = principal(request)
    return me if me is not None else Response(b"", status_code=401, headers={"Cache-Control": "no-store"})


@get("/sites/{site_id:uuid}/weighbridge/live")
async def weighbridge_live(request: Request[Any, Any, Any], db: Db,
                           site_id: FromPath[uuid.UUID]) -> Template | Response[bytes]:
    me = _fragment_login(request)
    if not isinstance(me, Principal):
        return me
    lanes = await weighing.site_lanes(db, actor=me, site_id=site_id)
    return render(request, "mine/_wb_lanes.html", app="mine", lanes=lanes)


@get("/sites/{site_id:uuid}/weighbridge/today")
async def weighbridge_today(request: Request[Any, Any, Any], db: Db,
                            site_id: FromPath[uuid.UUID]) -> Template | Response[bytes]:
    me = _fragment_login(request)
    if not isinstance(me, Principal):
        return me
    return render(request, "mine/_wb_today.html", app="mine", **await _today(db, me, site_id))


@get("/tickets/{ticket_no:str}")
async def ticket_page(request: Request[Any, Any, Any], db: Db, ctx: Ctx,
                      ticket_no: FromPath[str]) -> Template | Redirect:
    me = signed_in_staff(request)
    ticket = await weighing.get_ticket(db, actor=me, ticket_no=ticket_no)
    may_override = ticket.status == TicketStatus.VALID and await weighing.can_override(db, actor=me, order_id=ticket.order_id)
    return render(request, "mine/ticket.html", app="mine", can_override=may_override, current=NAV_HERE,
                  **ticket_context(ctx, ticket))


@get("/tickets/{ticket_no:str}/photos/{sha256:str}")
async def ticket_photo(request: Request[Any, Any, Any], db: Db, ctx: Ctx, ticket_no: FromPath[str],
                       sha256: FromPath[str]) -> File | Template | Redirect:
    """A photo of a ticket the reader may read (stored by content: never changes, cached privately)."""
    me = signed_in_staff(request)
    path = await weighing.ticket_photo(db, ctx=ctx, actor=me, ticket_no=ticket_no, sha256=sha256)
    return stored_file(path, media_type="image/jpeg", sha256=sha256, max_age_s=86400)


router = Router(path="/mine", include_in_schema=False, exception_handlers=PAGE_ERRORS,
                route_handlers=[weighbridge_sites, weighbridge, weighbridge_live, weighbridge_today, ticket_page,
                                ticket_photo])
