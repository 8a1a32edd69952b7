"""The shared invitations page (/invitations), where an invitation's SMS link leads: signed in, the
person's pending invitations to accept or decline; not signed in, how to sign in or register with the
invited phone. The link carries no secret: the phone itself, proved at sign-in, finds the invitation."""

from __future__ import annotations

from typing import Any

from litestar import Request, Router, get
from litestar.response import Template

from backend.domain.identity.schemas import ROLE_LABELS
from backend.domain.invitations import service as invitations
from backend.domain.organisations.schemas import ORG_KIND_LABELS
from backend.http.deps import Db
from backend.http.pages import PAGE_ERRORS, principal, render


@get("/invitations", name="invitations")
async def invitations_page(request: Request[Any, Any, Any], db: Db) -> Template:
    me = principal(request)
    items = await invitations.mine(db, actor=me) if me is not None else []
    return render(request, "invitations.html", items=items, role_labels=ROLE_LABELS, kind_labels=ORG_KIND_LABELS)


router = Router(path="/", route_handlers=[invitations_page], include_in_schema=False, exception_handlers=PAGE_ERRORS)
