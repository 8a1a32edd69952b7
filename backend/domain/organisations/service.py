"""Register and maintain organisations; every change audited."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import ColumnElement, case, func, select, true
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from backend.checks.credit_code import check_credit_code
from backend.checks.errors import CheckFailed
from backend.checks.regions import is_within
from backend.db.base import utcnow
from backend.db.unit import savepoint
from backend.domain.audit import service as audit
from backend.domain.identity import service as identity
from backend.domain.identity.schemas import FLEET_ADMIN_ROLES, FLEET_READ_ROLES, Principal, Role
from backend.domain.organisations import errors
from backend.domain.organisations.access import access_org, can_read
from backend.domain.organisations.members import grantable, join, list_members, remove_member_role
from backend.domain.organisations.models import Organisation, OrgGroup
from backend.domain.organisations.review import (
    check_transacting,
    list_scans,
    name_free,
    regulator_ids,
    resubmit_org,
    review_org,
    scan_file,
    tell_regulators,
    upload_scan,
)
from backend.domain.organisations.schemas import (
    UNREVIEWED,
    OrgBrief,
    OrgCreate,
    OrgOut,
    OrgPick,
    OrgReview,
    OrgStatusChange,
    OrgUpdate,
)
from backend.domain.regions.service import region_name, require_region, within_scopes
from backend.errors import Invalid, forbidden

__all__ = ["active_carriers", "grantable", "join", "briefs", "change_status", "check_transacting", "counts_in_scope",
    "create_org", "get_org", "id_by_credit_code", "ids_named_like", "list_members", "list_orgs_in_scope", "list_scans",
    "org_names", "orgs_of_member", "regulator_ids", "remove_member_role", "require_fleet", "require_org", "resubmit", "review",
    "scan_file", "update_org", "upload_scan"]


_RESERVED_KINDS = {"regulator", "platform"}


async def _group_names(session: AsyncSession, ids: set[uuid.UUID]) -> dict[uuid.UUID, str]:
    if not ids:
        return {}
    rows = await session.execute(select(OrgGroup.id, OrgGroup.name).where(OrgGroup.id.in_(ids)))
    return {gid: name for gid, name in rows.all()}


def _out(org: Organisation, group_name: str | None) -> OrgOut:
    return OrgOut(
        id=org.id, name=org.name, kind=org.kind, credit_code=org.credit_code, region_code=org.region_code,
        region_name=region_name(org.region_code)[0], status=org.status, status_reason=org.status_reason,
        group_name=group_name, address=org.address, contact_name=org.contact_name,
        contact_phone=org.contact_phone, created_at=org.created_at, submitted_at=org.submitted_at,
        reviewed_at=org.reviewed_at,
    )


async def _group_id(session: AsyncSession, name: str | None) -> uuid.UUID | None:
    if not name or not name.strip():
        return None
    name = name.strip()
    group = (await session.execute(select(OrgGroup).where(OrgGroup.name == name))).scalar_one_or_none()
    if group is None:
        group = OrgGroup(name=name)
        session.add(group)
        await session.flush()
    return group.id


def _contact_phone(value: str) -> str:
    return identity.normalise_phone(value, field="contactPhone") if value.strip() else ""


def _credit_code(value: str) -> str:
    try:
        return check_credit_code(value)
    except CheckFailed as exc:
        raise Invalid(exc.code, exc.message_zh, exc.message_en, field="creditCode") from exc


async def create_org(session: AsyncSession, *, actor: Principal, data: OrgCreate, admin_role: str | None = None) -> OrgOut:
    """Register an organisation. A non-admin who registers one becomes its administrator, and the
    organisation waits for the review of its region's regulator (pending); the platform's own are active."""
    if data.kind in _RESERVED_KINDS and not actor.is_platform_admin:
        raise errors.kind_reserved()
    code = _credit_code(data.credit_code)
    region = require_region(data.region_code)
    if (await session.execute(select(Organisation.id).where(Organisation.credit_code == code))).first():
        raise errors.credit_code_taken()
    name = data.name.strip()
    await name_free(session, region_code=region, name=name)
    vetted = actor.is_platform_admin
    org = Organisation(
        name=name, kind=data.kind, credit_code=code, region_code=region, address=data.address.strip(),
        contact_name=data.contact_name.strip(), contact_phone=_contact_phone(data.contact_phone),
        group_id=await _group_id(session, data.group_name), status="active" if vetted else "pending",
        submitted_at=None if vetted else utcnow(),
    )
    session.add(org)
    try:
        async with savepoint(session):
            await session.flush()
    except IntegrityError as exc:  # a twin registered the same credit code (or active name) a moment ago
        raise errors.name_taken() if "credit_code" not in str(exc.orig) else errors.credit_code_taken() from None
    if not actor.is_platform_admin or admin_role:
        role = admin_role or (Role.CARRIER_ADMIN if data.kind == "carrier" else Role.ENTERPRISE_ADMIN)
        await identity.add_membership(session, user_id=actor.user_id, org_id=org.id, role=role)
    await audit.record(session, actor=actor.actor, action="org.create", entity="organisation", entity_id=org.id,
                       after=audit.snapshot(org))
    if not vetted:
        await tell_regulators(session, org)
    return _out(org, data.group_name)


async def update_org(session: AsyncSession, *, actor: Principal, org_id: uuid.UUID, data: OrgUpdate) -> OrgOut:
    org = await access_org(session, actor, org_id, admin=True)
    before = audit.snapshot(org)
    if data.name is not None and data.name.strip() != org.name:
        if org.status not in UNREVIEWED:
            await name_free(session, region_code=org.region_code, name=data.name.strip(), own_id=org.id)
        org.name = data.name.strip()
    if data.address is not None:
        org.address = data.address.strip()
    if data.contact_name is not None:
        org.contact_name = data.contact_name.strip()
    if data.contact_phone is not None:
        org.contact_phone = _contact_phone(data.contact_phone)
    if data.group_name is not None:
        org.group_id = await _group_id(session, data.group_name)
    try:
        async with savepoint(session):
            await session.flush()
    except IntegrityError:
        raise errors.name_taken() from None
    await audit.record(session, actor=actor.actor, action="org.update", entity="organisation", entity_id=org.id,
                       before=before, after=audit.snapshot(org))
    return _out(org, (await _group_names(session, {org.group_id} if org.group_id else set())).get(org.group_id))  # type: ignore[arg-type]


async def change_status(session: AsyncSession, *, actor: Principal, org_id: uuid.UUID, data: OrgStatusChange) -> OrgOut:
    """Suspend, blacklist or reinstate: platform admins, or regulators whose region holds the organisation."""
    org = await access_org(session, actor, org_id)
    if not (actor.is_platform_admin or (actor.regulator_scopes and can_read(actor, org) and not actor.is_member(org.id))):
        raise errors.status_not_allowed()
    if org.status in UNREVIEWED:  # approval is a review (name check, scans), not a reinstatement
        raise errors.review_first()
    before = audit.snapshot(org)
    org.status, org.status_reason = data.status, data.reason.strip()
    await session.flush()
    await audit.record(session, actor=actor.actor, action="org.status", entity="organisation", entity_id=org.id,
                       before=before, after=audit.snapshot(org))
    return await get_org(session, actor=actor, org_id=org_id)


async def review(session: AsyncSession, *, actor: Principal, org_id: uuid.UUID, data: OrgReview) -> OrgOut:
    await review_org(session, actor=actor, org_id=org_id, data=data)
    return await get_org(session, actor=actor, org_id=org_id)


async def resubmit(session: AsyncSession, *, actor: Principal, org_id: uuid.UUID) -> OrgOut:
    await resubmit_org(session, actor=actor, org_id=org_id)
    return await get_org(session, actor=actor, org_id=org_id)


async def get_org(session: AsyncSession, *, actor: Principal, org_id: uuid.UUID) -> OrgOut:
    org = await access_org(session, actor, org_id)
    groups = await _group_names(session, {org.group_id} if org.group_id else set())
    return _out(org, groups.get(org.group_id) if org.group_id else None)


async def briefs(session: AsyncSession, *, org_ids: set[uuid.UUID]) -> dict[uuid.UUID, OrgBrief]:
    if not org_ids:
        return {}
    rows = await session.execute(
        select(Organisation.id, Organisation.kind, Organisation.region_code, Organisation.status).where(
            Organisation.id.in_(org_ids)
        )
    )
    return {i: OrgBrief(id=i, kind=k, region_code=r, status=s) for i, k, r, s in rows.all()}


async def id_by_credit_code(session: AsyncSession, *, credit_code: str) -> uuid.UUID | None:
    row = (await session.execute(select(Organisation.id).where(Organisation.credit_code == credit_code))).first()
    return None if row is None else row[0]


async def require_org(session: AsyncSession, *, actor: Principal, org_id: uuid.UUID, admin: bool = False) -> OrgBrief:
    """The organisation after the access check: 404 when not visible, 403 when visible but admin asked."""
    org = await access_org(session, actor, org_id, admin=admin)
    return OrgBrief(id=org.id, kind=org.kind, region_code=org.region_code, status=org.status)


async def _outs(session: AsyncSession, rows: list[Organisation]) -> list[OrgOut]:
    groups = await _group_names(session, {o.group_id for o in rows if o.group_id})
    return [_out(o, groups.get(o.group_id) if o.group_id else None) for o in rows]


async def orgs_of_member(session: AsyncSession, *, actor: Principal) -> list[OrgOut]:
    query = select(Organisation).where(Organisation.id.in_(actor.org_ids())).order_by(Organisation.name)
    return await _outs(session, list((await session.execute(query)).scalars()))


def _scope_filter(actor: Principal) -> ColumnElement[bool]:
    return true() if actor.is_platform_admin else within_scopes(Organisation.region_code, actor.regulator_scopes)


async def list_orgs_in_scope(
    session: AsyncSession, *, actor: Principal, kind: str | None = None, region_code: str | None = None,
    status: str | None = None, q: str | None = None, offset: int = 0, limit: int = 50,
) -> tuple[int, list[OrgOut]]:
    """The regulator's register: only organisations inside its regions (its own memberships aside)."""
    query = select(Organisation).where(_scope_filter(actor))
    if kind:
        query = query.where(Organisation.kind == kind)
    if region_code:
        query = query.where(within_scopes(Organisation.region_code, (require_region(region_code, field="region_code"),)))
    if status:
        query = query.where(Organisation.status == status)
    if q and q.strip():
        term = q.strip()
        query = query.where(Organisation.name.contains(term, autoescape=True) | (Organisation.credit_code == term.upper()))
    total = (await session.execute(select(func.count()).select_from(query.subquery()))).scalar_one()
    rows = (await session.execute(query.order_by(Organisation.name, Organisation.id).offset(offset).limit(limit))).scalars()
    return total, await _outs(session, list(rows))


