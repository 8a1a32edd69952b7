"""JSON API of the enterprise app: the organisation's registry — itself, its sites and equipment, its staff.

Signed-in callers only; the services decide row by row (404 for rows the caller may not see,
403 for rows it may see but not change).

    GET    /api/enterprise/orgs                                    organisations I am a member of
    POST   /api/enterprise/orgs                                    register one (I become its admin; pending review)
    POST   /api/enterprise/orgs/{org_id}/resubmit                  a refused organisation asks for review again
    PUT    /api/enterprise/orgs/{org_id}/scans?title=              a licence scan: raw PDF/JPEG/PNG bytes, ≤ 10 MB
    GET    /api/enterprise/orgs/{org_id}/scans                     the scans lodged
    GET    /api/enterprise/orgs/{org_id}/scans/{scan_id}           one scan's bytes
    GET    /api/enterprise/orgs/{org_id}                           one organisation
    PATCH  /api/enterprise/orgs/{org_id}                           change name, address, contact, group
    GET    /api/enterprise/orgs/{org_id}/sites                     its sites
    POST   /api/enterprise/orgs/{org_id}/sites                     register a site (fence, check-in zone)
    GET    /api/enterprise/sites/{site_id}                         a site with gates, lanes, devices
    PATCH  /api/enterprise/sites/{site_id}                         change a site
    POST   /api/enterprise/sites/{site_id}/gates                   add a gate
    POST   /api/enterprise/sites/{site_id}/lanes                   add a lane
    POST   /api/enterprise/sites/{site_id}/devices                 register a device
    DELETE /api/enterprise/sites/{site_id}/devices/{device_id}     retire a device
    GET    /api/enterprise/orgs/{org_id}/users                     staff and their roles (admins)
    GET    /api/enterprise/orgs/{org_id}/invitations               invitations sent (admins)
    POST   /api/enterprise/orgs/{org_id}/users                     invite a person to a role (admins): an invitation
    POST   /api/enterprise/invitations/{invitation_id}/cancel      withdraw a pending invitation (admins)
    DELETE /api/enterprise/orgs/{org_id}/users/{user_id}/roles/{role}   revoke a role (admins; keeps one admin)
    GET    /api/enterprise/orgs/{org_id}/audit                     the trail of the org and its sites (admins)
"""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from litestar import Request, Router, delete, get, patch, post, put
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter
from litestar.response import File

from backend.domain.audit.schemas import AuditOut
from backend.domain.identity.schemas import UserOut
from backend.domain.invitations import service as invitations
from backend.domain.invitations.schemas import InvitationOut, MemberInvite
from backend.domain.organisations import service as organisations
from backend.domain.organisations.schemas import OrgCreate, OrgOut, OrgScanOut, OrgUpdate
from backend.domain.sites import service as sites
from backend.domain.sites.schemas import (
    DeviceCreate,
    DeviceOut,
    GateCreate,
    GateOut,
    LaneCreate,
    LaneOut,
    SiteCreate,
    SiteDetailOut,
    SiteOut,
    SiteUpdate,
)
from backend.http.auth import recent_step_up, signed_in
from backend.http.deps import Ctx, Db, Me
from backend.http.stored import stored_file


@get("/orgs")
async def my_orgs(me: Me, db: Db) -> list[OrgOut]:
    return await organisations.orgs_of_member(db, actor=me)


@post("/orgs")
async def register_org(me: Me, db: Db, data: JSONBody[OrgCreate]) -> OrgOut:
    return await organisations.create_org(db, actor=me, data=data)


@get("/orgs/{org_id:uuid}")
async def get_org(me: Me, db: Db, org_id: FromPath[uuid.UUID]) -> OrgOut:
    return await organisations.get_org(db, actor=me, org_id=org_id)


@patch("/orgs/{org_id:uuid}")
async def update_org(me: Me, db: Db, org_id: FromPath[uuid.UUID], data: JSONBody[OrgUpdate]) -> OrgOut:
    return await organisations.update_org(db, actor=me, org_id=org_id, data=data)


@post("/orgs/{org_id:uuid}/resubmit", status_code=200, summary="A refused organisation, corrected, asks for review again")
async def resubmit_org(me: Me, db: Db, org_id: FromPath[uuid.UUID]) -> OrgOut:
    return await organisations.resubmit(db, actor=me, org_id=org_id)


@put("/orgs/{org_id:uuid}/scans", status_code=201,
     summary="A licence scan for the review: the raw PDF, JPEG or PNG bytes as the body, at most 10 MB")
async def upload_scan(me: Me, db: Db, ctx: Ctx, org_id: FromPath[uuid.UUID], request: Request[Any, Any, Any],
                      title: Annotated[str, QueryParameter(max_length=64, pattern=r"^[^\x00-\x1f\x7f]*$")] = "") -> OrgScanOut:
    return await organisations.upload_scan(db, ctx=ctx, actor=me, org_id=org_id, data=await request.body(), title=title)


@get("/orgs/{org_id:uuid}/scans")
async def list_scans(me: Me, db: Db, org_id: FromPath[uuid.UUID]) -> list[OrgScanOut]:
    return await organisations.list_scans(db, actor=me, org_id=org_id)


