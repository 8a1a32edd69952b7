"""The public page behind an e-weigh ticket's QR (/verify/{ticket_no}?c=CODE): no login. Whoever holds
the ticket — a buyer's gate, a tax officer, the driver's next customer — sees the platform's verdict,
the ticket as recorded and its evidence entry. The check itself is weighing.service.verify_ticket,
the same one GET /api/public/tickets/{no}/verify answers with."""

from __future__ import annotations

from typing import Any

from litestar import Request, Router, get
from litestar.params import FromPath, FromQuery
from litestar.response import Template

from backend import clock
from backend.domain.contracts.schemas import PRODUCT_LABELS
from backend.domain.weighing import service as weighing
from backend.http.deps import Ctx, Db
from backend.http.limits import public_verify
from backend.http.pages import render
from backend.http.weigh_views import iso_time

MAX_CODE = 32


@get("/{ticket_no:str}", name="ticket-verify", guards=[public_verify])
async def verify_page(request: Request[Any, Any, Any], db: Db, ctx: Ctx, ticket_no: FromPath[str],
                      c: FromQuery[str] = "") -> Template:
    report = await weighing.verify_ticket(db, ctx=ctx, ticket_no=ticket_no[:64], code=c[:MAX_CODE])
    response = render(request, "verify.html", report=report, products=PRODUCT_LABELS, iso_time=iso_time,
                      checked_at=clock.now(),
                      status_code=404 if report.ticket is None else 200)
    # A verify address carries the ticket's check code: keep it out of search engines and referrers.
    response.headers.update({"X-Robots-Tag": "noindex", "Referrer-Policy": "no-referrer"})
    return response


router = Router(path="/verify", route_handlers=[verify_page], include_in_schema=False)
