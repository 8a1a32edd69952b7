"""The routers no single app owns, for the composition root (backend/app.py): health, sign-in, reference
data, notices, and the shared pages (landing, language, manifests, service worker, ticket verification)."""

from __future__ import annotations

from typing import Any

from backend.http import account, invitation_pages, pages, verify_pages
from backend.http.routes import alert_packs, alerts, auth, common, health, invitations, notices, trace

ROUTERS: list[Any] = [health.router, alerts.router, alert_packs.router, auth.router, common.router, notices.router, invitations.router, trace.router, pages.router,
                      verify_pages.router, invitation_pages.router, account.router]
