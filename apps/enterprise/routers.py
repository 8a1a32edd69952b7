"""The enterprise app's routers, for the composition root (backend/app.py): its JSON API, then its pages
(the pages router carries the contract and order pages too)."""

from __future__ import annotations

from typing import Any

from apps.enterprise import alert_pages, contracts, fleet, invoices, keys, orders, pages, routes

ROUTERS: list[Any] = [routes.router, fleet.router, keys.router, contracts.router, orders.router, invoices.router, pages.router, alert_pages.router]
