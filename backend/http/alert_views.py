"""What the alert pages of every app render (issue 13, point 7): the list with its filters and one
alert with its timeline, files, appeals and the actions the reader may take (AlertDetail's `can*`).
The pages only read; every action goes through the shared handling API (routes/alerts.py) from
js/alert.js, so who may do what is decided in one place (alerts/access.py)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Annotated, Any
from urllib.parse import urlencode

from litestar import Request, get
from litestar.params import FromPath, FromQuery, QueryParameter
from litestar.response import Redirect, Template

from backend.domain.alerts import service as alerts
from backend.domain.alerts.schemas import AlertDetail, AlertStatus, Grade, StepAction
from backend.domain.identity.schemas import Principal
from backend.domain.organisations import service as organisations
from backend.http.deps import Db, Offset
from backend.http.pages import render

# "state" is reserved by Litestar for the app state: the query key is mapped.
StateQuery = Annotated[str | None, QueryParameter(query="state")]

GRADES = [g.value for g in Grade]
STATES = [s.value for s in AlertStatus]
PAGE_SIZE = 30


def choice(value: str | None, allowed: list[str]) -> str | None:
    """A filter from the query string: one of the allowed values, anything else means no filter."""
    return value if value in allowed else None


async def detail_context(db: Db, *, actor: Principal, alert_id: uuid.UUID) -> dict[str, Any]:
    """The detail page's context; NotFound (a 404 page) for an alert the reader may not see."""
    detail: AlertDetail = await alerts.detail(db, actor=actor, alert_id=alert_id)
    org_id = (await alerts.access_alert(db, actor, alert_id)).org_id
    names = await organisations.org_names(db, org_ids={org_id})
    disposal = next((s for s in reversed(detail.steps) if s.action == StepAction.DISPOSED), None)
    return {"d": detail, "a": detail.alert, "org_name": names.get(org_id, ""), "disposal": disposal,
            "images": [f for f in detail.files if f.media_type.startswith("image/")],
            "documents": [f for f in detail.files if not f.media_type.startswith("image/")],
            "pending_appeal": next((p for p in detail.appeals if p.status == "pending"), None)}


def pager(base: str, filters: dict[str, str | None]) -> Callable[[int], str]:
    """The list's link to another page, keeping the filters."""
    def at(offset: int) -> str:
        query = {k: v for k, v in filters.items() if v} | ({"offset": str(max(offset, 0))} if offset > 0 else {})
        return f"{base}?{urlencode(query)}" if query else base
    return at


def handler_pages(*, app: str, base: str, signed_in: Callable[[Any], Principal]) -> list[Any]:
    """The handling organisation's two pages (the list, overdue first, and one alert) for an app whose
    people handle alerts: the mine app's site staff, the enterprise app's carriers. `signed_in` is the
    app's page guard (the login page or the no-access page for anyone else)."""
    @get("/alerts", name=f"{app}_alert_list")
    async def alert_list(request: Request[Any, Any, Any], db: Db, grade: FromQuery[str | None] = None,
                         alert_state: StateQuery = None, offset: FromQuery[Offset] = 0) -> Template | Redirect:
        me = signed_in(request)
        chosen = {"grade": choice(grade, GRADES), "state": choice(alert_state, STATES)}
        page = await alerts.my_alerts(db, actor=me, grade=Grade(chosen["grade"]) if chosen["grade"] else None,
                                      state=AlertStatus(chosen["state"]) if chosen["state"] else None,
                                      offset=max(offset, 0), limit=PAGE_SIZE)
        return render(request, "alerts.html", app=app, title_key=f"{app}.alerts.title",
                      lead_key=f"{app}.alerts.lead", base=base, filters=True, grades=GRADES, states=STATES, kinds=[],
                      districts=[], chosen=chosen, page=page, pager=pager(base, chosen), figures_href=None)

    @get("/alerts/{alert_id:uuid}", name=f"{app}_alert_page")
    async def alert_page(request: Request[Any, Any, Any], db: Db, alert_id: FromPath[uuid.UUID]) -> Template | Redirect:
        me = signed_in(request)
        context = await detail_context(db, actor=me, alert_id=alert_id)
        return render(request, "alert.html", app=app, current=base, base=base, **context)

    return [alert_list, alert_page]
