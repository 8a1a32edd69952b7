"""The regulator app's routers, for the composition root (backend/app.py): its JSON API, then its pages."""

from __future__ import annotations

from typing import Any

from apps.regulator import (
    alert_pages,
    alerts,
    pages,
    reads,
    reconcile,
    reconcile_pages,
    routes,
    tracking,
    tracking_pages,
)

ROUTERS: list[Any] = [routes.router, alerts.router, reconcile.router, tracking.router, pages.router, alert_pages.router, tracking_pages.router, reads.router,
                      reads.page_router, reconcile_pages.router]
