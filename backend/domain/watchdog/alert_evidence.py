"""What the watchdog knows that proves a silence (an alert's evidence pack, alerts/packs.py): when the
device or site last reported, since when it is silent, how often it went and came back. Once it has
recovered the outage is no longer tracked; the pack's timeline.json then carries its length."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.context import Context
from backend.domain.alerts import service as alerts
from backend.domain.alerts.schemas import AlertOut, PackFile
from backend.domain.watchdog.models import WatchOutage


@alerts.evidence_collector("heartbeats")
async def heartbeats(session: AsyncSession, ctx: Context, alert: AlertOut) -> list[PackFile]:
    rows = (await session.execute(select(WatchOutage).where(WatchOutage.alert_id == alert.id))).scalars().all()
    last_seen = alert.details.get("lastSeenAt")
    if not rows and last_seen is None:
        return []
    return [alerts.json_file("watchdog/heartbeats.json", {
        "subject": alert.details.get("deviceCode") or alert.details.get("terminal") or alert.details.get("siteId"),
        "lastSeenAt": last_seen, "windowS": alert.details.get("windowS"),
        "outages": [{"ref": o.ref, "subject": o.subject, "silentSince": o.silent_since.isoformat(),
                     "backAt": o.back_at.isoformat() if o.back_at else None, "outages": o.outages,
                     "outageTotalS": o.outage_total_s} for o in rows]})]
