"""Who may run a site's queue: members of the site's organisation (missing and not-visible answer
alike: 404), holding a queue role there (else 403). Regulators watch sites elsewhere, not here."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from backend.domain.identity.schemas import QUEUE_SETTINGS_ROLES, SITE_STAFF, Principal
from backend.domain.queue import errors
from backend.domain.sites import service as sites
from backend.domain.sites.schemas import SiteBrief
from backend.errors import forbidden


async def access_queue_site(session: AsyncSession, actor: Principal, site_id: uuid.UUID, *,
                            settings: bool = False) -> SiteBrief:
    site = await sites.site_brief(session, site_id=site_id)
    if site is None or not (actor.is_platform_admin or actor.is_member(site.org_id)):
        raise errors.site_missing()
    if not (actor.is_platform_admin or actor.is_member(site.org_id, QUEUE_SETTINGS_ROLES if settings else SITE_STAFF)):
        raise forbidden()
    return site
