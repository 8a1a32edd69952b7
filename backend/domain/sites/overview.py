"""Read-only views across sites: the mine app's overview, the regulator's map and summary, an
organisation with its sites, and an organisation's audit trail."""

from __future__ import annotations

import uuid
from collections import Counter
from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.db.base import utcnow
from backend.domain.audit import service as audit
from backend.domain.audit.schemas import AuditOut
from backend.domain.identity.schemas import ENTERPRISE_ROLES, Principal
from backend.domain.organisations import service as organisations
from backend.domain.regions.service import require_region, within_scopes
from backend.domain.sites import views
from backend.domain.sites.access import readable_filter, scope_filter
from backend.domain.sites.models import Device, Site
from backend.domain.sites.schemas import (
    ONLINE_WINDOW_S,
    OrgWithSites,
    RegulatorSummary,
    SiteDetailOut,
    SiteMapOut,
)


async def my_sites(session: AsyncSession, *, actor: Principal) -> list[SiteDetailOut]:
    """The sites of the organisations where the caller is enterprise staff, with their equipment."""
    org_ids = actor.org_ids(ENTERPRISE_ROLES)
    if not org_ids:
        return []
    query = select(Site).where(Site.org_id.in_(org_ids)).order_by(Site.name, Site.id)
    return await views.details(session, list((await session.execute(query)).scalars()))


async def regulator_sites(
    session: AsyncSession, *, actor: Principal, kind: str | None = None, region_code: str | None = None,
    org_id: uuid.UUID | None = None,
) -> list[SiteMapOut]:
    """Every site inside the caller's regions, fence included, for the map."""
    query = select(Site).where(scope_filter(actor))
    if kind:
        query = query.where(Site.kind == kind)
    if region_code:
        query = query.where(within_scopes(Site.region_code, (require_region(region_code, field="region_code"),)))
    if org_id:
        query = query.where(Site.org_id == org_id)
    sites = list((await session.execute(query.order_by(Site.name, Site.id))).scalars())
    names = await organisations.org_names(session, org_ids={s.org_id for s in sites})
    return [views.site_map_out(s, names.get(s.org_id, "")) for s in sites]


async def regulator_summary(session: AsyncSession, *, actor: Principal) -> RegulatorSummary:
    org_counts = await organisations.counts_in_scope(session, actor=actor)
    by_kind: Counter[str] = Counter()
    by_status: Counter[str] = Counter()
    for kind, status, n in org_counts:
        by_kind[kind] += n
        by_status[status] += n
    site_rows = await session.execute(
        select(Site.kind, func.count()).where(scope_filter(actor)).group_by(Site.kind)
    )
    sites_by_kind = {kind: int(n) for kind, n in site_rows.all()}
    since = utcnow() - timedelta(seconds=ONLINE_WINDOW_S)
    devices_total, devices_online = (
        await session.execute(
            select(func.count(), func.count().filter(Device.last_seen_at >= since))
            .select_from(Device).join(Site, Site.id == Device.site_id)
            .where(scope_filter(actor), Device.status == "active")
        )
    ).one()
    return RegulatorSummary(
        orgs_total=sum(by_kind.values()), orgs_by_kind=dict(by_kind), orgs_by_status=dict(by_status),
        sites_total=sum(sites_by_kind.values()), sites_by_kind=sites_by_kind, devices_total=int(devices_total),
        devices_online=int(devices_online),
    )


async def org_with_sites(session: AsyncSession, *, actor: Principal, org_id: uuid.UUID) -> OrgWithSites:
    org = await organisations.get_org(session, actor=actor, org_id=org_id)
    query = select(Site).where(Site.org_id == org.id, readable_filter(actor)).order_by(Site.name)
    return OrgWithSites(org=org, sites=[views.site_out(s) for s in (await session.execute(query)).scalars()])


async def org_audit(session: AsyncSession, *, actor: Principal, org_id: uuid.UUID, limit: int = 100) -> list[AuditOut]:
    """The organisation's trail and its sites' (equipment included), newest first. Admins only."""
    org = await organisations.require_org(session, actor=actor, org_id=org_id, admin=True)
    entries = await audit.history(session, entity="organisation", entity_id=org.id, limit=limit)
    for site_id in (await session.execute(select(Site.id).where(Site.org_id == org.id))).scalars():
        entries += await audit.history(session, entity="site", entity_id=site_id, limit=limit)
    return sorted(entries, key=lambda e: e.at, reverse=True)[:limit]
