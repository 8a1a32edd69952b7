"""E-settlements (电子结算单) for the apps, the machine interface and the features that read them.

Issue (the buyer, or the seller with the buyer's signed scan), the platform's recomputation beside
the figures, confirmation by the other party, corrections as new versions, withdrawal; the PDF.
Modules: issuing (issue, claim the loads), recompute (computation, findings, alerts once),
lifecycle (confirm, version, withdraw, the machine's upsert), reading, pdf.
"""

from __future__ import annotations

import asyncio
import re
import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from backend.domain.identity.schemas import Principal
from backend.domain.settlements import pdf
from backend.domain.settlements.capitals import yuan_capitals
from backend.domain.settlements.issuing import issue
from backend.domain.settlements.lifecycle import confirm, new_version, upsert_by_machine, withdraw
from backend.domain.settlements.reading import (
    get_by_no,
    get_settlement,
    list_settlements,
    parties_of,
    preview,
    scan_file,
    unsettled_tickets,
)
from backend.domain.settlements.recompute import alerts_raised, recompute
from backend.domain.settlements.schemas import SettlementPdf

__all__ = [
    "alerts_raised",
    "confirm",
    "get_by_no",
    "get_settlement",
    "issue",
    "list_settlements",
    "new_version",
    "parties_of",
    "preview",
    "recompute",
    "scan_file",
    "settlement_pdf",
    "unsettled_tickets",
    "upsert_by_machine",
    "withdraw",
    "yuan_capitals",
]


async def settlement_pdf(
    session: AsyncSession, *, actor: Principal, settlement_id: uuid.UUID
) -> SettlementPdf:
    """The settlement version as a PDF, rendered now (a party, a regulator of its region)."""
    s = await get_settlement(session, actor=actor, settlement_id=settlement_id)
    data = await asyncio.to_thread(pdf.render, s)
    safe_no = re.sub(r"[^A-Za-z0-9._-]", "_", s.settlement_no)
    return SettlementPdf(data=data, filename=f"{safe_no}-v{s.version}.pdf")
