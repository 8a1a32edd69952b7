"""What the gate keeps that proves a refused pass (an alert's evidence pack, alerts/packs.py).

The gate does not store a refused token (it is forged or altered: nobody's data); the alert holds its
SHA-256, the gate and the reason, so the pack carries those as the gate recorded them."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from backend.context import Context
from backend.domain.alerts import service as alerts
from backend.domain.alerts.schemas import AlertOut, PackFile


@alerts.evidence_collector("refused_pass")
async def refused_pass(session: AsyncSession, ctx: Context, alert: AlertOut) -> list[PackFile]:
    if not alert.ref.startswith("pass:"):
        return []
    return [alerts.json_file("gate/refused-pass.json", {"kind": alert.kind, "at": alert.raised_at.isoformat(),
                                                        "lastSeenAt": alert.last_seen_at.isoformat(),
                                                        "count": alert.count, "siteId": str(alert.site_id),
                                                        **alert.details})]
