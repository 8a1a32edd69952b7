"""The open (machine) interface's routers, for the composition root (backend/app.py): all signed JSON."""

from __future__ import annotations

from typing import Any

from apps.open import alerts, assays, business, invoices, passes, routes, settlements, waybills, weighing

ROUTERS: list[Any] = [routes.router, business.router, passes.router, weighing.router, waybills.router, alerts.router,
                      assays.router, settlements.router, invoices.router]
