"""HTML pages of the mine app: the site overview (fence, gates, lanes, devices online or not), issuing
pickup orders (开单), the dispatch board (派车), a site's queue board (排队叫号) and the guard's
pass check (人工验码).

The pages render what the reader may see; every change goes through the JSON API (apps/mine/orders.py
and queue.py) from small scripts, so the rules and their refusals live in one place.
"""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Request, Router, get
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from backend.domain.contracts import service as contracts
from backend.domain.contracts.schemas import PRODUCT_LABELS
from backend.domain.identity.schemas import ENTERPRISE_ROLES, ISSUERS, Principal
from backend.domain.orders import service as orders
from backend.domain.orders.schemas import OPEN_STATUSES, OrderOut
from backend.domain.organisations import service as organisations
from backend.domain.organisations.schemas import UNREVIEWED, OrgOut
from backend.domain.sites import service as overview
from backend.domain.sites.schemas import SITE_KIND_LABELS, SiteDetailOut
from backend.errors import NotFound
from backend.http.deps import Db, Search
from backend.http.pages import (
    PAGE_ERRORS,
    login_page,
    page_user,
    principal,
    render,
)


def is_mine_staff(me: Principal | None) -> bool:
    return me is not None and (me.is_platform_admin or bool(me.roles & ENTERPRISE_ROLES))


def signed_in_staff(request: Request[Any, Any, Any]) -> Principal:
    """The signed-in mine staff member; anyone else gets the login or no-access page (page_user)."""
    return page_user(request, "mine", is_mine_staff)


@get("/")
async def home() -> Redirect:
    return Redirect("/mine/sites", status_code=302)


@get("/login")
async def login(request: Request[Any, Any, Any]) -> Template | Redirect:
    return login_page(request, "mine", allowed=is_mine_staff(principal(request)))


@get("/sites")
async def sites(request: Request[Any, Any, Any], db: Db) -> Template | Redirect:
    me = signed_in_staff(request)
    items = await overview.my_sites(db, actor=me)
    names = await organisations.org_names(db, org_ids={s.org_id for s in items})
    devices = [d for s in items for d in s.devices]
    return render(
        request, "mine/sites.html", app="mine", sites=items, org_names=names, site_kinds=SITE_KIND_LABELS,
        devices_total=len(devices), devices_online=sum(1 for d in devices if d.online),
        unreviewed=await _unreviewed(db, me),
        points={s.id: [(g.lon, g.lat, g.name, g.designated) for g in s.gates if g.lon is not None and g.lat is not None]
                for s in items},
    )


@get("/orders/new")
async def issue_page(request: Request[Any, Any, Any], db: Db,
                     contract_id: FromQuery[uuid.UUID | None] = None) -> Template | Redirect:
    me = signed_in_staff(request)
    active = await contracts.list_contracts(db, actor=me, role="seller", status="active", limit=100)
    my_sites = [s for s in await overview.my_sites(db, actor=me) if s.status == "active"]
    # The carrier is searched in the directory (GET /api/mine/carriers) by the form's script.
    can_issue = me.is_platform_admin or bool(me.roles & ISSUERS)
    return render(request, "mine/order_new.html", app="mine", contracts=active.items, sites=my_sites,
                  chosen=str(contract_id or ""), can_issue=can_issue, unreviewed=await _unreviewed(db, me))


async def _unreviewed(db: Db, me: Principal) -> list[OrgOut]:
    """My organisations awaiting review (or refused): the page says so instead of a refusal later."""
    return [o for o in await organisations.orgs_of_member(db, actor=me) if o.status in UNREVIEWED]


def _groups(items: list[OrderOut]) -> list[tuple[str, list[OrderOut]]]:
    return [(status, [o for o in items if o.status == status]) for status in OPEN_STATUSES]


@get("/orders")
async def board(
    request: Request[Any, Any, Any], db: Db, q: Search = None, site_id: FromQuery[uuid.UUID | None] = None,
    issued: FromQuery[int | None] = None,
) -> Template | Redirect:
    me = signed_in_staff(request)
    page = await orders.list_orders(db, actor=me, open_only=True, q=q, site_id=site_id, limit=200)
    my_sites = await overview.my_sites(db, actor=me)
    return render(request, "mine/orders.html", app="mine", groups=_groups(page.items), total=page.total,
                  shown=len(page.items), q=q or "", site_id=str(site_id or ""), sites=my_sites, issued=issued)


async def my_site(db: Db, me: Principal, site_id: uuid.UUID) -> SiteDetailOut:
    site = next((s for s in await overview.my_sites(db, actor=me) if s.id == site_id), None)
    if site is None:
        raise NotFound("场地", "site")
    return site


@get("/queue")
async def queue_sites(request: Request[Any, Any, Any], db: Db) -> Template | Redirect:
    """叫号 in the navigation: straight to the board when there is one site, else a choice."""
    me = signed_in_staff(request)
    items = [s for s in await overview.my_sites(db, actor=me) if s.status == "active"]
    if len(items) == 1:
        return Redirect(f"/mine/sites/{items[0].id}/queue", status_code=302)
    return render(request, "mine/queue_sites.html", app="mine", sites=items)


@get("/sites/{site_id:uuid}/queue")
async def queue_board(request: Request[Any, Any, Any], db: Db,
                      site_id: FromPath[uuid.UUID]) -> Template | Redirect:
    me = signed_in_staff(request)
    site = await my_site(db, me, site_id)
    return render(request, "mine/queue.html", app="mine", site=site, products=PRODUCT_LABELS)


@get("/gate")
async def gate_check(request: Request[Any, Any, Any], db: Db) -> Template | Redirect:
    """人工门岗: a guard checks passes by hand (phone camera or scanner); the API decides."""
    me = signed_in_staff(request)
    active = [s for s in await overview.my_sites(db, actor=me) if s.status == "active"]
    return render(request, "mine/gate.html", app="mine", sites=active)


router = Router(path="/mine", include_in_schema=False, exception_handlers=PAGE_ERRORS,
                route_handlers=[home, login, sites, issue_page, board, queue_sites, queue_board, gate_check])
