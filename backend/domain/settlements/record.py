"""A settlement version as a legal record for the evidence chain (存证): what the issuer put its
name to — the figures, the loads, the bank, the scan's hash — and nothing that changes later
(status, confirmations, the platform's recomputation)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.domain.settlements.models import Settlement, SettlementLine

KIND = "settlement"


def _iso(at: datetime) -> str:
    # Always in UTC: the resolver rebuilds this payload from the row, which reads back in UTC.
    return at.astimezone(UTC).isoformat()


def payload(s: Settlement, lines: list[SettlementLine]) -> dict[str, Any]:
    return {
        "settlementNo": s.settlement_no,
        "version": s.version,
        "supersedesId": str(s.supersedes_id or ""),
        "contractId": str(s.contract_id),
        "contractNo": s.contract_no,
        "sellerOrgId": str(s.seller_org_id),
        "buyerOrgId": str(s.buyer_org_id),
        "issuedByOrgId": str(s.issued_by_org_id),
        "source": s.source,
        "periodFrom": s.period_from.isoformat(),
        "periodTo": s.period_to.isoformat(),
        "settledOn": s.settled_on.isoformat(),
        "loadCount": s.load_count,
        "supplierKg": s.supplier_kg,
        "settledKg": s.settled_kg,
        "shortKg": s.short_kg,
        "deductionKg": s.deduction_kg,
        "unitPriceFenPerT": s.unit_price_fen_per_t,
        "amountFen": s.amount_fen,
        "taxRateBp": s.tax_rate_bp,
        "taxFen": s.tax_fen,
        "totalFen": s.total_fen,
        "quality": s.quality,
        "adjustments": s.adjustments,
        "bank": s.bank,
        "scanSha256": s.scan_sha256 or "",
        "issuedAt": _iso(s.issued_at),
        "lines": [
            {
                "ticketNo": x.ticket_no,
                "orderNo": x.order_no,
                "netKg": x.net_kg,
                "settledKg": x.settled_kg,
                "unitPriceFenPerT": x.unit_price_fen_per_t,
                "amountFen": x.amount_fen,
            }
            for x in sorted(lines, key=lambda x: x.position)
        ],
    }


async def settlement_payload(session: AsyncSession, ref: str) -> Mapping[str, Any] | None:
    """The evidence resolver: the settlement version as it reads now."""
    try:
        s = await session.get(Settlement, uuid.UUID(ref), populate_existing=True)
    except ValueError:
        return None
    if s is None:
        return None
    lines = list(
        (
            await session.execute(
                select(SettlementLine)
                .where(SettlementLine.settlement_id == s.id)
                .execution_options(populate_existing=True)
            )
        ).scalars()
    )
    return payload(s, lines)
