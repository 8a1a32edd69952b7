"""What a settlement proves about an alert (its evidence pack, backend/domain/alerts/packs.py).

The chain's settlement alerts carry `settlementId` in their details (and ref
"settlement:<no>:v<version>"): the version as issued beside the platform's recomputation, line by
line, with its findings; the settlement's PDF as rendered now; and the buyer's signed scan when the
seller uploaded one. Read only; [] for an alert that names no settlement. A settlement shows no
person's data (organisations, figures, a bank account of a company), so nothing is declared personal.
"""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import msgspec
from sqlalchemy.ext.asyncio import AsyncSession

from backend.context import Context
from backend.domain.alerts import service as alerts
from backend.domain.alerts.schemas import AlertOut, PackFile
from backend.domain.settlements import pdf, views
from backend.domain.settlements.models import Settlement


def _settlement_id(alert: AlertOut) -> uuid.UUID | None:
    raw: Any = alert.details.get("settlementId")
    try:
        return uuid.UUID(str(raw)) if raw else None
    except ValueError:
        return None


@alerts.evidence_collector("settlement")
async def settlement(session: AsyncSession, ctx: Context, alert: AlertOut) -> list[PackFile]:
    settlement_id = _settlement_id(alert)
    row = None if settlement_id is None else await session.get(Settlement, settlement_id)
    if row is None:
        return []
    out = await views.one(session, row, None)
    base = f"settlement/{out.settlement_no}-v{out.version}"
    record = msgspec.to_builtins(out)
    for key in ("canConfirm", "canCorrect", "canWithdraw"):  # the viewer's buttons, not the record's facts
        record.pop(key, None)
    found = [
        alerts.json_file(f"{base}.json", record),
        PackFile(
            name=f"{base}.pdf", data=await asyncio.to_thread(pdf.render, out), media_type="application/pdf"
        ),
    ]
    if row.scan_sha256 and row.scan_media_type:
        ext = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}.get(
            row.scan_media_type, "bin"
        )
        scan = await alerts.stored_file(ctx, f"{base}-scan.{ext}", row.scan_sha256, row.scan_media_type)
        if scan is not None:
            found.append(scan)
    return found
