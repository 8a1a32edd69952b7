"""Vetted onboarding (入驻审核): an organisation registered by anyone but the platform starts pending;
the regulator of its region (or a platform admin) reads its credit code, name, region and licence
scans and approves it, or refuses it with a reason the applicant reads, corrects and resubmits.

Until approved it prepares its data (sites, vehicles, staff, invitations) but does not transact:
contracts, pickup orders, dispatch and machine keys ask `check_transacting` and answer 409 org_pending.
Names are unique per region among active organisations: checked when registering and approving, and
held by a partial unique index (uq_organisations_active_name) against a race of two approvals.
"""

from __future__ import annotations

import asyncio
import uuid

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from backend import files
from backend.checks.regions import is_within
from backend.context import Context
from backend.db.base import utcnow
from backend.db.unit import savepoint
from backend.domain.audit import service as audit
from backend.domain.identity import service as identity
from backend.domain.identity.schemas import ADMIN_ROLES, Principal, Role
from backend.domain.notices import service as notices
from backend.domain.organisations import errors
from backend.domain.organisations.access import access_org
from backend.domain.organisations.models import Organisation, OrgScan
from backend.domain.organisations.schemas import UNREVIEWED, OrgBrief, OrgReview, OrgScanOut

MAX_SCAN_BYTES = 10 * 1024 * 1024


def check_transacting(org: OrgBrief | None, *, field: str | None = None) -> None:
    """Refuse (409 org_pending) what an organisation awaiting review may not do yet."""
    if org is not None and org.status in UNREVIEWED:
        raise errors.org_pending(field)


async def name_free(session: AsyncSession, *, region_code: str, name: str, own_id: uuid.UUID | None = None) -> None:
    query = select(Organisation.id).where(Organisation.region_code == region_code, Organisation.name == name,
                                          Organisation.status == "active")
    if own_id is not None:
        query = query.where(Organisation.id != own_id)
    if (await session.execute(query)).first() is not None:
        raise errors.name_taken()


def may_review(actor: Principal, org: Organisation) -> bool:
    """Platform admins, or a regulator whose scope holds the region (never a member judging itself)."""
    if actor.is_platform_admin:
        return True
    return not actor.is_member(org.id) and any(is_within(org.region_code, s) for s in actor.regulator_scopes)


async def review_org(session: AsyncSession, *, actor: Principal, org_id: uuid.UUID, data: OrgReview) -> Organisation:
    org = await access_org(session, actor, org_id)
    if not may_review(actor, org):
        raise errors.review_not_allowed()
    if org.status != "pending":
        raise errors.not_pending(org.status)
    reason = data.reason.strip()
    before = audit.snapshot(org)
    if data.decision == "refuse":
        if len(reason) < 2:
            raise errors.reason_required()
        org.status, org.status_reason = "refused", reason
    else:
        await name_free(session, region_code=org.region_code, name=org.name, own_id=org.id)
        org.status, org.status_reason = "active", reason or None
    org.reviewed_at, org.reviewed_by = utcnow(), actor.actor.label
    try:
        async with savepoint(session):
            await session.flush()
    except IntegrityError:  # another organisation of that name was approved a moment ago
        raise errors.name_taken() from None
    await audit.record(session, actor=actor.actor, action=f"org.review.{data.decision}", entity="organisation",
                       entity_id=org.id, before=before, after={**audit.snapshot(org), "reason": reason})
    await _tell_admins(session, org, approved=data.decision == "approve", reason=reason)
    return org


async def regulator_ids(session: AsyncSession, *, region_codes: list[str]) -> list[uuid.UUID]:
    """The regulators of the regulator organisations registered at exactly these region codes."""
    regulator_orgs = (await session.execute(select(Organisation.id).where(
        Organisation.kind == "regulator", Organisation.region_code.in_(sorted(set(region_codes)))))).scalars().all()
    users: set[uuid.UUID] = set()
    for regulator_org in regulator_orgs:
        users.update(await identity.member_ids(session, org_id=regulator_org, roles=frozenset({Role.REGULATOR})))
    return sorted(users)


