"""The page every app links to for one's own account security: the login sessions (browsers and app
installs) signed in now, with remote sign-out of one or all others, and the recovery codes left (with
regeneration, which asks for a TOTP code). The data comes from /api/auth (routes/auth.py)."""

from __future__ import annotations

from typing import Any

from litestar import Request, Router, get
from litestar.params import FromQuery
from litestar.response import Redirect, Template

from backend.domain.identity import service as identity
from backend.http.deps import Db
from backend.http.pages import APPS, PAGE_ERRORS, principal, render


@get("/sessions")
async def sessions_page(request: Request[Any, Any, Any], db: Db, app: FromQuery[str | None] = None) -> Template | Redirect:
    # Shown inside the app the person came from (its colours and navigation), or none.
    app_name = app if app in APPS else None
    me = principal(request)
    if me is None:
        target = f"/{app_name}/login" if app_name else "/"
        return Redirect(f"{target}?next=/account/sessions" + (f"%3Fapp%3D{app_name}" if app_name else ""), status_code=302)
    return render(
        request, "account_sessions.html", app=app_name,
        sessions=await identity.list_sessions(db, actor=me),
        recovery=await identity.recovery_status(db, user_id=me.user_id),
    )


router = Router(path="/account", route_handlers=[sessions_page], exception_handlers=PAGE_ERRORS, include_in_schema=False)
