"""HTML pages of the regulator's alert board (issue 13, point 7): the alerts of my regions that reached
my level, filtered by district, grade, kind and state, live ones by deadline with the overdue first
(alerts.region_alerts); one alert with the review of a disposal and the decision on a driver's appeal
(js/alert.js and forms.js over the shared handling API); and the handling figures per enterprise
(alerts.handling_figures) as a table and a chart (js/alert-figures.js, Chart.js). Notices link to
/regulator/alerts/{id} (alerts/notify.url_for)."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated, Any

import msgspec
from litestar import Request, Router, get
from litestar.params import FromPath, FromQuery, QueryParameter
from litestar.response import Redirect, Template

from apps.regulator.pages import signed_in_regulator
from backend.checks.regions import REGIONS, is_within
from backend.domain.alerts import service as alerts
from backend.domain.alerts.schemas import AlertStatus, Grade
from backend.domain.identity.schemas import Principal
from backend.domain.regions import service as regions
from backend.http.alert_views import GRADES, PAGE_SIZE, STATES, choice, detail_context, pager
from backend.http.deps import Db, Offset
from backend.http.pages import PAGE_ERRORS, render

BASE = "/regulator/alerts"
StateQuery = Annotated[str | None, QueryParameter(query="state")]
FromDate = Annotated[date | None, QueryParameter(query="from")]
ToDate = Annotated[date | None, QueryParameter(query="to")]


def districts_of(me: Principal) -> list[tuple[str, tuple[str, str]]]:
    """The cities and districts of my scopes (alerts are raised in either), for the district filter."""
    codes = sorted(c for c, r in REGIONS.items() if r.level != "province"
                   and (me.is_platform_admin or any(is_within(c, s) for s in me.regulator_scopes)))
    return [(c, regions.region_name(c)) for c in codes]


def _minutes(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:.1f}" if value < 10 else f"{value:.0f}"


def _pct(share: float | None) -> str:
    return "—" if share is None else f"{share * 100:.0f}%"


@get("/alerts")
async def board(request: Request[Any, Any, Any], db: Db, district: FromQuery[str | None] = None,
                grade: FromQuery[str | None] = None, kind: FromQuery[str | None] = None,
                alert_state: StateQuery = None, offset: FromQuery[Offset] = 0) -> Template | Redirect:
    me = signed_in_regulator(request)
    districts = districts_of(me)
    kinds = [(k.code, (k.name_zh, k.name_en)) for k in alerts.KINDS.values()]
    chosen = {"district": choice(district, [c for c, _ in districts]), "grade": choice(grade, GRADES),
              "kind": choice(kind, [c for c, _ in kinds]), "state": choice(alert_state, STATES)}
    page = await alerts.region_alerts(db, actor=me, district=chosen["district"],
                                      grade=Grade(chosen["grade"]) if chosen["grade"] else None,
                                      state=AlertStatus(chosen["state"]) if chosen["state"] else None,
                                      kind=chosen["kind"], offset=max(offset, 0), limit=PAGE_SIZE)
    return render(request, "alerts.html", app="regulator", title_key="reg.alerts.title", lead_key="reg.alerts.lead",
                  base=BASE, filters=True, grades=GRADES, states=STATES, kinds=kinds,
                  districts=districts if len(districts) > 1 else [], chosen=chosen, page=page,
                  pager=pager(BASE, chosen), figures_href=f"{BASE}/figures")


@get("/alerts/figures")
async def figures(request: Request[Any, Any, Any], db: Db, from_date: FromDate = None,
                  to_date: ToDate = None) -> Template | Redirect:
    me = signed_in_regulator(request)
    result = await alerts.handling_figures(db, actor=me, from_date=from_date, to_date=to_date)
    # The chart's data rides in the page (a JSON script element: data, never run under the CSP).
    data = msgspec.json.encode(result).decode().replace("</", "<\\/")
    return render(request, "regulator/alert_figures.html", app="regulator", current=BASE, figures=result,
                  figures_json=data, minutes=_minutes, pct=_pct)


@get("/alerts/{alert_id:uuid}")
async def alert_page(request: Request[Any, Any, Any], db: Db, alert_id: FromPath[uuid.UUID]) -> Template | Redirect:
    me = signed_in_regulator(request)
    context = await detail_context(db, actor=me, alert_id=alert_id)
    return render(request, "alert.html", app="regulator", current=BASE, base=BASE, **context)


router = Router(path="/regulator", include_in_schema=False, exception_handlers=PAGE_ERRORS,
                route_handlers=[board, figures, alert_page])
