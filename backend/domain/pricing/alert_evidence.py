"""What the price terms prove about an alert of the chain (its evidence pack, backend/domain/alerts/packs.py).

A chain alert (short weight, a settlement mismatch, a price above the contract) carries `contractId` in
its details. From it: the terms version in force on the day the alert was raised (or the version the
details name, `termsVersion`), with all its rules, and the list of every version for context.
Read only; an alert that names no contract gets nothing from here.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.clock import china_time
from backend.context import Context
from backend.domain.alerts import service as alerts
from backend.domain.alerts.schemas import AlertOut, PackFile
from backend.domain.pricing.models import PriceTerms
from backend.domain.pricing.terms import terms_at, terms_out


def contract_of(alert: AlertOut) -> uuid.UUID | None:
    raw: Any = alert.details.get("contractId")
    try:
        return uuid.UUID(str(raw)) if raw else None
    except ValueError:
        return None


@alerts.evidence_collector("price_terms")
async def price_terms(session: AsyncSession, ctx: Context, alert: AlertOut) -> list[PackFile]:
    contract_id = contract_of(alert)
    if contract_id is None:
        return []
    rows = list(
        (
            await session.execute(
                select(PriceTerms).where(PriceTerms.contract_id == contract_id).order_by(PriceTerms.version)
            )
        ).scalars()
    )
    if not rows:
        return []
    wanted = alert.details.get("termsVersion")
    named = next((t for t in rows if t.version == wanted), None)
    chosen = (
        await terms_out(session, named)
        if named
        else await terms_at(session, contract_id=contract_id, on=china_time(alert.raised_at).date())
    )
    versions = [
        {
            "version": t.version,
            "effectiveFrom": t.effective_from.isoformat(),
            "createdAt": t.created_at.isoformat(),
        }
        for t in rows
    ]
    files = [
        alerts.json_file(
            "pricing/price-terms-versions.json", {"contractId": str(contract_id), "versions": versions}
        )
    ]
    if chosen is not None:
        files.append(alerts.json_file(f"pricing/price-terms-v{chosen.version}.json", chosen))
    return files
