"""The driver app's routers, for the composition root (backend/app.py): its JSON API, then its pages."""

from __future__ import annotations

from typing import Any

from apps.driver import (
    alert_pages,
    alerts,
    freight,
    freight_pages,
    orders,
    pages,
    passes,
    positions,
    queue,
    reads,
    routes,
    ticket_pages,
    tickets,
    waybill_pages,
    waybills,
)

ROUTERS: list[Any] = [
    routes.router, alerts.router, orders.router, passes.router, queue.router, tickets.router, positions.router, waybills.router, freight.router,
    pages.router, alert_pages.router, ticket_pages.router, waybill_pages.router, reads.router, reads.page_router, freight_pages.router,
]
