"""HTML pages of the enterprise app's 告警: the alerts my organisations handle. A carrier's admin and
dispatchers act here on the GPS kinds about their trucks (corridor, long stop, signal gap, overspeed);
the same pages as the mine app's (backend/http/alert_views.handler_pages). Notices about
carrier-handled kinds link here (alerts/notify.url_for)."""

from __future__ import annotations

from typing import Any

from litestar import Request, Router

from backend.domain.identity.schemas import Principal
from backend.http.alert_views import handler_pages
from backend.http.pages import PAGE_ERRORS, page_user

BASE = "/enterprise/alerts"


def signed_in_staff(request: Request[Any, Any, Any]) -> Principal:
    return page_user(request, "enterprise", lambda me: me.is_staff)


router = Router(path="/enterprise", include_in_schema=False, exception_handlers=PAGE_ERRORS,
                route_handlers=handler_pages(app="enterprise", base=BASE, signed_in=signed_in_staff))
