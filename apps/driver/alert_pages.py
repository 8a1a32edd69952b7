"""HTML pages of the driver's alerts (issue 13, point 7): the alerts about the trucks I drove
(alerts.driver_alerts), and one alert with the appeal form for a GPS one: a note, photos or files,
and the positions this phone recorded while sharing its location (js/phonegps.js keeps them; js/alert.js
offers those around the alert). Notices link to /driver/alerts/{id} (alerts/notify)."""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Request, Router, get
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from apps.driver.pages import signed_in_driver
from backend.domain.alerts import service as alerts
from backend.http.alert_views import PAGE_SIZE, detail_context, pager
from backend.http.deps import Db, Offset
from backend.http.pages import PAGE_ERRORS, render

BASE = "/driver/alerts"
# The phone's positions offered with an appeal: from an hour before the alert to an hour after it was last seen.
TRACK_MARGIN_S = 3600


@get("/alerts")
async def my_alerts(request: Request[Any, Any, Any], db: Db, offset: FromQuery[Offset] = 0) -> Template | Redirect:
    me = signed_in_driver(request)
    page = await alerts.driver_alerts(db, actor=me, offset=max(offset, 0), limit=PAGE_SIZE)
    return render(request, "alerts.html", app="driver", title_key="driver.alerts.title", lead_key="driver.alerts.lead",
                  base=BASE, filters=False, page=page, pager=pager(BASE, {}), figures_href=None)


@get("/alerts/{alert_id:uuid}")
async def my_alert(request: Request[Any, Any, Any], db: Db, alert_id: FromPath[uuid.UUID]) -> Template | Redirect:
    me = signed_in_driver(request)
    context = await detail_context(db, actor=me, alert_id=alert_id)
    alert = context["a"]
    return render(request, "alert.html", app="driver", current=BASE, base=BASE,
                  track_from_s=int(alert.raised_at.timestamp()) - TRACK_MARGIN_S,
                  track_to_s=int(alert.last_seen_at.timestamp()) + TRACK_MARGIN_S, **context)


router = Router(path="/driver", include_in_schema=False, exception_handlers=PAGE_ERRORS,
                route_handlers=[my_alerts, my_alert])
