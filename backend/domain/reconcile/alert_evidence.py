"""The chain status that proves an alert (its evidence pack, backend/domain/alerts/packs.py).

An alert about an order's chain names its order: its `order_no`, a ref "order:<no>", or in its
details `orderNo` / `orderNos` (a settlement or an invoice spans several orders). The pack gets the
chain rows of those orders with their states and reasons. Read only; [] when it names no order.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.context import Context
from backend.domain.alerts import service as alerts
from backend.domain.alerts.schemas import AlertOut, PackFile
from backend.domain.reconcile.models import ChainStatus
from backend.domain.reconcile.views import row_out

# A settlement of a month may name thousands of orders; the pack shows the first ones.
MAX_ROWS = 500


def _order_nos(alert: AlertOut) -> list[str]:
    found: list[str] = []
    head, _, tail = alert.ref.partition(":")
    if head == "order" and tail:
        found.append(tail)
    if alert.order_no:
        found.append(alert.order_no)
    details: dict[str, Any] = alert.details or {}
    if isinstance(details.get("orderNo"), str):
        found.append(details["orderNo"])
    many = details.get("orderNos")
    if isinstance(many, list):
        found += [n for n in many if isinstance(n, str)]
    return sorted(set(found))[:MAX_ROWS]


@alerts.evidence_collector("chain_status")
async def chain_status(session: AsyncSession, ctx: Context, alert: AlertOut) -> list[PackFile]:
    numbers = _order_nos(alert)
    if not numbers:
        return []
    rows = (
        await session.execute(
            select(ChainStatus).where(ChainStatus.order_no.in_(numbers)).order_by(ChainStatus.order_no)
        )
    ).scalars()
    items = [row_out(r) for r in rows]
    if not items:
        return []
    return [alerts.json_file("reconcile/chain-status.json", {"orders": items})]
