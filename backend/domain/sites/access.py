"""Who may see and change a site and its equipment. Missing and not-visible answer alike: 404.

Read: any member of the owning organisation, regulators whose region holds the site, platform admins.
Write: the owning organisation's enterprise_admin, platform admins. Regulators see, never write (403).
"""

from __future__ import annotations

import uuid

from sqlalchemy import ColumnElement, or_, true
from sqlalchemy.ext.asyncio import AsyncSession

from backend.checks.regions import is_within
from backend.domain.identity.schemas import ENTERPRISE_ADMINS, Principal
from backend.domain.regions.service import within_scopes
from backend.domain.sites.models import Device, Site
from backend.errors import NotFound, forbidden


def can_read(actor: Principal, site: Site) -> bool:
    if actor.is_platform_admin or actor.is_member(site.org_id):
        return True
    return any(is_within(site.region_code, scope) for scope in actor.regulator_scopes)


def can_admin(actor: Principal, org_id: uuid.UUID) -> bool:
    # Carriers (whose admin is carrier_admin) own no sites, so the enterprise admin is the one writer.
    return actor.is_platform_admin or actor.is_member(org_id, ENTERPRISE_ADMINS)


def readable_filter(actor: Principal) -> ColumnElement[bool]:
    if actor.is_platform_admin:
        return true()
    return or_(Site.org_id.in_(actor.org_ids()), within_scopes(Site.region_code, actor.regulator_scopes))


def scope_filter(actor: Principal) -> ColumnElement[bool]:
    """The regulator's view: sites inside its regions only, whatever else the person belongs to."""
    return true() if actor.is_platform_admin else within_scopes(Site.region_code, actor.regulator_scopes)


async def access_site(session: AsyncSession, actor: Principal, site_id: uuid.UUID, *, admin: bool = False) -> Site:
    site = await session.get(Site, site_id)
    if site is None or not can_read(actor, site):
        raise NotFound("场地", "site")
    if admin and not can_admin(actor, site.org_id):
        raise forbidden()
    return site


async def access_device(
    session: AsyncSession, actor: Principal, site_id: uuid.UUID, device_id: uuid.UUID, *, admin: bool = False
) -> tuple[Site, Device]:
    """A device through its site: the site's rules decide, and a device of another site is missing."""
    site = await access_site(session, actor, site_id)
    device = await session.get(Device, device_id)
    if device is None or device.site_id != site.id:
        raise NotFound("设备", "device")
    if admin and not can_admin(actor, site.org_id):
        raise forbidden()
    return site, device
