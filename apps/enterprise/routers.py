"""The enterprise app's routers, for the composition root (backend/app.py): its JSON API, then its pages
(the pages router carries the contract and order pages too)."""

from __future__ import annotations

from typing import Any

from apps.enterprise import (
                      alert_pages,
                      assays,
                      contracts,
                      fleet,
                      keys,
                      orders,
                      pages,
                      pricing,
                      routes,
                      settlements,
)

ROUTERS: list[Any] = [routes.router, fleet.router, keys.router, contracts.router, pricing.router, assays.router,
                      orders.router, settlements.router, pages.router, alert_pages.router]