async def tell_regulators(session: AsyncSession, org: Organisation) -> None:
    """The regulators whose scope holds the region hear that an organisation awaits their review."""
    ancestors = [org.region_code, org.region_code[:4] + "00", org.region_code[:2] + "0000"]
    for user_id in await regulator_ids(session, region_codes=ancestors):
        await notices.enqueue(session, user_id=user_id, kind="org_review_due", title_zh="新的入驻审核",
                              title_en="An organisation awaits review",
                              body_zh=f"「{org.name}」（{org.credit_code}）提交了入驻申请，请审核。",
                              body_en=f"'{org.name}' ({org.credit_code}) applied to join; please review it.",
                              data={"orgId": str(org.id), "url": f"/regulator/orgs/{org.id}#review"})


async def _tell_admins(session: AsyncSession, org: Organisation, *, approved: bool, reason: str) -> None:
    """The applicant's admins hear the verdict in their inbox (and why, when refused)."""
    if approved:
        zh, en = (f"「{org.name}」已通过入驻审核，可以开展业务。", f"'{org.name}' passed its review and may now transact.")
    else:
        zh, en = (f"「{org.name}」入驻审核未通过：{reason}。请修改资料后重新提交。",
                  f"'{org.name}' was refused: {reason}. Correct the data and resubmit.")
    for user_id in await identity.member_ids(session, org_id=org.id, roles=ADMIN_ROLES):
        await notices.enqueue(session, user_id=user_id, kind="org_reviewed", title_zh="入驻审核结果",
                              title_en="Onboarding review", body_zh=zh, body_en=en,
                              data={"orgId": str(org.id), "url": f"/enterprise/orgs/{org.id}"})


async def resubmit_org(session: AsyncSession, *, actor: Principal, org_id: uuid.UUID) -> Organisation:
    """A refused organisation, its data corrected, asks to be reviewed again."""
    org = await access_org(session, actor, org_id, admin=True)
    if org.status != "refused":
        raise errors.not_refused()
    before = audit.snapshot(org)
    org.status, org.submitted_at = "pending", utcnow()
    await session.flush()
    await audit.record(session, actor=actor.actor, action="org.resubmit", entity="organisation", entity_id=org.id,
                       before=before, after=audit.snapshot(org))
    await tell_regulators(session, org)
    return org


def _out(scan: OrgScan) -> OrgScanOut:
    return OrgScanOut(id=scan.id, sha256=scan.sha256, size_bytes=scan.size_bytes, media_type=scan.media_type,
                      title=scan.title, created_at=scan.created_at)


async def upload_scan(session: AsyncSession, *, ctx: Context, actor: Principal, org_id: uuid.UUID, data: bytes,
                      title: str = "") -> OrgScanOut:
    """A licence scan (PDF, JPEG or PNG by its magic number, ≤ 10 MB), lodged while pending or refused."""
    org = await access_org(session, actor, org_id, admin=True)
    if org.status not in UNREVIEWED and not actor.is_platform_admin:
        raise errors.not_pending(org.status)
    media_type = files.document_type(data)
    if media_type is None or len(data) > MAX_SCAN_BYTES:
        raise errors.scan_invalid()
    sha256 = await asyncio.to_thread(files.store(ctx.settings).put, data)
    scan = OrgScan(org_id=org.id, sha256=sha256, size_bytes=len(data), media_type=media_type,
                   title=" ".join(title.split())[:64])
    session.add(scan)
    await session.flush()
    await audit.record(session, actor=actor.actor, action="org.scan", entity="organisation", entity_id=org.id,
                       after={"sha256": sha256, "size_bytes": len(data), "media_type": media_type})
    return _out(scan)


async def list_scans(session: AsyncSession, *, actor: Principal, org_id: uuid.UUID) -> list[OrgScanOut]:
    org = await access_org(session, actor, org_id)
    rows = await session.execute(select(OrgScan).where(OrgScan.org_id == org.id).order_by(OrgScan.created_at))
    return [_out(s) for s in rows.scalars()]


async def scan_file(session: AsyncSession, *, ctx: Context, actor: Principal, org_id: uuid.UUID,
                    scan_id: uuid.UUID) -> tuple[str, OrgScanOut]:
    """(path on disk, the scan) for a reader of the organisation."""
    org = await access_org(session, actor, org_id)
    scan = await session.get(OrgScan, scan_id)
    store = files.store(ctx.settings)
    if scan is None or scan.org_id != org.id or not await asyncio.to_thread(store.exists, scan.sha256):
        raise errors.scan_not_found()
    return str(store.path(scan.sha256)), _out(scan)
