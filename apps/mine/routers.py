"""The mine app's routers, for the composition root (backend/app.py): its JSON API, then its pages."""

from __future__ import annotations

from typing import Any

from apps.mine import (
    alert_pages,
    alerts,
    carriers,
    gate,
    orders,
    pages,
    queue,
    routes,
    tracking,
    tracking_pages,
    weighing,
    weighing_pages,
)

ROUTERS: list[Any] = [
    routes.router, alerts.router, orders.router, carriers.router, queue.router, gate.router, weighing.router, tracking.router,
    pages.router, alert_pages.router, weighing_pages.router, tracking_pages.router,
]
