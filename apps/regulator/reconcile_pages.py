"""Pages of 对账 and 溯源 in the regulator app: the board per district of my scope (the six stages,
by day or month, the xlsx link, the mismatches) and the trace of any document number in my region."""

from __future__ import annotations

import json
from datetime import date
from typing import Annotated, Any, Literal

from litestar import Request, Router, get
from litestar.params import FromQuery, QueryParameter
from litestar.response import Redirect, Template

from apps.regulator.pages import signed_in_regulator
from backend.domain.reconcile import service as reconcile
from backend.domain.reconcile.schemas import FACT_LABELS, LINK_LABELS, REASONS, STATE_LABELS, TraceOut
from backend.errors import DomainError
from backend.http.deps import Db
from backend.http.pages import PAGE_ERRORS, render

From = Annotated[date | None, QueryParameter(name="from")]
To = Annotated[date | None, QueryParameter(name="to")]
District = Annotated[str | None, QueryParameter(pattern=r"^([0-9]{6})?$")]
Number = Annotated[str | None, QueryParameter(name="no", max_length=64, pattern=r"^[^\x00-\x1f\x7f]*$")]
LABELS: dict[str, Any] = {
    "link_labels": LINK_LABELS,
    "state_labels": STATE_LABELS,
    "reasons": REASONS,
    "fact_labels": FACT_LABELS,
}


@get("/reconcile")
async def board_page(
    request: Request[Any, Any, Any],
    db: Db,
    district: District = None,
    group: FromQuery[Literal["day", "month"]] = "day",
    date_from: From = None,
    date_to: To = None,
) -> Template | Redirect:
    me = signed_in_regulator(request)
    view = await reconcile.regulator_view(
        db, actor=me, district=district or None, group=group, date_from=date_from, date_to=date_to
    )
    query = f"from={view.board.date_from}&to={view.board.date_to}" + (
        f"&district={district}" if district else ""
    )
    totals = view.board.totals
    chart = json.dumps(
        {
            k: getattr(totals, f"{k}_kg") / 1000
            for k in ("ordered", "loaded", "delivered", "settled", "invoiced")
        }
    )
    return render(
        request,
        "regulator/reconcile.html",
        app="regulator",
        view=view,
        group=group,
        district=district or "",
        xlsx=f"/api/regulator/reconcile/board.xlsx?{query}",
        chart=chart,
        **LABELS,
    )


@get("/trace")
async def trace_page(request: Request[Any, Any, Any], db: Db, number: Number = None) -> Template | Redirect:
    me = signed_in_regulator(request)
    result: TraceOut | None = None
    missing = False
    if number and number.strip():
        try:
            result = await reconcile.trace(db, actor=me, number=number)
        except DomainError:  # not found or outside my region: the page says so, as the API's 404 does
            missing = True
    return render(
        request,
        "regulator/trace.html",
        app="regulator",
        number=number or "",
        result=result,
        missing=missing,
        **LABELS,
    )


router = Router(
    path="/regulator",
    route_handlers=[board_page, trace_page],
    include_in_schema=False,
    exception_handlers=PAGE_ERRORS,
)
