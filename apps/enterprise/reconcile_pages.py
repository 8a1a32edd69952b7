"""Pages of 对账 and 溯源 in the enterprise app: the board of my organisation's chains (the six stages
per contract, by day or month, the xlsx link, the mismatches with their reasons) and the trace of any
document number as a vertical timeline. Pages only read."""

from __future__ import annotations

import json
import uuid
from datetime import date
from typing import Annotated, Any, Literal

from litestar import Request, Router, get
from litestar.params import FromQuery, QueryParameter
from litestar.response import Redirect, Template

from backend.domain.reconcile import service as reconcile
from backend.domain.reconcile.schemas import FACT_LABELS, LINK_LABELS, REASONS, STATE_LABELS, TraceOut
from backend.errors import DomainError
from backend.http.deps import Db
from backend.http.pages import PAGE_ERRORS, page_user, render

From = Annotated[date | None, QueryParameter(name="from")]
To = Annotated[date | None, QueryParameter(name="to")]
Number = Annotated[str | None, QueryParameter(name="no", max_length=64, pattern=r"^[^\x00-\x1f\x7f]*$")]
LABELS: dict[str, Any] = {
    "link_labels": LINK_LABELS,
    "state_labels": STATE_LABELS,
    "reasons": REASONS,
    "fact_labels": FACT_LABELS,
}


def chart_json(view: Any) -> str:
    """The totals of the six stages for the chart (js/reconcile-chart.js), in tonnes."""
    totals = view.board.totals
    stages = {
        k: getattr(totals, f"{k}_kg") / 1000
        for k in ("ordered", "loaded", "delivered", "settled", "invoiced")
    }
    return json.dumps(stages).replace("</", "<\\/")


@get("/reconcile")
async def board_page(
    request: Request[Any, Any, Any],
    db: Db,
    contract_id: FromQuery[uuid.UUID | None] = None,
    group: FromQuery[Literal["day", "month"]] = "day",
    date_from: From = None,
    date_to: To = None,
) -> Template | Redirect:
    me = page_user(request, "enterprise", lambda p: p.is_staff)
    view = await reconcile.enterprise_view(
        db, actor=me, contract_id=contract_id, group=group, date_from=date_from, date_to=date_to
    )
    query = f"from={view.board.date_from}&to={view.board.date_to}" + (
        f"&contract_id={contract_id}" if contract_id else ""
    )
    return render(
        request,
        "enterprise/reconcile.html",
        app="enterprise",
        view=view,
        group=group,
        contract_id=str(contract_id or ""),
        xlsx=f"/api/enterprise/reconcile/board.xlsx?{query}",
        chart=chart_json(view),
        **LABELS,
    )


@get("/trace")
async def trace_page(request: Request[Any, Any, Any], db: Db, number: Number = None) -> Template | Redirect:
    me = page_user(request, "enterprise", lambda p: p.is_staff)
    result: TraceOut | None = None
    missing = False
    if number and number.strip():
        try:
            result = await reconcile.trace(db, actor=me, number=number)
        except DomainError:  # not found or not visible: the page says so, as the API's 404 does
            missing = True
    return render(
        request,
        "enterprise/trace.html",
        app="enterprise",
        number=number or "",
        result=result,
        missing=missing,
        **LABELS,
    )


router = Router(
    path="/enterprise",
    route_handlers=[board_page, trace_page],
    include_in_schema=False,
    exception_handlers=PAGE_ERRORS,
)
