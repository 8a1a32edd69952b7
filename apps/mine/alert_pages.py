"""HTML pages of the mine app's 告警 (issue 13, point 7): my organisations' alerts by grade and state,
live ones by deadline with the overdue first (alerts.my_alerts), and one alert with its timeline,
files and the handler's actions (acknowledge, dispose with photos) through js/alert.js and the
shared handling API. Notices link here (alerts/notify.url_for)."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from litestar import Request, Router, get
from litestar.params import FromPath, FromQuery, QueryParameter
from litestar.response import Redirect, Template

from apps.mine.pages import signed_in_staff
from backend.domain.alerts import service as alerts
from backend.domain.alerts.schemas import AlertStatus, Grade
from backend.http.alert_views import GRADES, PAGE_SIZE, STATES, choice, detail_context, pager
from backend.http.deps import Db, Offset
from backend.http.pages import PAGE_ERRORS, render

BASE = "/mine/alerts"
# "state" is reserved by Litestar for the app state: the query key is mapped.
StateQuery = Annotated[str | None, QueryParameter(query="state")]


@get("/alerts")
async def alert_list(request: Request[Any, Any, Any], db: Db, grade: FromQuery[str | None] = None,
                     alert_state: StateQuery = None, offset: FromQuery[Offset] = 0) -> Template | Redirect:
    me = signed_in_staff(request)
    chosen = {"grade": choice(grade, GRADES), "state": choice(alert_state, STATES)}
    page = await alerts.my_alerts(db, actor=me, grade=Grade(chosen["grade"]) if chosen["grade"] else None,
                                  state=AlertStatus(chosen["state"]) if chosen["state"] else None,
                                  offset=max(offset, 0), limit=PAGE_SIZE)
    return render(request, "alerts.html", app="mine", title_key="mine.alerts.title", lead_key="mine.alerts.lead",
                  base=BASE, filters=True, grades=GRADES, states=STATES, kinds=[], districts=[], chosen=chosen,
                  page=page, pager=pager(BASE, chosen), figures_href=None)


@get("/alerts/{alert_id:uuid}")
async def alert_page(request: Request[Any, Any, Any], db: Db, alert_id: FromPath[uuid.UUID]) -> Template | Redirect:
    me = signed_in_staff(request)
    context = await detail_context(db, actor=me, alert_id=alert_id)
    return render(request, "alert.html", app="mine", current=BASE, base=BASE, **context)


router = Router(path="/mine", include_in_schema=False, exception_handlers=PAGE_ERRORS,
                route_handlers=[alert_list, alert_page])
