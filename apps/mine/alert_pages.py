"""HTML pages of the mine app's 告警 (issue 13, point 7): my organisations' alerts by grade and state,
live ones by deadline with the overdue first (alerts.my_alerts), and one alert with its timeline,
files and the handler's actions (acknowledge, dispose with photos) through js/alert.js and the
shared handling API. Notices link here (alerts/notify.url_for)."""

from __future__ import annotations

from litestar import Router

from apps.mine.pages import signed_in_staff
from backend.http.alert_views import handler_pages
from backend.http.pages import PAGE_ERRORS

BASE = "/mine/alerts"

router = Router(path="/mine", include_in_schema=False, exception_handlers=PAGE_ERRORS,
                route_handlers=handler_pages(app="mine", base=BASE, signed_in=signed_in_staff))