@get("/orgs/{org_id:uuid}/scans/{scan_id:uuid}", summary="One licence scan's bytes")
async def scan_file(me: Me, db: Db, ctx: Ctx, org_id: FromPath[uuid.UUID], scan_id: FromPath[uuid.UUID]) -> File:
    path, scan = await organisations.scan_file(db, ctx=ctx, actor=me, org_id=org_id, scan_id=scan_id)
    return stored_file(path, media_type=scan.media_type, sha256=scan.sha256)


@get("/orgs/{org_id:uuid}/sites")
async def org_sites(me: Me, db: Db, org_id: FromPath[uuid.UUID]) -> list[SiteOut]:
    return await sites.list_org_sites(db, actor=me, org_id=org_id)


@post("/orgs/{org_id:uuid}/sites")
async def create_site(
    me: Me, db: Db, ctx: Ctx, org_id: FromPath[uuid.UUID], data: JSONBody[SiteCreate]
) -> SiteDetailOut:
    return await sites.create_site(db, actor=me, org_id=org_id, data=data, redis=ctx.redis)


@get("/sites/{site_id:uuid}")
async def get_site(me: Me, db: Db, site_id: FromPath[uuid.UUID]) -> SiteDetailOut:
    return await sites.get_site(db, actor=me, site_id=site_id)


@patch("/sites/{site_id:uuid}")
async def update_site(
    me: Me, db: Db, ctx: Ctx, site_id: FromPath[uuid.UUID], data: JSONBody[SiteUpdate]
) -> SiteDetailOut:
    return await sites.update_site(db, redis=ctx.redis, actor=me, site_id=site_id, data=data)


@post("/sites/{site_id:uuid}/gates")
async def add_gate(me: Me, db: Db, ctx: Ctx, site_id: FromPath[uuid.UUID], data: JSONBody[GateCreate]) -> GateOut:
    return await sites.add_gate(db, actor=me, site_id=site_id, data=data, redis=ctx.redis)


@post("/sites/{site_id:uuid}/lanes")
async def add_lane(me: Me, db: Db, site_id: FromPath[uuid.UUID], data: JSONBody[LaneCreate]) -> LaneOut:
    return await sites.add_lane(db, actor=me, site_id=site_id, data=data)


@post("/sites/{site_id:uuid}/devices")
async def add_device(me: Me, db: Db, site_id: FromPath[uuid.UUID], data: JSONBody[DeviceCreate]) -> DeviceOut:
    return await sites.add_device(db, actor=me, site_id=site_id, data=data)


@delete("/sites/{site_id:uuid}/devices/{device_id:uuid}")
async def retire_device(me: Me, db: Db, site_id: FromPath[uuid.UUID], device_id: FromPath[uuid.UUID]) -> None:
    await sites.retire_device(db, actor=me, site_id=site_id, device_id=device_id)


@get("/orgs/{org_id:uuid}/users")
async def org_users(me: Me, db: Db, org_id: FromPath[uuid.UUID]) -> list[UserOut]:
    return await organisations.list_members(db, actor=me, org_id=org_id)


@post("/orgs/{org_id:uuid}/users", status_code=201, guards=[recent_step_up],  # a role grant: TOTP again
      summary="Invite a person (by phone) to a role: a membership only once they accept")
async def add_org_user(me: Me, db: Db, ctx: Ctx, org_id: FromPath[uuid.UUID], data: JSONBody[MemberInvite]) -> InvitationOut:
    return await invitations.invite_member(db, ctx=ctx, actor=me, org_id=org_id, data=data)


@get("/orgs/{org_id:uuid}/invitations")
async def org_invitations(me: Me, db: Db, org_id: FromPath[uuid.UUID], kind: FromQuery[str | None] = None) -> list[InvitationOut]:
    return await invitations.list_sent(db, actor=me, org_id=org_id, kind=kind)


@post("/invitations/{invitation_id:uuid}/cancel", status_code=200)
async def cancel_invitation(me: Me, db: Db, invitation_id: FromPath[uuid.UUID]) -> InvitationOut:
    return await invitations.cancel(db, actor=me, invitation_id=invitation_id)


@delete("/orgs/{org_id:uuid}/users/{user_id:uuid}/roles/{role:str}")
async def revoke_role(me: Me, db: Db, org_id: FromPath[uuid.UUID], user_id: FromPath[uuid.UUID], role: FromPath[str]) -> None:
    await organisations.remove_member_role(db, actor=me, org_id=org_id, user_id=user_id, role=role)


@get("/orgs/{org_id:uuid}/audit")
async def org_audit(
    me: Me, db: Db, org_id: FromPath[uuid.UUID], limit: Annotated[int, QueryParameter(ge=1, le=500)] = 100
) -> list[AuditOut]:
    return await sites.org_audit(db, actor=me, org_id=org_id, limit=limit)


router = Router(
    path="/api/enterprise",
    route_handlers=[
        my_orgs, register_org, get_org, update_org, org_sites, create_site, get_site, update_site,
        add_gate, add_lane, add_device, retire_device, org_users, add_org_user, revoke_role, org_audit,
        resubmit_org, upload_scan, list_scans, scan_file, org_invitations, cancel_invitation,
    ],
    guards=[signed_in],
    tags=["enterprise"],
)
