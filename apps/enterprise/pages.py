"""HTML pages of the enterprise app: my organisations, one organisation (profile, sites, staff,
machine keys), and a site (fence editor, gates, lanes, devices); the e-contract pages are in
contract_pages, the pickup-order pages (a carrier's dispatch) in order_pages."""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Request, Router, get
from litestar.params import FromPath
from litestar.response import Redirect, Template

from apps.enterprise import contract_pages, invoice_pages, order_pages, settlement_pages
from backend.domain.identity.schemas import (
    ADMIN_ROLES,
    CARRIER_STAFF,
    ENTERPRISE_ADMINS,
    ENTERPRISE_STAFF,
    ROLE_LABELS,
    Principal,
)
from backend.domain.invitations import service as invitations
from backend.domain.machines import service as machines
from backend.domain.organisations import service as organisations
from backend.domain.organisations.schemas import ORG_KIND_LABELS, OrgOut
from backend.domain.regions import service as regions
from backend.domain.sites import service as sites
from backend.domain.sites.schemas import SITE_KIND_LABELS
from backend.http.deps import Db
from backend.http.pages import PAGE_ERRORS, login_page, page_user, principal, render

# Kinds a person may register (regulators and the platform are created by the platform).
OPEN_KINDS = ("mine", "washing_plant", "loading_station", "trader", "carrier", "consumer_power", "consumer_coke",
              "consumer_chemical")
SERVED_CITIES = ("150600", "150300")
# Where the fence drawing grid starts: the seat of each district (the user moves it anyway).
DISTRICT_CENTRES: dict[str, tuple[float, float]] = {
    "150602": (109.963, 39.817), "150603": (109.787, 39.608), "150621": (110.040, 40.404),
    "150622": (111.240, 39.865), "150623": (107.477, 38.183), "150624": (107.982, 39.089),
    "150625": (108.736, 39.833), "150626": (108.842, 38.591), "150627": (109.744, 39.565),
    "150302": (106.822, 39.690), "150303": (106.891, 39.441), "150304": (106.721, 39.505),
}
DIRECTIONS = ("in", "out", "both")
DEVICE_KINDS = ("camera", "weighbridge", "barrier", "io_module", "led", "speaker", "edge_agent", "qr_scanner",
                "belt_scale", "rail_scale", "lane_controller")


def staff_roles(kind: str) -> list[tuple[str, tuple[str, str]]]:
    roles = CARRIER_STAFF if kind == "carrier" else ENTERPRISE_STAFF
    return [(r, ROLE_LABELS[r]) for r in roles]


def is_admin(me: Principal, org_id: FromPath[uuid.UUID]) -> bool:
    return me.is_platform_admin or me.is_member(org_id, ADMIN_ROLES)


def is_site_admin(me: Principal, org_id: FromPath[uuid.UUID]) -> bool:
    return me.is_platform_admin or me.is_member(org_id, ENTERPRISE_ADMINS)


async def region_choices(db: Db) -> list[tuple[tuple[str, str], list[Any]]]:
    return [(regions.region_name(code), await regions.list_regions(db, parent_code=code)) for code in SERVED_CITIES]


def centre_of(region_code: str) -> tuple[float, float]:
    return DISTRICT_CENTRES.get(region_code, DISTRICT_CENTRES["150602"])


@get("/")
async def home() -> Redirect:
    return Redirect("/enterprise/orgs", status_code=302)


@get("/login")
async def login(request: Request[Any, Any, Any]) -> Template | Redirect:
    me = principal(request)
    return login_page(request, "enterprise", allowed=me is not None and me.is_staff)


@get("/orgs")
async def my_orgs(request: Request[Any, Any, Any], db: Db) -> Template | Redirect:
    me = page_user(request, "enterprise")
    orgs = await organisations.orgs_of_member(db, actor=me)
    kinds = [(k, ORG_KIND_LABELS[k]) for k in OPEN_KINDS]
    return render(request, "enterprise/orgs.html", app="enterprise", orgs=orgs, kinds=kinds,
                  kind_labels=ORG_KIND_LABELS, cities=await region_choices(db))


@get("/orgs/{org_id:uuid}")
async def org_page(request: Request[Any, Any, Any], db: Db, org_id: FromPath[uuid.UUID]) -> Template | Redirect:
    me = page_user(request, "enterprise")
    org: OrgOut = await organisations.get_org(db, actor=me, org_id=org_id)
    admin = is_admin(me, org.id)
    return render(
        request, "enterprise/org.html", app="enterprise", org=org, admin=admin,
        site_admin=is_site_admin(me, org.id), kind_labels=ORG_KIND_LABELS, site_kinds=SITE_KIND_LABELS,
        region_label=regions.region_name(org.region_code),
        sites=await sites.list_org_sites(db, actor=me, org_id=org.id),
        users=await organisations.list_members(db, actor=me, org_id=org.id) if admin else [],
        keys=await machines.list_keys(db, actor=me, org_id=org.id) if admin else [],
        sent=await invitations.list_sent(db, actor=me, org_id=org.id) if admin else [],
        scans=await organisations.list_scans(db, actor=me, org_id=org.id) if admin else [],
        roles=staff_roles(org.kind), role_labels=ROLE_LABELS,
    )


@get("/orgs/{org_id:uuid}/sites/new")
async def new_site(request: Request[Any, Any, Any], db: Db, org_id: FromPath[uuid.UUID]) -> Template | Redirect:
    me = page_user(request, "enterprise")
    org = await organisations.get_org(db, actor=me, org_id=org_id)
    return render(request, "enterprise/site_new.html", app="enterprise", org=org, centre=centre_of(org.region_code),
                  site_kinds=list(SITE_KIND_LABELS.items()), cities=await region_choices(db))


@get("/sites/{site_id:uuid}")
async def site_page(request: Request[Any, Any, Any], db: Db, site_id: FromPath[uuid.UUID]) -> Template | Redirect:
    me = page_user(request, "enterprise")
    site = await sites.get_site(db, actor=me, site_id=site_id)
    org = await organisations.get_org(db, actor=me, org_id=site.org_id)
    return render(
        request, "enterprise/site.html", app="enterprise", site=site, org=org, admin=is_site_admin(me, site.org_id),
        site_kinds=list(SITE_KIND_LABELS.items()), site_kind_labels=SITE_KIND_LABELS,
        centre=(site.centroid_lon, site.centroid_lat),
        gate_points=[(g.lon, g.lat, g.name, g.designated) for g in site.gates if g.lon is not None and g.lat is not None],
        directions_options=[(d, f"dir.{d}") for d in DIRECTIONS],
        device_kind_options=[(k, f"device.kind.{k}") for k in DEVICE_KINDS],
        gate_options=[(g.id, g.name) for g in site.gates], lane_options=[(lane.id, lane.name) for lane in site.lanes],
        gate_names={g.id: g.name for g in site.gates}, lane_names={lane.id: lane.name for lane in site.lanes},
    )


router = Router(
    path="/enterprise", route_handlers=[home, login, my_orgs, org_page, new_site, site_page, *contract_pages.ROUTES,
                     *order_pages.ROUTES, *settlement_pages.ROUTES, *invoice_pages.ROUTES],
    include_in_schema=False, exception_handlers=PAGE_ERRORS,
)