async def counts_in_scope(session: AsyncSession, *, actor: Principal) -> list[tuple[str, str, int]]:
    """(kind, status, count) of the organisations inside the caller's regulator scopes."""
    rows = await session.execute(
        select(Organisation.kind, Organisation.status, func.count())
        .where(_scope_filter(actor)).group_by(Organisation.kind, Organisation.status)
    )
    return [(kind, status, int(n)) for kind, status, n in rows.all()]


async def org_names(session: AsyncSession, *, org_ids: set[uuid.UUID]) -> dict[uuid.UUID, str]:
    if not org_ids:
        return {}
    rows = await session.execute(select(Organisation.id, Organisation.name).where(Organisation.id.in_(org_ids)))
    return {i: n for i, n in rows.all()}


async def ids_named_like(session: AsyncSession, *, name_part: str, limit: int = 500) -> list[uuid.UUID]:
    """Organisations whose name contains `name_part` (for other features' search boxes)."""
    rows = await session.execute(
        select(Organisation.id).where(Organisation.name.contains(name_part, autoescape=True)).limit(limit))
    return list(rows.scalars())


async def active_carriers(session: AsyncSession, *, q: str | None = None, limit: int = 20) -> list[OrgPick]:
    """The carrier directory an issuer names a carrier from: active carriers only (issuing refuses the
    others), by name; `q` matches part of the name or the start of the credit code, names that begin
    with it first."""
    query = select(Organisation).where(Organisation.kind == "carrier", Organisation.status == "active")
    order: list[Any] = [Organisation.name, Organisation.id]
    term = " ".join((q or "").split())
    if term:
        query = query.where(Organisation.name.icontains(term, autoescape=True)
                            | Organisation.credit_code.startswith(term.upper(), autoescape=True))
        order.insert(0, case((Organisation.name.istartswith(term, autoescape=True), 0), else_=1))
    rows = (await session.execute(query.order_by(*order).limit(limit))).scalars()
    return [
        OrgPick(id=o.id, name=o.name, credit_code=o.credit_code, region_code=o.region_code,
                region_name=region_name(o.region_code)[0], region_name_en=region_name(o.region_code)[1])
        for o in rows
    ]


async def require_fleet(session: AsyncSession, *, actor: Principal, org_id: uuid.UUID, admin: bool = False) -> OrgBrief:
    """A carrier's fleet (its drivers and vehicles): read by its admin and dispatchers, regulators of
    its region and the platform; changed by its admin and the platform. Other members of the carrier
    get 403; everyone else, and any organisation that is not a carrier, 404."""
    org = (await briefs(session, org_ids={org_id})).get(org_id)
    if org is None or org.kind != "carrier":
        raise errors.carrier_not_found()
    if actor.is_platform_admin or actor.is_member(org_id, FLEET_ADMIN_ROLES):
        return org
    readable = actor.is_member(org_id, FLEET_READ_ROLES) or any(
        is_within(org.region_code, scope) for scope in actor.regulator_scopes)
    if readable and not admin:
        return org
    if readable or actor.is_member(org_id):
        raise forbidden()
    raise errors.carrier_not_found()
