"""JSON API of the regulator app: the register of organisations and sites inside the caller's regions.

Regulators only (platform admins pass too). Read-only, except an organisation's or a driver's status,
which asks for the TOTP code again (step-up, backend/http/auth.py recent_step_up).

    GET  /api/regulator/orgs                     organisations in my regions
                                                 (kind, status, q, region_code, offset, limit → a page)
    GET  /api/regulator/orgs/{org_id}            one organisation with its sites
    POST /api/regulator/orgs/{org_id}/status     suspend, blacklist or reinstate {status, reason}
    POST /api/regulator/orgs/{org_id}/review     approve or refuse a pending organisation {decision, reason}
    GET  /api/regulator/orgs/{org_id}/scans      its licence scans; .../scans/{scan_id} one scan's bytes
    GET  /api/regulator/sites                    sites in my regions with their fences, for the map
                                                 (kind, region_code, org_id)
    GET  /api/regulator/summary                  counts of organisations by kind and status, sites, devices
    GET  /api/regulator/drivers/{driver_id}      a driver registered in my regions (ID number masked)
    POST /api/regulator/drivers/{driver_id}/status  blacklist (失信黑名单) or reinstate {status, reason}
"""

from __future__ import annotations

import uuid
from typing import Annotated

from litestar import Router, get, post
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter
from litestar.response import File

from backend.domain.drivers import service as drivers
from backend.domain.drivers.schemas import DriverOut, DriverStatusChange
from backend.domain.identity.schemas import Role
from backend.domain.organisations import service as organisations
from backend.domain.organisations.schemas import (
    AnyOrgStatus,
    OrgKind,
    OrgOut,
    OrgReview,
    OrgScanOut,
    OrgStatusChange,
)
from backend.domain.sites import service as sites
from backend.domain.sites.schemas import OrgWithSites, RegulatorSummary, SiteKind, SiteMapOut
from backend.http.auth import any_role, recent_step_up
from backend.http.deps import Ctx, Db, Limit, Me, Offset
from backend.http.stored import stored_file
from backend.structs import Page


class OrgPage(Page):
    items: list[OrgOut]


@get("/orgs")
async def list_orgs(
    me: Me, db: Db,
    kind: FromQuery[OrgKind | None] = None,
    status: FromQuery[AnyOrgStatus | None] = None,
    q: Annotated[str | None, QueryParameter(max_length=64, pattern=r"^[^\x00-\x1f\x7f]*$")] = None,
    region_code: FromQuery[str | None] = None,
    offset: FromQuery[Offset] = 0,
    limit: FromQuery[Limit] = 50,
) -> OrgPage:
    total, items = await organisations.list_orgs_in_scope(
        db, actor=me, kind=kind, status=status, q=q, region_code=region_code, offset=offset, limit=limit
    )
    return OrgPage(total=total, offset=offset, limit=limit, items=items)


@get("/orgs/{org_id:uuid}")
async def get_org(me: Me, db: Db, org_id: FromPath[uuid.UUID]) -> OrgWithSites:
    return await sites.org_with_sites(db, actor=me, org_id=org_id)


@post("/orgs/{org_id:uuid}/status", status_code=200, guards=[recent_step_up])
async def change_status(me: Me, db: Db, org_id: FromPath[uuid.UUID], data: JSONBody[OrgStatusChange]) -> OrgOut:
    return await organisations.change_status(db, actor=me, org_id=org_id, data=data)


@post("/orgs/{org_id:uuid}/review", status_code=200, summary="Approve or refuse (with a reason) a pending organisation")
async def review_org(me: Me, db: Db, org_id: FromPath[uuid.UUID], data: JSONBody[OrgReview]) -> OrgOut:
    return await organisations.review(db, actor=me, org_id=org_id, data=data)


@get("/orgs/{org_id:uuid}/scans")
async def org_scans(me: Me, db: Db, org_id: FromPath[uuid.UUID]) -> list[OrgScanOut]:
    return await organisations.list_scans(db, actor=me, org_id=org_id)


@get("/orgs/{org_id:uuid}/scans/{scan_id:uuid}", summary="One licence scan's bytes")
async def scan_file(me: Me, db: Db, ctx: Ctx, org_id: FromPath[uuid.UUID], scan_id: FromPath[uuid.UUID]) -> File:
    path, scan = await organisations.scan_file(db, ctx=ctx, actor=me, org_id=org_id, scan_id=scan_id)
    return stored_file(path, media_type=scan.media_type, sha256=scan.sha256)


@get("/sites")
async def map_sites(
    me: Me, db: Db,
    kind: FromQuery[SiteKind | None] = None,
    region_code: FromQuery[str | None] = None,
    org_id: FromQuery[uuid.UUID | None] = None,
) -> list[SiteMapOut]:
    return await sites.regulator_sites(db, actor=me, kind=kind, region_code=region_code, org_id=org_id)


@get("/summary")
async def summary(me: Me, db: Db) -> RegulatorSummary:
    return await sites.regulator_summary(db, actor=me)


@get("/drivers/{driver_id:uuid}")
async def get_driver(me: Me, db: Db, ctx: Ctx, driver_id: FromPath[uuid.UUID]) -> DriverOut:
    return await drivers.get_driver(db, ctx=ctx, actor=me, driver_id=driver_id)


@post("/drivers/{driver_id:uuid}/status", status_code=200, guards=[recent_step_up])
async def change_driver_status(me: Me, db: Db, ctx: Ctx, driver_id: FromPath[uuid.UUID], data: JSONBody[DriverStatusChange]) -> DriverOut:
    return await drivers.change_status(db, ctx=ctx, actor=me, driver_id=driver_id, data=data)


router = Router(
    path="/api/regulator",
    route_handlers=[list_orgs, get_org, change_status, review_org, org_scans, scan_file, map_sites, summary, get_driver, change_driver_status],
    guards=[any_role(Role.REGULATOR)],
    tags=["regulator"],
)
