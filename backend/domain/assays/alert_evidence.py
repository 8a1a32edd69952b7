"""What the assays prove about an alert of the chain (its evidence pack, backend/domain/alerts/packs.py).

A chain alert carries `contractId` (and `ticketNos`, the loads concerned) in its details. From them: the
assays of those loads (their own, and their days' batches) as JSON, and each report's scan when stored.
Read only; an alert that names no contract gets nothing from here.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from backend.context import Context
from backend.domain.alerts import service as alerts
from backend.domain.alerts.schemas import AlertOut, PackFile
from backend.domain.assays.reading import assays_of

_EXTENSIONS = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}
MAX_TICKETS = 2000


def _contract(alert: AlertOut) -> uuid.UUID | None:
    raw: Any = alert.details.get("contractId")
    try:
        return uuid.UUID(str(raw)) if raw else None
    except ValueError:
        return None


@alerts.evidence_collector("assays")
async def assays(session: AsyncSession, ctx: Context, alert: AlertOut) -> list[PackFile]:
    contract_id = _contract(alert)
    if contract_id is None:
        return []
    raw = alert.details.get("ticketNos") or []
    ticket_nos = [str(n) for n in raw if isinstance(n, str)][:MAX_TICKETS] if isinstance(raw, list) else []
    found = await assays_of(session, contract_id=contract_id, ticket_nos=ticket_nos)
    if not found:
        return []
    files = [
        alerts.json_file(
            "assays/assays.json", {"contractId": str(contract_id), "ticketNos": ticket_nos, "assays": found}
        )
    ]
    for a in found:
        if a.scan_sha256 and a.scan_media_type:
            name = f"assays/{a.report_no}.{_EXTENSIONS.get(a.scan_media_type, 'bin')}"
            scan = await alerts.stored_file(ctx, name, a.scan_sha256, a.scan_media_type)
            if scan is not None:
                files.append(scan)
    return files
