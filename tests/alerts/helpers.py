"""Reading what an alert left behind: the alerts themselves and the notices outbox rows per user."""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import datetime
from typing import Any

import httpx
from sqlalchemy import select

from backend.context import Context
from backend.domain.alerts import service as alerts
from backend.domain.alerts.schemas import AlertOut
from backend.domain.identity.schemas import Principal
from backend.domain.notices.models import Notice, NoticeDelivery
from backend.domain.sites import service as sites
from backend.domain.sites.schemas import SiteCreate
from tests.sites import helpers as sh


async def all_alerts(ctx: Context, *, org_id: uuid.UUID | None = None, site_id: uuid.UUID | None = None,
                     since: datetime | None = None) -> list[AlertOut]:
    async with ctx.sessions() as session:
        page = await alerts.list_alerts(session, org_id=org_id, site_id=site_id, since=since, limit=200)
    assert page.total == len(page.items)
    return page.items


async def alert_notices(ctx: Context) -> dict[uuid.UUID, list[tuple[str, str, list[tuple[str, str | None]]]]]:
    """user -> [(kind, alertId, [(channel, target)…])] of every alert notice in the outbox."""
    async with ctx.sessions() as session:
        rows = (await session.execute(
            select(Notice.id, Notice.user_id, Notice.kind, Notice.data).where(Notice.kind.like("alert_%"))
            .order_by(Notice.created_at))).all()
        deliveries = (await session.execute(select(NoticeDelivery.notice_id, NoticeDelivery.channel,
                                                   NoticeDelivery.target))).all()
    channels: dict[uuid.UUID, list[tuple[str, str | None]]] = defaultdict(list)
    for notice_id, channel, target in deliveries:
        channels[notice_id].append((channel, target))
    out: dict[uuid.UUID, list[tuple[str, str, list[tuple[str, str | None]]]]] = defaultdict(list)
    for notice_id, user_id, kind, data in rows:
        out[user_id].append((kind, str(data.get("alertId")), sorted(channels[notice_id], key=lambda c: c[0])))
    return dict(out)


async def me(client: httpx.AsyncClient, headers: dict[str, str]) -> tuple[uuid.UUID, str]:
    """(user id, phone) of the caller."""
    r = await client.get("/api/auth/me", headers=headers)
    assert r.status_code == 200, r.text
    return uuid.UUID(r.json()["userId"]), str(r.json()["phone"])


async def make_site(ctx: Context, *, actor: Principal, org_id: uuid.UUID, name: str = "一号储煤场",
                    fence: dict[str, Any] | None = None) -> uuid.UUID:
    async with ctx.sessions() as session:
        site = await sites.create_site(session, actor=actor, org_id=org_id,
                                       data=SiteCreate(name=name, kind="mine_yard", fence=fence or sh.SITE_FENCE))
        await session.commit()
    return site.id


async def evidence_found(ctx: Context, alert_id: uuid.UUID) -> dict[str, bool]:
    """Each evidence name of the alert's pack (built as a platform admin reads it) and whether it was found."""
    import io
    import json
    import zipfile

    from tests import factories as f
    admin_id, _ = await f.make_user(ctx, admin=True)
    async with ctx.sessions() as session:
        pack = await alerts.build_pack(session, ctx=ctx, actor=f.platform_principal(admin_id), alert_id=alert_id)
        await session.commit()
    manifest = json.loads(zipfile.ZipFile(io.BytesIO(pack.data)).read("manifest.json"))
    return {e["name"]: e["found"] for e in manifest["evidence"]}
