"""HTML pages of the regulator app: the organisations in my regions (summary, filters reloaded by
htmx), one organisation with its sites' fences, and the suspend / blacklist / reinstate form."""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Request, Router, get
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from backend.domain.identity.schemas import Principal, Role
from backend.domain.organisations import service as organisations
from backend.domain.organisations.schemas import ORG_KIND_LABELS, ORG_STATUS_LABELS
from backend.domain.regions import service as regions
from backend.domain.sites import service as sites
from backend.domain.sites.schemas import SITE_KIND_LABELS
from backend.http.deps import Db, Offset
from backend.http.pages import (
    PAGE_ERRORS,
    login_page,
    page_user,
    principal,
    render,
)

PAGE_SIZE = 20
FILTER_KINDS = ("mine", "washing_plant", "loading_station", "trader", "carrier", "consumer_power", "consumer_coke",
                "consumer_chemical")


def is_regulator(me: Principal | None) -> bool:
    return me is not None and (me.is_platform_admin or Role.REGULATOR in me.roles)


def signed_in_regulator(request: Request[Any, Any, Any]) -> Principal:
    """The signed-in regulator; anyone else gets the login or no-access page (page_user)."""
    return page_user(request, "regulator", is_regulator)


def _scope_names(me: Principal) -> list[tuple[str, str]]:
    return [regions.region_name(code) for code in me.regulator_scopes]


@get("/")
async def home() -> Redirect:
    return Redirect("/regulator/orgs", status_code=302)


@get("/login")
async def login(request: Request[Any, Any, Any]) -> Template | Redirect:
    return login_page(request, "regulator", allowed=is_regulator(principal(request)))


@get("/orgs")
async def orgs(
    request: Request[Any, Any, Any], db: Db, kind: FromQuery[str | None] = None, status: FromQuery[str | None] = None,
    q: FromQuery[str | None] = None, offset: FromQuery[Offset] = 0,
) -> Template | Redirect:
    me = signed_in_regulator(request)
    kind = kind if kind in ORG_KIND_LABELS else None
    status = status if status in ORG_STATUS_LABELS else None
    offset = max(offset, 0)
    total, items = await organisations.list_orgs_in_scope(
        db, actor=me, kind=kind, status=status, q=(q or "").strip()[:64] or None, offset=offset, limit=PAGE_SIZE
    )
    context: dict[str, Any] = dict(
        app="regulator", items=items, total=total, offset=offset, limit=PAGE_SIZE, kind=kind or "",
        status=status or "", q=q or "", kind_labels=ORG_KIND_LABELS,
    )
    # htmx asks for the list only; a history restore or a plain visit wants the whole page.
    if request.headers.get("hx-request") and not request.headers.get("hx-history-restore-request"):
        return render(request, "regulator/_org_list.html", **context)
    summary = await sites.regulator_summary(db, actor=me)
    return render(
        request, "regulator/orgs.html", summary=summary, scopes=_scope_names(me),
        kind_options=[(k, ORG_KIND_LABELS[k]) for k in FILTER_KINDS], **context,
    )


@get("/orgs/{org_id:uuid}")
async def org_page(request: Request[Any, Any, Any], db: Db, org_id: FromPath[uuid.UUID]) -> Template | Redirect:
    me = signed_in_regulator(request)
    detail = await sites.org_with_sites(db, actor=me, org_id=org_id)
    return render(
        request, "regulator/org.html", app="regulator", org=detail.org, sites=detail.sites,
        kind_labels=ORG_KIND_LABELS, site_kinds=SITE_KIND_LABELS, region_label=regions.region_name(detail.org.region_code),
        can_change=not me.is_member(detail.org.id),
        scans=await organisations.list_scans(db, actor=me, org_id=org_id),
    )


@get("/reviews")
async def reviews(request: Request[Any, Any, Any], db: Db) -> Template | Redirect:
    """The review queue: organisations of my regions awaiting their onboarding review, oldest first."""
    me = signed_in_regulator(request)
    total, items = await organisations.list_orgs_in_scope(db, actor=me, status="pending", limit=200)
    items.sort(key=lambda o: o.submitted_at or o.created_at)
    return render(request, "regulator/reviews.html", app="regulator", items=items, total=total,
                  kind_labels=ORG_KIND_LABELS)


router = Router(path="/regulator", route_handlers=[home, login, orgs, org_page, reviews], include_in_schema=False,
                exception_handlers=PAGE_ERRORS)
