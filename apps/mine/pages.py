"""HTML pages of the mine app: the site overview (fence, gates, lanes, devices online or not)."""

from __future__ import annotations

from typing import Any

from litestar import Request, Router, get
from litestar.response import Redirect, Template

from backend.domain.identity.schemas import ENTERPRISE_ROLES, Principal
from backend.domain.organisations import service as organisations
from backend.domain.sites import overview
from backend.domain.sites.schemas import SITE_KIND_LABELS
from backend.http.deps import Db
from backend.http.pages import PAGE_ERRORS, login_page, login_redirect, no_access, principal, render


def is_mine_staff(me: Principal | None) -> bool:
    return me is not None and (me.is_platform_admin or bool(me.roles & ENTERPRISE_ROLES))


@get("/")
async def home() -> Redirect:
    return Redirect("/mine/sites", status_code=302)


@get("/login")
async def login(request: Request[Any, Any, Any]) -> Template | Redirect:
    return login_page(request, "mine", allowed=is_mine_staff(principal(request)))


@get("/sites")
async def sites(request: Request[Any, Any, Any], db: Db) -> Template | Redirect:
    me = principal(request)
    if me is None:
        return login_redirect(request, "mine")
    if not is_mine_staff(me):
        return no_access(request, "mine")
    items = await overview.my_sites(db, actor=me)
    names = await organisations.org_names(db, org_ids={s.org_id for s in items})
    devices = [d for s in items for d in s.devices]
    return render(
        request, "mine/sites.html", app="mine", sites=items, org_names=names, site_kinds=SITE_KIND_LABELS,
        devices_total=len(devices), devices_online=sum(1 for d in devices if d.online),
        points={s.id: [(g.lon, g.lat, g.name, g.designated) for g in s.gates if g.lon is not None and g.lat is not None]
                for s in items},
    )


router = Router(path="/mine", route_handlers=[home, login, sites], include_in_schema=False,
                exception_handlers=PAGE_ERRORS)
